/**
 * End to end, frame-exact playback: frame-index clips (each frame shows its index as 16 blocks,
 * tools/video/index-clip.ts) at 25 fps, 30000/1001 fps and VFR, opened in the video view of
 * Chromium against `borex serve`. Every frame stepped with →, then random seeks from the scrubber
 * and the frame box: the index read back from the player's canvas equals the frame the view says
 * it shows, every time.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIndexClip, type ClipKind } from '../../tools/video/index-clip.ts';
import { tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage } from './browser.ts';
import { VIDEO_SHORTCUTS } from '../../src/renderer/src/lib/video/keys.ts';
import { clickScrubber, expectShown, readCanvasIndex } from './video-page.ts';

const N = 40;
const skip = chromiumStatus().skip;
const work = tempDir('borex-e2e-index-');
const clip = (kind: ClipKind) => path.join(work, `index-${kind}.mp4`);

/** A fixed pseudo-random order (the same every run). */
function randomFrames(count: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % N;
  });
}

describe.skipIf(skip)('video view: frame-exact players in Chromium', () => {
  let app: AppPage | undefined;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    for (const kind of ['25', 'ntsc', 'vfr'] as const) await makeIndexClip(clip(kind), kind, N);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await openApp({ args: ['--runs', tempDir('borex-e2e-video-runs-')], problems });
    ({ page } = app);
  });

  it('a video dropped on the Explain tab opens in the Video tab', async () => {
    expect(await page.getByTestId('video-view').count()).toBe(0); // made when its tab first opens
    const base64 = fs.readFileSync(clip('25')).toString('base64');
    await page.evaluate(`(() => {
      const bytes = Uint8Array.from(atob('${base64}'), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped-index.mp4'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    await expect.poll(() => page.getByTestId('video-name').textContent(), { timeout: 30_000 }).toBe('dropped-index.mp4');
    expect(await page.getByTestId('tab-video').getAttribute('class')).toContain('active');
    await expect.poll(() => readCanvasIndex(page), { timeout: 20_000 }).toBe(0);
  });

  it('the ? sheet lists the video keys', async () => {
    await page.keyboard.press('?');
    await expect.poll(() => page.getByTestId('shortcut-video').count()).toBe(VIDEO_SHORTCUTS.length);
    expect(await page.getByTestId('shortcuts').textContent()).toContain('Shift+→ / Shift+←ten frames on / back');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcuts').count()).toBe(0);
  });

  afterAll(() => app?.close());

  it.each(['25', 'ntsc', 'vfr'] as const)('at %s: → through every frame, then scrubber and frame-box seeks', async (kind) => {
    await page.getByTestId('video-input').setInputFiles(clip(kind));
    await expect.poll(() => page.getByTestId('video-name').textContent(), { timeout: 30_000 }).toBe(`index-${kind}.mp4`);
    expect(await page.getByTestId('video-frame-count').textContent()).toBe(String(N));
    await expect.poll(() => page.getByTestId('video-view').getAttribute('data-frames')).toBe(String(N));
    await expect.poll(() => readCanvasIndex(page), { timeout: 20_000 }).toBe(0);
    await expectShown(page, 0, N);

    await page.locator('body').click({ position: { x: 5, y: 5 } }); // focus on the page, not an input
    for (let k = 1; k < N; k++) {
      await page.keyboard.press('ArrowRight');
      await expectShown(page, k, N);
    }
    await page.keyboard.press('ArrowRight'); // past the end: stays on the last frame
    await expectShown(page, N - 1, N);
    await page.keyboard.press('Home');
    await expectShown(page, 0, N);
    await page.keyboard.press('Shift+ArrowRight');
    await expectShown(page, 10, N);
    await page.keyboard.press(',');
    await expectShown(page, 9, N);
    await page.keyboard.press('End');
    await expectShown(page, N - 1, N);
    // A held key repeats at the rate the browser decodes: repeats that come during a seek are
    // dropped, so releasing it stops at once (nothing queued) on a frame the canvas shows.
    await page.keyboard.press('Home');
    await expectShown(page, 0, N);
    for (let i = 0; i < 25; i++) await page.keyboard.down('ArrowRight'); // the 2nd.. are repeats
    await page.keyboard.up('ArrowRight');
    await new Promise((r) => setTimeout(r, 400));
    const held = Number(await page.getByTestId('video-view').getAttribute('data-frame'));
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(25); // measured 3-9: the repeats during each seek were dropped
    await new Promise((r) => setTimeout(r, 400));
    await expectShown(page, held, N);

    // Space plays, Space pauses: the clock moved on and the canvas shows the frame the view names.
    await page.keyboard.press('Home');
    await expectShown(page, 0, N);
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('play').textContent()).toBe('Pause');
    await new Promise((r) => setTimeout(r, 500));
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByTestId('play').textContent()).toBe('Play');
    await new Promise((r) => setTimeout(r, 200));
    const played = Number(await page.getByTestId('video-view').getAttribute('data-frame'));
    expect(played).toBeGreaterThan(0);
    await expectShown(page, played, N);
    await page.keyboard.press('ArrowRight'); // a step after playing goes on from the frame shown
    await expectShown(page, Math.min(played + 1, N - 1), N);

    for (const k of randomFrames(12, Number(kind === 'vfr' ? 7 : kind === 'ntsc' ? 3 : 1))) {
      await clickScrubber(page, k, N);
      await expectShown(page, k, N);
    }
    for (const k of randomFrames(12, 11)) {
      await page.getByTestId('frame-box').fill(String(k));
      await page.getByTestId('frame-box').press('Enter');
      await expectShown(page, k, N);
    }
    if (kind === 'vfr') {
      await page.getByTestId('frame-box').fill('13');
      await page.getByTestId('frame-box').press('Enter');
      await expectShown(page, 13, N);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'video-frame-index.png') });
    }
    expect(problems).toEqual([]);
  }, 180_000);
});
