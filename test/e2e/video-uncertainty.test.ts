/**
 * End to end (issue 15 item 3, clips): after a BOREx-3D run the video view's refined pane can show
 * where its map is unsure — the GP's posterior σ of the shown frame, from the job's own
 * uncertainty.npy — in viridis with its own colour bar from the job's smallest to largest σ; off
 * again restores the map's exact pixels; uncertainty.npy is offered with the other files, and a
 * method without a GP (RISE-3D) offers neither. `borex serve` with motion-v1 in Debian's Chromium,
 * on the moving-square clip (test/e2e/video-clips.ts), 6 iterations.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sigmaMeaning } from '../../src/renderer/src/lib/uncertainty.ts';
import { readNpy, tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, type AppPage, type Served } from './browser.ts';
import { MOTION_FRAMES, squareClip } from './video-clips.ts';
import { shownFrame } from './video-page.ts';

const skip = chromiumStatus().skip;
const work = tempDir('borex-e2e-video-sigma-');

describe.skipIf(skip)('video view: the refined pane\'s σ in Chromium against borex serve', () => {
  let app: AppPage | undefined;
  let served: Served;
  let page: Page;
  const problems: string[] = [];
  const view = () => page.getByTestId('video-view');
  const toggle = () => page.getByTestId('video-sigma-toggle');
  const refinedBar = () => page.getByTestId('video-refined-bar').getByTestId('colorbar');
  /** The refined player's pixels as the page has drawn them. */
  const pixels = () => page.evaluate<string>(`document.querySelector('[data-testid=video-refined] canvas').toDataURL('image/png')`);
  const jobFile = async (file: string) => {
    const jobId = await view().getAttribute('data-job-id');
    const res = await fetch(`${served.origin}/api/jobs/${jobId}/files/${file}?token=${served.token}`);
    expect(res.status, file).toBe(200);
    const out = path.join(tempDir('borex-e2e-video-sigma-file-'), file);
    fs.writeFileSync(out, Buffer.from(await res.arrayBuffer()));
    return readNpy(out);
  };
  /** The RISE masks field of the advanced panel (opened if it is closed). */
  const masksField = async () => {
    const advanced = view().getByRole('button', { name: /Advanced/ });
    if ((await advanced.getAttribute('aria-expanded')) !== 'true') await advanced.click();
    return page.locator('[data-testid=video-view] [data-testid=advanced] input').nth(1);
  };
  const goTo = async (k: number) => {
    await page.getByTestId('frame-box').fill(String(k));
    await page.getByTestId('frame-box').press('Enter');
    await expect.poll(() => shownFrame(page)).toBe(k);
  };

  beforeAll(async () => {
    const clip = await squareClip(path.join(work, 'square-left.mp4'), -1);
    app = await openApp({ args: ['--runs', tempDir('borex-e2e-video-sigma-runs-')], problems, onlyServer: true, tab: 'tab-video', watch: (p) => p.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`)) });
    ({ served, page } = app);
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.getByTestId('video-input').setInputFiles(clip);
    await page.waitForSelector(`[data-testid=video-view][data-frames="${MOTION_FRAMES}"]`, { timeout: 30_000 });
  }, 120_000);

  afterAll(() => app?.close());

  it('BOREx-3D: σ of the shown frame in viridis, its bar from uncertainty.npy\'s min to max; off restores the exact pixels', async () => {
    expect(await page.getByTestId('video-model').inputValue()).toBe('motion-v1');
    await view().getByTestId('method').selectOption('borex');
    await view().getByTestId('prior').selectOption('rise');
    await (await masksField()).fill('200');
    await view().getByTestId('iterations').fill('6');
    await page.getByTestId('video-run').click();
    await page.waitForSelector('[data-testid=video-view][data-job-state=done] [data-testid=video-refined] canvas[data-has-map=true]', { timeout: 240_000 });
    await goTo(15); // sampled (uniform 16 of 32: frames 1, 3, …, 31), the square in view

    expect(await toggle().count()).toBe(1);
    expect(await toggle().isChecked()).toBe(false);
    expect(await refinedBar().locator('.label').textContent()).toBe('refined');
    const before = await pixels();
    // By keyboard: Space on the focused checkbox is the checkbox's, not the player's play/pause.
    await toggle().focus();
    await page.keyboard.press('Space');
    expect(await toggle().isChecked()).toBe(true);
    await expect.poll(() => refinedBar().locator('.label').textContent()).toBe('posterior σ');
    expect(await page.getByTestId('play').textContent()).toBe('Play');
    expect(await shownFrame(page)).toBe(15);
    await expect.poll(() => pixels()).not.toBe(before);
    expect(await page.locator('[data-testid=video-refined] figcaption').textContent()).toContain('posterior σ');

    const sigma = await jobFile('uncertainty.npy');
    const map = await jobFile('saliency.npy');
    expect(sigma.shape).toEqual([16, 64, 64]);
    expect(sigma.shape).toEqual(map.shape);
    const min = sigma.data.reduce((a, v) => Math.min(a, v), Infinity);
    const max = sigma.data.reduce((a, v) => Math.max(a, v), -Infinity);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(min);
    expect(await refinedBar().getAttribute('data-colormap')).toBe('viridis');
    expect(await refinedBar().getAttribute('data-range')).toBe(`${min},${max}`);
    expect(await refinedBar().getByTestId('colorbar-meaning').textContent()).toBe(sigmaMeaning(map.data));
    // The prior's bar is untouched; uncertainty.npy is a download of the job.
    expect(await page.locator('[data-testid=video-view] .bars [data-testid=colorbar]').first().locator('.label').textContent()).toBe('prior');
    expect(await page.getByTestId('download-uncertainty.npy').count()).toBe(1);

    // Another frame keeps σ on (that frame's slice of uncertainty.npy); off, its map comes back.
    await goTo(3);
    const sigma3 = await pixels();
    expect(await refinedBar().locator('.label').textContent()).toBe('posterior σ');
    await toggle().focus();
    await page.keyboard.press('Space');
    expect(await toggle().isChecked()).toBe(false);
    await expect.poll(() => refinedBar().locator('.label').textContent()).toBe('refined');
    await expect.poll(() => pixels()).not.toBe(sigma3);
    // And on frame 15 the map's own pixels exactly as before σ was shown.
    await goTo(15);
    await expect.poll(() => pixels()).toBe(before);
  }, 300_000);

  it('RISE-3D (no GP): no σ toggle and no uncertainty.npy', async () => {
    const before = await view().getAttribute('data-job-id');
    await view().getByTestId('method').selectOption('rise');
    await (await masksField()).fill('100');
    await page.getByTestId('video-run').click();
    await expect.poll(() => view().getAttribute('data-job-id'), { timeout: 60_000 }).not.toBe(before);
    await page.waitForSelector('[data-testid=video-view][data-job-state=done] [data-testid=video-refined] canvas[data-has-map=true]', { timeout: 240_000 });
    expect(await toggle().count()).toBe(0);
    expect(await page.getByTestId('download-uncertainty.npy').count()).toBe(0);
    expect(await refinedBar().locator('.label').textContent()).toBe('rise');
  }, 300_000);

  it('logged no console errors or warnings', () => {
    expect(problems).toEqual([]);
  });
});
