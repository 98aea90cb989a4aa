/**
 * End to end (issue 13 finding 12, issue 15 item 3): `borex serve` with the real engine in Debian's
 * Chromium. The panes grow with the window (1024 → 1440 → 1920 px) with nothing cut off and no
 * sideways scroll; a method without a prior shows two larger panes, not a "no prior" one; after a
 * BOREx run the refined pane can show where its map is unsure (the GP's posterior σ, the job's
 * uncertainty.npy) in its own colour map and colour bar, reachable by keyboard; RISE has no σ.
 */
import path from 'node:path';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sigmaMeaning } from '../../src/renderer/src/lib/uncertainty.ts';
import { asset, assetStatus, MODEL_DIR } from '../helpers/assets.ts';
import { readNpy, tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage } from './browser.ts';

const DOG = 'images/darknet/dog.jpg';
const skip = assetStatus(DOG, 'models/mobilenetv2-12-int8.onnx').skip || chromiumStatus().skip;
const SIZES = [
  [1024, 768],
  [1440, 900],
  [1920, 1080],
] as const;

/** What must stay on screen at every width: is its box inside the viewport. */
interface Fit {
  name: string;
  inside: boolean;
}

// The refined pane's displayed width, a sideways scroll, and whether the Explain button, every
// colour bar and each of its ticks are inside the window. (A string: the root type-check has no DOM library.)
const MEASURE = `(() => {
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
  };
  const fits = [];
  const run = document.querySelector('[data-testid=run]');
  fits.push({ name: 'Explain button', inside: !!run && inView(run) });
  document.querySelectorAll('[data-testid=explain-view] .bars [data-testid=colorbar]').forEach((bar, i) => {
    fits.push({ name: 'colour bar ' + i, inside: inView(bar) });
    const box = bar.getBoundingClientRect();
    bar.querySelectorAll('.ticks span').forEach((t, k) => {
      const r = t.getBoundingClientRect();
      fits.push({ name: 'colour bar ' + i + ' tick ' + k, inside: inView(t) && r.left >= box.left - 1 && r.right <= box.right + 1 });
    });
  });
  const canvas = document.querySelector('[data-testid=panel-refined] canvas');
  return { paneWidth: canvas.getBoundingClientRect().width, scrolls: document.documentElement.scrollWidth > window.innerWidth, fits };
})()`;

