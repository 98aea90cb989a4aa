/**
 * End to end, the video-done size bound (src/app/video-done.ts) in the view: `borex serve` with the
 * bound at 0 bytes, so no map is ever inlined, and Debian's Chromium. A RISE-3D run of motion-v1 on
 * the square clip: the done event the page gets carries no maps (mapsOmitted), the view fetches
 * saliency.npy and draws the refined map and its track exactly as with inline maps.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, type AppPage } from './browser.ts';
import { MOTION_FRAMES, squareClip } from './video-clips.ts';
import { shownFrame } from './video-page.ts';

const skip = chromiumStatus().skip;

describe.skipIf(skip)('video view: maps too large for the done event are fetched', () => {
  let app: AppPage | undefined;
  let page: Page;
  const problems: string[] = [];
  const frames: string[] = [];
  const npyRequests: string[] = [];
  const clip = path.join(tempDir('borex-e2e-large-maps-'), 'square-left.mp4');

  beforeAll(async () => {
    await squareClip(clip, -1);
    app = await openApp({
      env: { BOREX_VIDEO_DONE_INLINE_BYTES: '0' },
      args: ['--runs', tempDir('borex-e2e-large-maps-runs-')],
      problems,
      tab: 'tab-video',
      watch: (p) => {
        p.on('websocket', (ws) => ws.on('framereceived', (f) => typeof f.payload === 'string' && f.payload.includes('"video-done"') && frames.push(f.payload)));
        p.on('request', (r) => r.url().includes('.npy') && npyRequests.push(new URL(r.url()).pathname));
      },
    });
    ({ page } = app);
  });

  afterAll(() => app?.close());

  it('RISE-3D on motion-v1: no maps in the event, saliency.npy fetched, the refined map and its track drawn', async () => {
    await page.getByTestId('video-input').setInputFiles(clip);
    const view = page.getByTestId('video-view');
    await expect.poll(() => view.getAttribute('data-frames'), { timeout: 30_000 }).toBe(String(MOTION_FRAMES));
    await view.getByTestId('method').selectOption('rise');
    await view.getByTestId('preset').selectOption('paper');
    await page.getByTestId('video-run').click();
    await page.waitForSelector('[data-testid=video-view][data-job-state=done]', { timeout: 180_000 });
    const jobId = (await view.getAttribute('data-job-id'))!;
    expect(frames).toHaveLength(1);
    const event = JSON.parse(frames[0]) as { maps: unknown[]; mapsOmitted?: { bytes: number; limit: number } };
    expect(event.maps).toEqual([]);
    expect(event.mapsOmitted).toEqual({ bytes: 16 * 64 * 64 * 4, limit: 0 });
    await expect.poll(() => page.locator('[data-testid=video-refined] canvas').getAttribute('data-has-map'), { timeout: 20_000 }).toBe('true');
    expect(npyRequests).toEqual([`/api/jobs/${jobId}/files/saliency.npy`]);
    await expect.poll(() => page.getByTestId('track-refined').count()).toBe(1);
    // A sampled frame (uniform sampling of 16 from 32 takes 1, 3, …) shows its own map, not dimmed.
    await page.getByTestId('frame-box').fill('9');
    await page.getByTestId('frame-box').press('Enter');
    await expect.poll(() => shownFrame(page)).toBe(9);
    expect(await page.locator('[data-testid=video-refined] canvas').getAttribute('data-dimmed')).toBe('false');
    expect(await page.getByTestId('video-error').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 240_000);
});
