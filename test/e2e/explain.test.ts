/**
 * End to end: `borex serve` with the real engine and MobileNetV2, driven in Debian's Chromium.
 * Screenshots go to out/screenshots (the best are copied to docs/screenshots by hand).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asset, assetStatus, MODEL_DIR } from '../helpers/assets.ts';
import { tempDir } from '../helpers/cli.ts';
import { chromiumStatus, ensureUiBuilt, launchChromium, SCREENSHOTS, startServe, type Served } from './browser.ts';

const DOG = 'images/darknet/dog.jpg';
const PLANE = 'voc2012-subset/JPEGImages/2007_000032.jpg';
const PLANE_XML = 'voc2012-subset/Annotations/2007_000032.xml';
const skip = assetStatus(DOG, PLANE, PLANE_XML, 'models/mobilenetv2-12-int8.onnx').skip || chromiumStatus().skip;

describe.skipIf(skip)('explain view in Chromium against borex serve', () => {
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const problems: string[] = [];
  const runsDir = tempDir('borex-e2e-runs-');
  /** The explain view's own controls (the Video view has a settings panel with the same test ids). */
  const ev = () => page.getByTestId('explain-view');
  const shot = (name: string, fullPage = false) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await ensureUiBuilt();
    served = await startServe({ BOREX_MODEL_DIR: MODEL_DIR }, ['--runs', runsDir]);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // Nothing may leave the machine: every request goes to the server itself.
    page.on('request', (r) => {
      if (!r.url().startsWith(served.origin) && !r.url().startsWith(served.origin.replace('http', 'ws')) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`request elsewhere: ${r.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('refuses the API without the token, with a wrong Host, or from another origin', async () => {
    const info = await fetch(`${served.origin}/api/info`, { method: 'POST' });
    expect(info.status).toBe(401);
    const ws = await fetch(`${served.origin}/api/events`);
    expect(ws.status).toBe(401);
    const cross = await fetch(`${served.origin}/api/info`, { method: 'POST', headers: { authorization: `Bearer ${served.token}`, origin: 'http://evil.example' } });
    expect(cross.status).toBe(403);
    const ok = await fetch(`${served.origin}/api/info`, { method: 'POST', headers: { authorization: `Bearer ${served.token}` } });
    expect(ok.status).toBe(200);
  });

  it('uploads dog.jpg and shows malamute in the top 5', async () => {
    await page.goto(served.url);
    expect(new URL(page.url()).searchParams.get('token')).toBeNull(); // the token leaves the address bar
    await page.getByTestId('model').selectOption('mobilenetv2-12-int8');
    await page.getByTestId('file-input').setInputFiles(asset(DOG));
    await expect.poll(() => page.getByTestId('top5').textContent(), { timeout: 60_000 }).toContain('malamute');
    expect(await page.locator('[data-testid=top5] button.selected').textContent()).toContain('malamute');
    await shot('explain-top5');
  });

  it('runs RISE → BOREx with live updates; three maps, both curves, AUCs equal result.json', async () => {
    await ev().getByTestId('method').selectOption('borex');
    await ev().getByTestId('prior').selectOption('rise');
    await ev().getByTestId('preset').selectOption('paper');
    await ev().getByRole('button', { name: /Advanced/ }).click();
    await ev().getByTestId('iterations').fill('20');
    await page.getByTestId('run').click();
    // The prior is drawn as soon as the engine has it, while BOREx still runs (before the job's done event).
    await page.waitForSelector('[data-job-state=running] [data-testid=panel-prior] canvas[data-has-map=true]', { timeout: 120_000 });
    // While BOREx runs, the refined panel draws its map so far.
    await page.waitForSelector('[data-job-state=running] [data-testid=panel-refined] canvas[data-has-map=true]', { timeout: 120_000 });
    // The live map has its colour bar, in the chosen normalisation (rank by default).
    await page.waitForSelector('[data-job-state=running] [data-testid=colorbar]:has-text("BOREx so far")', { timeout: 60_000 });
    await shot('explain-live');
    await page.waitForSelector('[data-job-state=done]', { timeout: 240_000 });
    for (const panel of ['prior', 'refined']) expect(await page.locator(`[data-testid=panel-${panel}] canvas`).getAttribute('data-has-map')).toBe('true');
    for (const curve of ['insertion', 'deletion']) {
      const plot = page.getByTestId(`curve-${curve}`);
      await expect.poll(() => plot.getAttribute('data-rendered')).toBe('true');
      expect(await plot.locator('.scatterlayer .trace').count()).toBe(2); // prior and refined
    }
    const jobId = await page.getByTestId('explain-view').getAttribute('data-job-id');
    const res = await fetch(`${served.origin}/api/jobs/${jobId}/files/result.json?token=${served.token}`);
    expect(res.status).toBe(200);
    const result = (await res.json()) as { label: { name: string }; metrics: Record<string, number>; prior: { method: string; metrics: Record<string, number> } };
    expect(result.label.name).toBe('malamute');
    expect(result.prior.method).toBe('rise');
    for (const [row, metrics] of [['refined', result.metrics], ['prior', result.prior.metrics]] as const) {
      for (const m of ['insertion', 'deletion']) {
        const cell = page.getByTestId(`auc-${row}-${m}`);
        expect(Number(await cell.getAttribute('data-value'))).toBe(metrics[m]);
        expect(await cell.textContent()).toBe(metrics[m].toFixed(4));
      }
    }
    // Export: the browser downloads the job's files.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-result.json').click()]);
    expect(download.suggestedFilename()).toBe('result.json');
    expect(JSON.parse(fs.readFileSync((await download.path())!, 'utf8'))).toEqual(result);
    // Rank (the default) puts any two maps on one 0–100 % scale; the bars say what the values are.
    const bars = page.getByTestId('explain-view').getByTestId('colorbar');
    const range = (i: number) => bars.nth(i).getAttribute('data-range');
    expect([await range(0), await range(1)]).toEqual(['0,1', '0,1']);
    expect(await bars.nth(1).textContent()).toContain('0 %50 %100 %');
    expect(await bars.nth(0).getByTestId('colorbar-meaning').textContent()).toBe("percentile of the map's pixels (100 % = most important)");
    // Values: each map its own range, with its unit; the signed refined map centred on 0, and no exponents.
    await page.getByTestId('normalisation').selectOption('per-image');
    expect(await bars.nth(0).getByTestId('colorbar-meaning').textContent()).toBe('mean class probability with the pixel kept');
    expect(await bars.nth(1).getByTestId('colorbar-meaning').textContent()).toBe('signed: predicted probability drop when hidden (GP mean, squashed)');
    const [lo, hi] = (await range(1))!.split(',').map(Number);
    expect(lo).toBe(-hi);
    expect(await range(0)).not.toBe(await range(1));
    for (const i of [0, 1]) expect(await bars.nth(i).textContent()).not.toMatch(/\de[-+]\d/);
    // Shared normalisation puts prior and refined on one colour scale.
    await page.getByTestId('normalisation').selectOption('shared');
    expect(await range(0)).toBe(await range(1));
    // Blue–white–red on the unsigned prior: white is 0 (a range symmetric about 0), not its midpoint.
    await page.getByTestId('normalisation').selectOption('per-image');
    await page.getByTestId('colormap').selectOption('diverging');
    const [plo, phi] = (await range(0))!.split(',').map(Number);
    expect(plo).toBe(-phi);
    await page.getByTestId('colormap').selectOption('auto');
    await page.getByTestId('normalisation').selectOption('rank');
    await page.setViewportSize({ width: 1600, height: 1150 });
    await shot('explain-result');
  }, 360_000);

  it('refines a prior imported from a file (the saliency.npy of the last run)', async () => {
    const jobId = await page.getByTestId('explain-view').getAttribute('data-job-id');
    const npy = path.join(tempDir('borex-e2e-prior-'), 'imported-prior.npy');
    fs.writeFileSync(npy, Buffer.from(await (await fetch(`${served.origin}/api/jobs/${jobId}/files/saliency.npy?token=${served.token}`)).arrayBuffer()));
    await ev().getByTestId('prior').selectOption('file');
    await ev().getByTestId('prior-input').setInputFiles(npy);
    await expect.poll(() => ev().getByTestId('prior-file').textContent()).toBe('imported-prior.npy');
    await ev().getByTestId('iterations').fill('5');
    await page.getByTestId('run').click();
    await page.waitForSelector('[data-job-state=done]', { timeout: 120_000 });
    const next = await page.getByTestId('explain-view').getAttribute('data-job-id');
    expect(next).not.toBe(jobId);
    const result = (await (await fetch(`${served.origin}/api/jobs/${next}/files/result.json?token=${served.token}`)).json()) as { prior: { method: string }; config: { prior: string } };
    expect(JSON.stringify(result.prior.method) + result.config.prior).toContain('imported-prior.npy');
    expect(await page.locator('[data-testid=panel-prior] canvas').getAttribute('data-has-map')).toBe('true');
    await ev().getByTestId('prior').selectOption('rise');
    await ev().getByTestId('iterations').fill('20');
  }, 300_000);

  it('zooms all three panels together and changes the colour map', async () => {
    const refined = page.locator('[data-testid=panel-refined] canvas');
    const before = await refined.screenshot();
    await page.locator('[data-testid=panel-original] canvas').hover();
    await page.mouse.wheel(0, -600);
    await page.getByTestId('colormap').selectOption('jet');
    const after = await refined.screenshot();
    expect(Buffer.compare(before, after)).not.toBe(0);
    await shot('explain-zoomed-jet');
    await page.keyboard.press('0');
    await page.getByTestId('colormap').selectOption('auto');
    await page.setViewportSize({ width: 1600, height: 1000 });
  });

  it('cancels a running job', async () => {
    await ev().getByTestId('preset').selectOption('quality'); // 6000 RISE masks: long enough to cancel
    await page.getByTestId('run').click();
    await page.waitForSelector('[data-job-state=running] [data-testid=progress]');
    await expect.poll(() => page.getByTestId('progress').textContent(), { timeout: 60_000 }).toMatch(/^\s*step 1 of 3: RISE masks [1-9]\d*\/6000/);
    await page.getByTestId('cancel').click();
    await page.waitForSelector('[data-job-state=cancelled]', { timeout: 20_000 });
    expect(await page.getByTestId('cancelled').textContent()).toContain('Cancelled');
    expect(await page.getByTestId('error').count()).toBe(0);
    // The engine is free again: the run button is back.
    await page.getByTestId('run').waitFor();
  });

  it('scores against a box drawn by hand and against a VOC annotation', async () => {
    const fileOf = async () => {
      const jobId = await page.getByTestId('explain-view').getAttribute('data-job-id');
      return (await (await fetch(`${served.origin}/api/jobs/${jobId}/files/result.json?token=${served.token}`)).json()) as { metrics: { fRp: number }; groundTruth: { source: string; class?: string } };
    };
    await ev().getByTestId('method').selectOption('rise');
    await ev().getByTestId('preset').selectOption('paper');
    await page.getByTestId('draw-box').click();
    const box = (await page.locator('[data-testid=panel-original] canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.35);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.95, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('boxes-status').textContent()).toBe('1 box(es) drawn');
    await page.getByTestId('draw-box').click();
    await page.getByTestId('run').click();
    await page.waitForSelector('[data-job-state=done] [data-testid=f-refined]', { timeout: 120_000 });
    let result = await fileOf();
    expect(result.groundTruth.source).toBe('drawn by hand');
    expect(Number(await page.getByTestId('f-refined').getAttribute('data-value'))).toBe(result.metrics.fRp);
    await shot('explain-drawn-box');

    await page.getByTestId('file-input').setInputFiles(asset(PLANE));
    await expect.poll(() => page.getByTestId('top5').textContent(), { timeout: 60_000 }).toContain('airliner');
    await page.getByTestId('voc-input').setInputFiles(asset(PLANE_XML));
    await expect.poll(() => page.getByTestId('boxes-status').textContent()).toContain('4 objects');
    await page.getByTestId('run').click();
    await page.waitForSelector('[data-job-state=done] [data-testid=f-refined]', { timeout: 120_000 });
    result = await fileOf();
    expect(result.groundTruth.class).toBe('aeroplane');
    expect(Number(await page.getByTestId('f-refined').getAttribute('data-value'))).toBe(result.metrics.fRp);
    await shot('explain-voc');
  });

  it('opens the keyboard-shortcut sheet with ? and shows the planned views', async () => {
    await page.locator('body').click({ position: { x: 5, y: 990 } });
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts').waitFor();
    await shot('shortcuts');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('shortcuts').count()).toBe(0);
  });

  it('runs a batch: queue with per-photo status, results table with means', async () => {
    await page.getByTestId('tab-batch').click();
    await page.getByTestId('batch-model').selectOption('mobilenetv2-12-int8');
    await page.getByTestId('batch-files').setInputFiles(['dog.jpg', 'eagle.jpg', 'giraffe.jpg'].map((f) => asset(`images/darknet/${f}`)));
    await expect.poll(() => page.locator('[data-testid=batch-row][data-state=queued]').count(), { timeout: 30_000 }).toBe(3);
    await page.getByTestId('batch-method-borex:rise').uncheck();
    await page.getByTestId('batch-preset').selectOption('paper');
    await page.getByTestId('batch-run').click();
    await page.waitForSelector('[data-testid=batch-view][data-job-state=done]', { timeout: 180_000 });
    expect(await page.locator('[data-testid=batch-row][data-state=done]').count()).toBe(3);
    expect(await page.getByTestId('batch-summary').textContent()).toContain('3 explained');
    const table = await page.getByTestId('batch-table').textContent();
    expect(table).toContain('malamute');
    expect(table).toMatch(/mean\s*0\.\d{4}\s*0\.\d{4}/);
    await shot('batch');
    // The run is on disk: it is listed under past runs and reopens with the same numbers.
    await expect.poll(() => page.getByTestId('past-run').count()).toBe(1);
    expect(fs.readdirSync(runsDir)).toHaveLength(1);
    const before = await page.getByTestId('batch-table').locator('tbody').textContent();
    await page.getByTestId('batch-files').setInputFiles(asset('images/darknet/kite.jpg'));
    await expect.poll(() => page.locator('[data-testid=batch-row]').count()).toBe(1);
    await page.getByTestId('past-run').click();
    await page.getByTestId('opened-run').waitFor();
    expect(await page.getByTestId('batch-table').locator('tbody').textContent()).toBe(before);
    await page.getByTestId('tab-explain').click();
  }, 300_000);

  it('logged no console errors or warnings and sent nothing off the machine', () => {
    expect(problems).toEqual([]);
  });
});
