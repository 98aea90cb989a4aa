/**
 * End to end (issue 13, finding 14): the Batch table's thumbnails and drill-down, in Debian's
 * Chromium against `borex serve` with the bundled shape classifier and two sample scenes. A batch
 * of RISE and BOREx (its RISE prior) runs; each row shows a thumbnail of its photo; Open on a row
 * shows that photo in the Explain view with the run's own map and prior (compared with the run's
 * .npy files, through the page and through the API) and the metrics items.jsonl holds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseNpy } from 'npyjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES_DIR } from '../../src/engine/model/catalogue.ts';
import { fromWire, toWire } from '../../src/shared/wire.ts';
import type { OpenedRunItem } from '../../src/shared/run-item.ts';
import { borex, tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage } from './browser.ts';

const SAMPLES = path.join(RESOURCES_DIR, 'samples');
const PHOTOS = ['shapes-02-square.png', 'shapes-04-star.png'];

interface Line {
  key: string;
  image: string;
  status: string;
  methods: Record<string, { status: string; map?: string; metrics?: { insertion?: number; deletion?: number } }>;
}
const itemLines = (runDir: string) =>
  fs
    .readFileSync(path.join(runDir, 'items.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
const npyOf = (file: string) => {
  const b = fs.readFileSync(file);
  return parseNpy(b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer).data as Float32Array;
};
/** Summed in order in float64, as the page sums the map it holds (ExplainView's data-map-sum). */
const sumOf = (a: Float32Array) => a.reduce((s, v) => s + v, 0);

