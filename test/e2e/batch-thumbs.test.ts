/**
 * End to end (issue 13, findings 11, 14, 15), in Debian's Chromium against `borex serve`:
 *  - queued photos show their thumbnail as soon as they are added, made from the file in the page
 *    (a blob: URL, no request to the server), before anything runs; an empty queue says what to do;
 *  - the tab bar shows a running batch on another tab, with its progress, and a click goes back;
 *  - a run made by `borex batch` (methods listed refinement first) is listed in words, reopens with
 *    its settings in the sidebar and its columns in the one order, insertion and deletion apart;
 *  - an item of it opened in the Explain view has its top 5 (the run's model, computed on open) and
 *    exports like a fresh result: saliency.npy is the run's map, result.json names the run;
 *  - a run over clips (motion-v1) shows each clip's middle frame as its thumbnail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseNpy } from 'npyjs';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES_DIR } from '../../src/engine/model/catalogue.ts';
import { fromWire, toWire } from '../../src/shared/wire.ts';
import type { ClassifyResponse } from '../../src/shared/results.ts';
import type { OpenedRunItem } from '../../src/shared/run-item.ts';
import { borex, tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage } from './browser.ts';
import { squareClip } from './video-clips.ts';

const SAMPLES = path.join(RESOURCES_DIR, 'samples');
const PHOTOS = ['shapes-02-square.png', 'shapes-04-star.png'];
const npyOf = (bytes: Buffer) => parseNpy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer).data as Float32Array;
/** An image element's few fields (the tests compile without the DOM library). */
type Img = { decode(): Promise<void>; naturalWidth: number; naturalHeight: number; src: string };
const thumbs = (page: Page) =>
  page.getByTestId('batch-thumb').evaluateAll((els) => Promise.all((els as unknown as Img[]).map(async (i) => (await i.decode(), { w: i.naturalWidth, h: i.naturalHeight, scheme: i.src.split(':')[0] }))));

