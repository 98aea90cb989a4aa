/** Helpers of the video view's end-to-end tests: the frame index read back from a player's canvas, the shown frame, seeking. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { HEIGHT, WIDTH } from '../../tools/video/index-clip.ts';

/**
 * The index a frame-index clip's frame carries (tools/video/index-clip.ts readIndex: 16 blocks, most
 * significant bit top-left), read from a player canvas's own pixels. The canvas shows the whole frame
 * at zoom 1, so the pattern is scaled by canvas size / clip size.
 */
export function readCanvasIndex(page: Page, testid = 'video-original'): Promise<number> {
  // Runs in the page, as a string: the tests' own tsconfig has no DOM types.
  return page.evaluate<number>(`(() => {
    const canvas = document.querySelector('[data-testid=${testid}] canvas');
    const { width, height } = canvas;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const sx = width / ${WIDTH};
    const sy = height / ${HEIGHT};
    let k = 0;
    for (let bit = 0; bit < 16; bit++) {
      const cx = 32 + (bit % 4) * 16 + 8;
      const cy = 16 + Math.floor(bit / 4) * 16 + 8;
      let sum = 0;
      let n = 0;
      for (let y = Math.floor((cy - 4) * sy); y < Math.ceil((cy + 4) * sy); y++) {
        for (let x = Math.floor((cx - 4) * sx); x < Math.ceil((cx + 4) * sx); x++) {
          const i = (y * width + x) * 4;
          sum += data[i] + data[i + 1] + data[i + 2];
          n += 3;
        }
      }
      k = (k << 1) | (sum / n > 128 ? 1 : 0);
    }
    return k;
  })()`);
}

/** The frame the view says it shows (its data-frame, the "frame k / N" label). */
export async function shownFrame(page: Page): Promise<number> {
  return Number(await page.getByTestId('video-view').getAttribute('data-frame'));
}

/** Waits until the view shows frame k, then checks the label and that the canvas carries k. */
export async function expectShown(page: Page, k: number, n: number): Promise<void> {
  await expect.poll(() => shownFrame(page), { timeout: 10_000, interval: 20 }).toBe(k);
  expect(await page.getByTestId('frame-label').textContent()).toBe(`frame ${k} / ${n}`);
  expect(await readCanvasIndex(page)).toBe(k);
}

/** Clicks the scrubber at frame k (its x: k·(W−1)/(N−1) of the canvas's 1200 columns). */
export async function clickScrubber(page: Page, k: number, n: number): Promise<void> {
  const box = (await page.getByTestId('scrubber').boundingBox())!;
  const W = 1200;
  const x = box.x + (((k * (W - 1)) / (n - 1) + 0.5) * box.width) / W;
  await page.mouse.click(x, box.y + box.height / 2);
}