describe.skipIf(chromiumStatus().skip)('batch thumbnails and drill-down in Chromium against borex serve', () => {
  let app: AppPage | undefined;
  let page: Page;
  const problems: string[] = [];
  const runsDir = tempDir('borex-e2e-drilldown-runs-');
  let runDir = '';

  beforeAll(async () => {
    app = await openApp({ env: { BOREX_MODEL_DIR: '' }, args: ['--runs', runsDir], problems, onlyServer: true, tab: 'tab-batch' });
    ({ page } = app);
  });
  afterAll(() => app?.close());

  it('runs a batch of two scenes; each row shows a 64 px thumbnail of its photo', async () => {
    await page.getByTestId('batch-model').selectOption('shapes-v1');
    await page.getByTestId('batch-files').setInputFiles(PHOTOS.map((f) => path.join(SAMPLES, f)));
    await expect.poll(() => page.locator('[data-testid=batch-row][data-state=queued]').count(), { timeout: 30_000 }).toBe(2);
    await page.getByTestId('batch-preset').selectOption('paper');
    await page.getByTestId('batch-run').click();
    await page.waitForSelector('[data-testid=batch-view][data-job-state=done]', { timeout: 120_000 });
    expect(fs.readdirSync(runsDir)).toHaveLength(1);
    runDir = path.join(runsDir, fs.readdirSync(runsDir)[0]);
    expect(itemLines(runDir).map((l) => [l.image, l.status])).toEqual(PHOTOS.map((p) => [p, 'ok']));

    await expect.poll(() => page.getByTestId('batch-thumb').count(), { timeout: 30_000 }).toBe(2);
    const sizes = () =>
      page.getByTestId('batch-thumb').evaluateAll((imgs) =>
        // The tests compile without the DOM library: the image's few fields are named here.
        Promise.all((imgs as unknown as { decode(): Promise<void>; naturalWidth: number; naturalHeight: number }[]).map(async (i) => (await i.decode(), [i.naturalWidth, i.naturalHeight]))),
      );
    // The scenes are 224×224: each thumbnail is its photo at 64×64. Polled: until the run's
    // thumbnails arrive a row shows the preview made from the file as queued (the photo itself).
    await expect
      .poll(sizes, { timeout: 30_000 })
      .toEqual([
        [64, 64],
        [64, 64],
      ]);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'batch-thumbnails.png') });
    expect(problems).toEqual([]);
  }, 180_000);

  it('Open on a row shows that photo in the Explain view with the run’s map, prior and metrics', async () => {
    const line = itemLines(runDir)[1];
    const open = page.locator(`[data-testid=batch-open][data-key="${line.key}"]`);
    await open.focus();
    await page.keyboard.press('Enter'); // keyboard-accessible: a real button
    const block = page.getByTestId('run-item');
    await block.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('explain-view').isVisible()).toBe(true);
    expect(await block.getAttribute('data-key')).toBe(line.key);
    expect(await block.getAttribute('data-method')).toBe('borex:rise');
    expect(await page.locator('.explain .side .hint').first().textContent()).toBe(`${line.image} — 224×224`);

    // The map and prior the page holds are the run's .npy files, value for value (same sum in the same order, same length).
    const map = npyOf(path.join(runDir, line.methods['borex:rise'].map!));
    const prior = npyOf(path.join(runDir, line.methods.rise.map!));
    expect(Number(await block.getAttribute('data-map-values'))).toBe(map.length);
    expect(Number(await block.getAttribute('data-map-sum'))).toBe(sumOf(map));
    expect(Number(await block.getAttribute('data-prior-sum'))).toBe(sumOf(prior));
    expect(sumOf(map)).not.toBe(sumOf(prior));

    // Metrics on screen are items.jsonl's: refined (borex:rise) and its prior (rise).
    const shown = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-value'));
    expect(await shown('auc-refined-insertion')).toBe(line.methods['borex:rise'].metrics!.insertion);
    expect(await shown('auc-refined-deletion')).toBe(line.methods['borex:rise'].metrics!.deletion);
    expect(await shown('auc-prior-insertion')).toBe(line.methods.rise.metrics!.insertion);
    expect(await shown('auc-prior-deletion')).toBe(line.methods.rise.metrics!.deletion);
    expect(await page.getByTestId('curve-insertion').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'batch-drilldown.png') });

    // Choosing RISE shows its own map (no prior).
    await page.getByTestId('run-item-method').selectOption('rise');
    await expect.poll(() => block.getAttribute('data-method')).toBe('rise');
    expect(Number(await block.getAttribute('data-map-sum'))).toBe(sumOf(prior));
    expect(await block.getAttribute('data-prior-sum')).toBe('');
    expect(await shown('auc-refined-insertion')).toBe(line.methods.rise.metrics!.insertion);
    expect(problems).toEqual([]);
  }, 60_000);

  it('openRunItem over the API: the map is the .npy exactly; an unknown key is 404 naming it', async () => {
    const line = itemLines(runDir)[0];
    const runId = path.basename(runDir);
    const call = (body: unknown) => fetch(`${app!.served.origin}/api/open-run-item?token=${app!.served.token}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: app!.served.origin }, body: toWire(body) });
    const res = await call({ runId, key: line.key });
    expect(res.status).toBe(200);
    const item = fromWire(await res.text()) as OpenedRunItem;
    const borex = item.methods.find((m) => m.id === 'borex:rise')!;
    expect(Array.from(borex.map!)).toEqual(Array.from(npyOf(path.join(runDir, line.methods['borex:rise'].map!))));
    expect(Array.from(borex.priorMap!)).toEqual(Array.from(npyOf(path.join(runDir, line.methods.rise.map!))));
    expect(item.geometry).toMatchObject({ photoWidth: 224, photoHeight: 224, width: 112, height: 112 });
    const missing = await call({ runId, key: 'nope.png' });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain(`run ${runId} has no item nope.png`);
  }, 30_000);

  it('a run made with --maps none (borex batch) opens with its photo and says its maps were not kept', async () => {
    const photos = tempDir('borex-e2e-drilldown-photos-');
    fs.copyFileSync(path.join(SAMPLES, 'shapes-01-circle.png'), path.join(photos, 'shapes-01-circle.png'));
    const cli = borex(['batch', photos, '--model', 'shapes-v1', '--methods', 'rise', '--masks', '50', '--maps', 'none', '--out', path.join(runsDir, 'maps-none')], { BOREX_MODEL_DIR: '' });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    await page.getByTestId('tab-batch').click();
    await page.locator('[data-testid=past-runs] h2 button').click();
    await page.locator('[data-testid=past-run-entry][data-run-id=maps-none] [data-testid=past-run]').click();
    await page.locator('[data-testid=batch-open][data-key="shapes-01-circle.png"]').click();
    await expect.poll(() => page.getByTestId('run-item').getAttribute('data-run-id'), { timeout: 30_000 }).toBe('maps-none');
    expect(await page.getByTestId('run-item-note').textContent()).toBe('this run kept no maps (made with --maps none): its metrics only');
    expect(await page.getByTestId('run-item').getAttribute('data-map-values')).toBe('0');
    expect(await page.locator('.explain .side .hint').first().textContent()).toBe('shapes-01-circle.png — 224×224');
    expect(problems).toEqual([]);
  }, 120_000);
});