describe.skipIf(chromiumStatus().skip)('batch thumbnails, job indicator, run items in Chromium against borex serve', () => {
  let app: AppPage | undefined;
  let page: Page;
  const problems: string[] = [];
  const runsDir = tempDir('borex-e2e-thumbs-runs-');
  /** Every request the page made, by path. */
  const requests: string[] = [];

  beforeAll(async () => {
    app = await openApp({ env: { BOREX_MODEL_DIR: '' }, args: ['--runs', runsDir], problems, onlyServer: true, tab: 'tab-batch', watch: (p) => p.on('request', (r) => requests.push(new URL(r.url()).pathname)) });
    ({ page } = app);
  });
  afterAll(() => app?.close());

  it('queued photos show thumbnails from their own files before they run; an empty queue says what to do', async () => {
    expect(await page.getByTestId('batch-empty').textContent()).toContain('Add a folder or photos');
    expect(await page.getByTestId('past-runs-empty').textContent()).toContain('No runs yet');
    await page.getByTestId('batch-model').selectOption('shapes-v1');
    const before = requests.length;
    await page.getByTestId('batch-files').setInputFiles(PHOTOS.map((f) => path.join(SAMPLES, f)));
    await expect.poll(() => page.locator('[data-testid=batch-row][data-state=queued]').count(), { timeout: 30_000 }).toBe(2);
    // The photos' own pixels (224×224 scenes), from blob: URLs: nothing was asked of the server for them.
    expect(await thumbs(page)).toEqual([
      { w: 224, h: 224, scheme: 'blob' },
      { w: 224, h: 224, scheme: 'blob' },
    ]);
    expect(await page.locator('[data-testid=batch-thumb][data-source=file]').count()).toBe(2);
    expect(requests.slice(before).filter((r) => /run-thumbnails|\/api\/images\//.test(r))).toEqual([]);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'batch-queued-thumbs.png') });
    expect(fs.readdirSync(runsDir)).toEqual([]); // nothing ran
    expect(problems).toEqual([]);
  }, 60_000);

  it('a running batch shows in the tab bar on another tab, with its progress; a click goes back', async () => {
    // rise and borex:rise (ticked already), the paper preset: seconds per photo.
    await page.getByTestId('batch-preset').selectOption('paper');
    await page.getByTestId('batch-run').click();
    await page.getByTestId('tab-explain').click();
    const item = page.locator('[data-testid=job-indicator-item][data-tab=batch]');
    await item.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('batch-view').isVisible()).toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'job-indicator.png') });
    expect(await item.textContent()).toMatch(/^\s*Batch: (starting|[0-2]\/2 photos)( · about \d+ (s|min \d+ s) left)?\s*$/);
    await item.click();
    expect(await page.getByTestId('batch-view').isVisible()).toBe(true);
    await page.waitForSelector('[data-testid=batch-view][data-job-state=done]', { timeout: 180_000 });
    expect(await page.getByTestId('job-indicator').count()).toBe(0); // nothing runs now
    // The finished rows show the run's own 64 px thumbnails.
    await expect.poll(() => page.locator('[data-testid=batch-thumb][data-source=run]').count(), { timeout: 30_000 }).toBe(2);
    expect(problems).toEqual([]);
  }, 240_000);

  it('a borex batch run is listed in words and reopens with its settings and one column order', async () => {
    const photos = tempDir('borex-e2e-thumbs-photos-');
    for (const p of PHOTOS) fs.copyFileSync(path.join(SAMPLES, p), path.join(photos, p));
    const cli = borex(['batch', photos, '--model', 'shapes-v1', '--methods', 'borex:rise,rise', '--masks', '60', '--iterations', '6', '--out', path.join(runsDir, 'cli-run')], { BOREX_MODEL_DIR: '' });
    expect(cli.code, cli.stderr).toBe(0);
    await page.locator('[data-testid=past-runs] h2 button').click();
    const entry = page.locator('[data-testid=past-run-entry][data-run-id=cli-run]');
    await entry.waitFor();
    expect(await entry.getByTestId('past-run-title').textContent()).toMatch(/^.*\d.* · 2 photos · rise, borex:rise$/);
    // The sidebar is moved off the earlier batch's settings, onto the run's.
    await page.getByTestId('batch-method-gradcampp').check();
    await page.getByTestId('batch-model').selectOption('mobilenetv2-12-int8');
    await entry.getByTestId('past-run').click();
    await page.getByTestId('opened-run').waitFor();
    expect(await page.getByTestId('batch-model').inputValue()).toBe('shapes-v1');
    expect(await page.getByTestId('batch-method-rise').isChecked()).toBe(true);
    expect(await page.getByTestId('batch-method-borex:rise').isChecked()).toBe(true);
    expect(await page.getByTestId('batch-method-gradcampp').isChecked()).toBe(false);
    expect(await page.getByTestId('opened-run-settings').textContent()).toBe('Made with shapes-v1 · rise, borex:rise · preset paper · 60 masks · 6 BOREx iterations · baseline mean.');
    // Columns: rise before its refinement, whatever order run.json lists them in; insertion and deletion each in its own column.
    const header = await page.locator('[data-testid=batch-table] thead tr').first().locator('th.method').allTextContents();
    expect(header).toEqual(['rise', 'borex:rise']);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'batch-reopened.png') });
    const metricHeads = await page.locator('[data-testid=batch-table] thead tr').nth(1).locator('th').allTextContents();
    expect(metricHeads.map((t) => t.trim())).toEqual(['ins ↑', 'del ↓', 'ins ↑', 'del ↓']);
    const line = JSON.parse(fs.readFileSync(path.join(runsDir, 'cli-run', 'items.jsonl'), 'utf8').split('\n')[0]) as { methods: Record<string, { metrics: { insertion: number; deletion: number } }> };
    const firstRow = page.locator('[data-testid=batch-row]').first();
    const cells = await firstRow.locator('td.num .v').allTextContents();
    expect(cells).toEqual([line.methods.rise.metrics.insertion, line.methods.rise.metrics.deletion, line.methods['borex:rise'].metrics.insertion, line.methods['borex:rise'].metrics.deletion].map((v) => v.toFixed(4)));
    expect(problems).toEqual([]);
  }, 120_000);

  it('an item of the run opened in Explain has its top 5 and exports overlay, saliency.npy and result.json', async () => {
    const runDir = path.join(runsDir, 'cli-run');
    const line = JSON.parse(fs.readFileSync(path.join(runDir, 'items.jsonl'), 'utf8').split('\n')[1]) as { key: string; label: { index: number }; methods: Record<string, { map: string }> };
    await page.locator(`[data-testid=batch-open][data-key="${line.key}"]`).click();
    const block = page.getByTestId('run-item');
    await expect.poll(() => block.getAttribute('data-key'), { timeout: 30_000 }).toBe(line.key);
    expect(await block.getAttribute('data-method')).toBe('borex:rise');

    // The top 5 shown are the run's model's on this photo (a classify of the same photo and model gives them).
    const api = (route: string, body: unknown) =>
      page.evaluate(
        async ([url, payload]) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload })).text(),
        [`/api/${route}?token=${app!.served.token}`, toWire(body)] as const,
      );
    const item = fromWire(await api('open-run-item', { runId: 'cli-run', key: line.key })) as OpenedRunItem;
    const classes = fromWire(await api('classify', { imageId: item.image.id, model: 'shapes-v1' })) as ClassifyResponse;
    expect(item.top5).toEqual(classes.top5);
    expect(item.top5).toHaveLength(5);
    expect(item.top5Note).toBeUndefined();
    expect(item.methods.find((m) => m.id === 'borex:rise')!.result!.top5).toEqual(classes.top5);
    await expect.poll(() => page.getByTestId('top-class').count(), { timeout: 30_000 }).toBe(5);
    expect(await page.getByTestId('top-class').first().getAttribute('title')).toBe(`explain class ${classes.top5[0].index}`);

    // Export as a fresh result: the buttons are there, and the files behind them are the run's.
    for (const f of ['overlay.png', 'prior-overlay.png', 'saliency.npy', 'prior.npy', 'result.json']) await page.getByTestId(`export-${f}`).waitFor({ timeout: 10_000 });
    const jobId = await page.getByTestId('explain-view').getAttribute('data-job-id');
    expect(jobId).toBeTruthy();
    const file = async (name: string) => {
      const b64 = await page.evaluate(async (url) => {
        const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
        let s = '';
        for (const x of bytes) s += String.fromCharCode(x);
        return btoa(s);
      }, `/api/jobs/${jobId}/files/${name}?token=${app!.served.token}`);
      return Buffer.from(b64, 'base64');
    };
    const runMap = npyOf(fs.readFileSync(path.join(runDir, line.methods['borex:rise'].map)));
    expect(Array.from(npyOf(await file('saliency.npy')))).toEqual(Array.from(runMap));
    expect(Array.from(npyOf(await file('prior.npy')))).toEqual(Array.from(npyOf(fs.readFileSync(path.join(runDir, line.methods.rise.map)))));
    const result = JSON.parse((await file('result.json')).toString('utf8')) as { method: string; label: { index: number }; top5: unknown; source: unknown };
    expect(result.method).toBe('borex:rise');
    expect(result.label.index).toBe(line.label.index);
    expect(result.top5).toEqual(classes.top5);
    expect(result.source).toEqual({ run: 'cli-run', key: line.key });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'run-item-export.png') });
    const png = await sharp(await file('overlay.png')).metadata();
    expect(png.format).toBe('png');
    expect(png.height).toBe(224); // drawn on the 224×224 photo (a colour bar beside it)
    expect(problems).toEqual([]);
  }, 120_000);

  it('a run over clips shows each clip’s middle frame as its thumbnail', async () => {
    const clips = tempDir('borex-e2e-thumbs-clips-');
    await squareClip(path.join(clips, 'left.mp4'), -1);
    const cli = borex(['batch', clips, '--model', 'motion-v1', '--methods', 'rise', '--masks', '40', '--out', path.join(runsDir, 'clip-run')], { BOREX_MODEL_DIR: '' });
    expect(cli.code, cli.stderr).toBe(0);
    await page.getByTestId('tab-batch').click();
    await page.locator('[data-testid=past-runs] h2 button').click();
    await page.locator('[data-testid=past-run-entry][data-run-id=clip-run] [data-testid=past-run]').click();
    await expect.poll(() => page.locator('[data-testid=batch-thumb][data-source=run]').count(), { timeout: 30_000 }).toBe(1);
    expect(await thumbs(page)).toEqual([{ w: 64, h: 64, scheme: 'data' }]);
    // Frame 16 of 32 shows the square (frames 8–23): the thumbnail is that frame, not a grey one.
    const src = await page.getByTestId('batch-thumb').getAttribute('src');
    const { data, info } = await sharp(Buffer.from(src!.split(',')[1], 'base64')).raw().toBuffer({ resolveWithObject: true });
    let bright = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i] > 200) bright++;
    expect(bright).toBeGreaterThan(300); // the 20×20 square (400 px), less the JPEG's soft edge
    expect(bright).toBeLessThan(500);
    expect(problems).toEqual([]);
  }, 120_000);
});
