/**
 * End to end (issue 13, findings 7 and 10): BOREx's sampled squares and the insertion/deletion
 * curves in the explain view, in Debian's Chromium against `borex serve` with the bundled shape
 * classifier and one of its sample scenes (no shared assets needed).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES_DIR } from '../../src/engine/model/catalogue.ts';
import { curveYRange, DELETED_RGB, pixelsAt } from '../../src/renderer/src/lib/curve-view.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage } from './browser.ts';

const SCENE = path.join(RESOURCES_DIR, 'samples', 'shapes-04-star.png');
const ITERATIONS = 24;

interface Result {
  borex: { samples: { row: number; col: number; halfSize: number; y: number }[] };
  curves: { insertion: number[]; deletion: number[] };
  prior: { curves: { insertion: number[]; deletion: number[] } };
}

describe.skipIf(chromiumStatus().skip)('sampled squares and curves in Chromium against borex serve', () => {
  let app: AppPage | undefined;
  let page: Page;
  const problems: string[] = [];
  let result: Result;
  const refined = () => page.locator('[data-testid=panel-refined] canvas');
  /** A range input moved as a drag would move it (Playwright's fill does not take ranges). */
  const setRange = (testid: string, value: number) =>
    page.evaluate(`(() => { const el = document.querySelector('[data-testid=${testid}]'); el.value = '${value}'; el.dispatchEvent(new Event('input', { bubbles: true })); })()`);

  beforeAll(async () => {
    app = await openApp({
      env: { BOREX_MODEL_DIR: '' },
      problems,
      onlyServer: true,
      watch: (p) =>
        p.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
        }),
    });
    ({ page } = app);
  });

  afterAll(() => app?.close());

  it('draws the squares live, then hides them; the toggle shows each sample in its own colour', async () => {
    const ev = page.getByTestId('explain-view');
    await ev.getByTestId('model').selectOption('shapes-v1');
    await page.getByTestId('file-input').setInputFiles(SCENE);
    await expect.poll(() => page.getByTestId('top5').textContent(), { timeout: 30_000 }).toContain('star');
    await ev.getByTestId('method').selectOption('borex');
    await ev.getByTestId('prior').selectOption('rise');
    await ev.getByTestId('preset').selectOption('paper');
    await ev.getByRole('button', { name: /Advanced/ }).click();
    await ev.getByTestId('iterations').fill(String(ITERATIONS));
    // Every count of squares the refined panel drew, however short the run.
    // (Page code as strings: these tests are type-checked without the DOM library.)
    await page.evaluate(`(() => {
      const seen = (window.squaresSeen = []);
      new MutationObserver(() => {
        const c = document.querySelector('[data-testid=panel-refined] canvas');
        if (c) seen.push({ count: Number(c.getAttribute('data-squares')), colours: c.getAttribute('data-square-colours') ?? '' });
      }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-squares'] });
    })()`);
    await page.getByTestId('run').click();
    await page.waitForSelector('[data-testid=explain-view][data-job-state=done] [data-testid=results]', { timeout: 120_000 });
    const seen = await page.evaluate<{ count: number; colours: string }[]>('window.squaresSeen');
    // Live squares too are coloured by their observed value (progress events carry sampleValues).
    const live = seen.filter((s) => s.count > 0);
    expect(live.length).toBeGreaterThanOrEqual(1);
    expect(live.every((s) => s.colours.split(';').every((c) => /^hsl\((8|212), /.test(c)))).toBe(true);

    const jobId = await ev.getAttribute('data-job-id');
    const res = await fetch(`${app!.served.origin}/api/jobs/${jobId}/files/result.json?token=${app!.served.token}`);
    result = (await res.json()) as Result;
    expect(result.borex.samples).toHaveLength(ITERATIONS);

    // After the run: hidden until asked for.
    expect(await refined().getAttribute('data-squares')).toBe('0');
    await page.getByTestId('show-samples').check();
    expect(await refined().getAttribute('data-squares')).toBe(String(ITERATIONS));
    expect(await page.getByTestId('sample-replay').textContent()).toMatch(/show sampled squares.*squares: red = hiding it lowered the class score/s);
    const colours = (await refined().getAttribute('data-square-colours'))!.split(';');
    // One colour per distinct observed value (|y| to the colour's 0.1 % of lightness), red for y > 0, blue for y < 0.
    const ys = result.borex.samples.map((s) => s.y);
    const maxY = Math.max(...ys.map(Math.abs));
    expect(new Set(colours).size).toBe(new Set(ys.map((y) => `${y >= 0}${(40 * Math.abs(y) / maxY).toFixed(1)}`)).size);
    expect(new Set(colours).size).toBeGreaterThanOrEqual(3);
    ys.forEach((y, i) => expect(colours[i].startsWith(y >= 0 ? 'hsl(8,' : 'hsl(212,')).toBe(true));

    // Replay: the slider shows the first n.
    await setRange('samples-upto', 5);
    expect(await refined().getAttribute('data-squares')).toBe('5');
    expect(await page.getByTestId('samples-upto-text').textContent()).toBe(`5/${ITERATIONS}`);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'explain-samples-replay.png') });
    await page.getByTestId('show-samples').uncheck();
    expect(await refined().getAttribute('data-squares')).toBe('0');
  });

  it('fits y to the curves, 0–1 on request; AUC on the plot; tooltips in words', async () => {
    const plot = page.getByTestId('curve-insertion');
    const fitted = curveYRange([result.prior.curves.insertion, result.curves.insertion], false);
    expect(await plot.getAttribute('data-y-range')).toBe(fitted.map((v) => v.toFixed(4)).join(','));
    await page.getByTestId('curve-insertion-full-y').check();
    expect(await plot.getAttribute('data-y-range')).toBe('0.0000,1.0200');
    await page.getByTestId('curve-insertion-full-y').uncheck();
    expect(await plot.locator('.annotation-text').allTextContents()).toHaveLength(2);
    expect((await plot.locator('.annotation-text').allTextContents())[0]).toMatch(/^AUC \d\.\d{3}$/);
    // Deletion opens on its first 20 %.
    expect(await page.getByTestId('curve-deletion').getAttribute('data-x-zoom')).toBe('true');

    // Hover the refined insertion curve at its middle point: the step image follows, the tooltip is in words.
    const curve = result.curves.insertion;
    const mid = Math.floor((curve.length - 1) / 2);
    const box = (await plot.locator('.nsewdrag').first().boundingBox())!;
    const [lo, hi] = fitted;
    await page.mouse.move(box.x + (mid / (curve.length - 1)) * box.width, box.y + (1 - (curve[mid] - lo) / (hi - lo)) * box.height);
    await expect.poll(() => page.getByTestId('curve-step').getAttribute('data-kind')).toBe('insertion');
    const point = Number(await page.getByTestId('curve-step').getAttribute('data-point'));
    expect(Math.abs(point - mid)).toBeLessThanOrEqual(3);
    expect(await plot.locator('.hovertext').first().textContent()).toMatch(/\d+% of pixels inserted: p = \d\.\d\d/);
  });

  it('draws the image at a step with exactly that many top pixels deleted', async () => {
    await page.mouse.move(0, 0);
    await page.getByTestId('step-kind').selectOption('deletion');
    const setStep = (n: number) => setRange('step-slider', n);
    const pixels = () => page.evaluate<number[]>(`(() => { const c = document.querySelector('[data-testid=curve-step] canvas'); return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); })()`);
    await setStep(0);
    expect(await page.getByTestId('curve-step').getAttribute('data-replaced')).toBe('0');
    const before = await pixels();
    const isGrey = (d: number[], p: number) => d[p] === DELETED_RGB[0] && d[p + 1] === DELETED_RGB[1] && d[p + 2] === DELETED_RGB[2];
    const plane = Number(await page.getByTestId('curve-step').getAttribute('data-plane'));
    let greyBefore = 0;
    for (let p = 0; p < plane * 4; p += 4) if (isGrey(before, p)) greyBefore++;
    expect(greyBefore).toBe(0); // so every deleted pixel shows as a change

    await setStep(10);
    const expected = pixelsAt(10, result.curves.deletion.length, plane);
    expect(await page.getByTestId('curve-step').getAttribute('data-replaced')).toBe(String(expected));
    const after = await pixels();
    let changed = 0;
    let grey = 0;
    for (let p = 0; p < plane * 4; p += 4) {
      if (after[p] !== before[p] || after[p + 1] !== before[p + 1] || after[p + 2] !== before[p + 2]) changed++;
      if (isGrey(after, p)) grey++;
    }
    expect(changed).toBe(expected);
    await page.getByTestId('curve-step').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'explain-curve-step.png') });
    expect(grey).toBe(expected);
    expect(problems).toEqual([]);
  });
});