describe.skipIf(skip)('layout at 1024–1920 px and the refined map\'s σ, in Chromium against borex serve', () => {
  let app: AppPage;
  let page: Page;
  const problems: string[] = [];
  const ev = () => page.getByTestId('explain-view');
  const refinedCanvas = () => page.locator('[data-testid=panel-refined] canvas');
  const refinedBar = () => page.getByTestId('refined-bar').getByTestId('colorbar');
  /** The refined pane's pixels as the page has drawn them. */
  const pixels = () => page.evaluate<string>(`document.querySelector('[data-testid=panel-refined] canvas').toDataURL('image/png')`);
  const paneWidth = async () => (await refinedCanvas().boundingBox())!.width;
  const jobFile = async (file: string) => {
    const jobId = await ev().getAttribute('data-job-id');
    const res = await fetch(`${app.served.origin}/api/jobs/${jobId}/files/${file}?token=${app.served.token}`);
    expect(res.status, file).toBe(200);
    const out = path.join(tempDir('borex-e2e-sigma-'), file);
    fs.writeFileSync(out, Buffer.from(await res.arrayBuffer()));
    return out;
  };
  async function measure(): Promise<{ width: number; paneWidth: number; scrolls: boolean; fits: Fit[] }[]> {
    const out = [];
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(150);
      out.push({ width, ...(await page.evaluate<{ paneWidth: number; scrolls: boolean; fits: Fit[] }>(MEASURE)) });
    }
    return out;
  }
  function expectAllFit(sizes: Awaited<ReturnType<typeof measure>>): void {
    expect(sizes[1].paneWidth).toBeGreaterThan(sizes[0].paneWidth);
    expect(sizes[2].paneWidth).toBeGreaterThan(sizes[1].paneWidth);
    for (const s of sizes) {
      expect(s.scrolls, `${s.width} px scrolls sideways`).toBe(false);
      expect(s.fits.filter((f) => !f.inside).map((f) => `${s.width} px: ${f.name}`)).toEqual([]);
    }
  }

  beforeAll(async () => {
    app = await openApp({ env: { BOREX_MODEL_DIR: MODEL_DIR }, problems, watch: (p) => p.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`)) });
    page = app.page;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('a BOREx run: three panes that grow with the window, nothing cut off, no sideways scroll', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('model').selectOption('mobilenetv2-12-int8');
    await page.getByTestId('file-input').setInputFiles(asset(DOG));
    await expect.poll(() => page.locator('[data-testid=top5] button.selected').textContent(), { timeout: 60_000 }).toContain('malamute');
    await ev().getByTestId('method').selectOption('borex');
    await ev().getByTestId('prior').selectOption('rise');
    await ev().getByTestId('preset').selectOption('paper');
    if (!(await ev().getByTestId('advanced').isVisible())) await ev().getByRole('button', { name: /Advanced/ }).click();
    await ev().getByTestId('iterations').fill('10');
    await page.getByTestId('run').click();
    await page.waitForSelector('[data-testid=explain-view][data-job-state=done] [data-testid=panel-refined] canvas[data-has-map=true]', { timeout: 240_000 });
    expect(await page.getByTestId('panels').getAttribute('data-panes')).toBe('3');
    expect(await page.getByTestId('panel-prior').count()).toBe(1);
    const sizes = await measure();
    for (const s of sizes) expect(s.fits.filter((f) => f.name.startsWith('colour bar') && !f.name.includes('tick')).length).toBe(2);
    expectAllFit(sizes);
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 300_000);

  it('the refined pane shows where the map is unsure: σ from uncertainty.npy in viridis, with its own colour bar, by keyboard', async () => {
    const toggle = page.getByTestId('sigma-toggle');
    expect(await toggle.count()).toBe(1);
    expect(await toggle.isChecked()).toBe(false);
    expect(await refinedBar().locator('.label').textContent()).toBe('refined');
    const before = await pixels();
    await toggle.focus();
    await page.keyboard.press('Space');
    expect(await toggle.isChecked()).toBe(true);
    await expect.poll(() => refinedBar().locator('.label').textContent()).toBe('posterior σ');
    expect(await pixels()).not.toBe(before);
    expect(await page.locator('[data-testid=panel-refined] figcaption').textContent()).toContain('posterior σ');
    // σ's bar: viridis, from the smallest to the largest σ of the job's own uncertainty.npy; its text names the map's units and raw range.
    const sigma = readNpy(await jobFile('uncertainty.npy'));
    const map = readNpy(await jobFile('saliency.npy'));
    expect(sigma.shape).toEqual(map.shape);
    const min = sigma.data.reduce((a, v) => Math.min(a, v), Infinity);
    const max = sigma.data.reduce((a, v) => Math.max(a, v), 0);
    expect(min).toBeGreaterThan(0);
    expect(max).toBeGreaterThan(min);
    expect(await refinedBar().getAttribute('data-colormap')).toBe('viridis');
    expect(await refinedBar().getAttribute('data-range')).toBe(`${min},${max}`);
    expect(await refinedBar().getByTestId('colorbar-meaning').textContent()).toBe(sigmaMeaning(map.data));
    // The prior's bar is untouched; uncertainty.npy is offered with the other files.
    expect(await page.locator('[data-testid=explain-view] .bars [data-testid=colorbar]').first().locator('.label').textContent()).toBe('prior');
    expect(await ev().getByTestId('export-uncertainty.npy').count()).toBe(1);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'layout-sigma-1440.png') });
    // Off again: the map's own pixels and bar come back.
    await page.keyboard.press('Space');
    await expect.poll(() => refinedBar().locator('.label').textContent()).toBe('refined');
    expect(await pixels()).toBe(before);
  }, 60_000);

  it('a method without a prior (RISE) has two larger panes and no σ toggle', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(150);
    const threeWide = await paneWidth();
    await ev().getByTestId('method').selectOption('rise');
    await page.getByTestId('run').click();
    await page.waitForSelector('[data-testid=explain-view][data-job-state=done] [data-testid=panel-refined] canvas[data-has-map=true]', { timeout: 240_000 });
    await expect.poll(() => page.getByTestId('panels').getAttribute('data-panes')).toBe('2');
    expect(await page.getByTestId('panel-prior').count()).toBe(0);
    expect(await page.getByTestId('sigma-toggle').count()).toBe(0);
    expect(await ev().getByTestId('export-uncertainty.npy').count()).toBe(0);
    expect(await refinedBar().locator('.label').textContent()).toBe('rise');
    expect(await paneWidth()).toBeGreaterThan(threeWide * 1.3);
    expectAllFit(await measure());
  }, 300_000);

  it('logged no console errors or warnings', () => {
    expect(problems).toEqual([]);
  });
});
