/**
 * End to end (issue 13, finding 5): the explain view's run history in Chromium against `borex
 * serve` with the real engine and MobileNetV2. Two BOREx runs with different priors are pinned and
 * shown side by side; after a reload the pinned runs are still there with the same metrics; a run is
 * shown again from the history without recomputing; changing the method marks the result stale; a
 * class found by the search over all labels (not in the top 5) is explained; a refused write (a full
 * quota) leaves the view working and says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asset, assetStatus, MODEL_DIR } from '../helpers/assets.ts';
import { tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage } from './browser.ts';

const DOG = 'images/darknet/dog.jpg';
const skip = assetStatus(DOG, 'models/mobilenetv2-12-int8.onnx').skip || chromiumStatus().skip;

interface Result {
  label: { index: number; name: string };
  method: string;
  metrics: { insertion: number; deletion: number };
  prior?: { method: string; metrics: { insertion: number; deletion: number } };
}

describe.skipIf(skip)('run history, pinned runs and the class search in Chromium', () => {
  let app: AppPage;
  const problems: string[] = [];
  const runsDir = tempDir('borex-e2e-history-runs-');
  const page = () => app.page;
  const ev = () => app.page.getByTestId('explain-view');
  /** The finished job's result.json, as the server wrote it. */
  const resultOf = async (jobId: string) => (await (await fetch(`${app.served.origin}/api/jobs/${jobId}/files/result.json?token=${app.served.token}`)).json()) as Result;
  const made: Record<string, Result> = {};

  /** Runs the settings in view to the end; the job's id. */
  async function explain(): Promise<string> {
    const before = await ev().getAttribute('data-job-id');
    await page().getByTestId('run').click();
    await page().waitForSelector('[data-job-state=done]', { timeout: 240_000 });
    const jobId = (await ev().getAttribute('data-job-id'))!;
    expect(jobId).not.toBe(before);
    return jobId;
  }

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await openApp({ env: { BOREX_MODEL_DIR: MODEL_DIR }, args: ['--runs', runsDir], problems, onlyServer: true });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('keeps every run; two runs with different priors pinned are shown side by side, each with its metrics', async () => {
    await page().getByTestId('model').selectOption('mobilenetv2-12-int8');
    await page().getByTestId('file-input').setInputFiles(asset(DOG));
    await expect.poll(() => page().getByTestId('top5').textContent(), { timeout: 60_000 }).toContain('malamute');
    await ev().getByTestId('method').selectOption('borex');
    await ev().getByTestId('prior').selectOption('rise');
    await ev().getByTestId('preset').selectOption('paper');
    await ev().getByRole('button', { name: /Advanced/ }).click();
    await ev().getByLabel('RISE masks N').fill('200');
    await ev().getByTestId('iterations').fill('5');
    await ev().getByLabel('Metric step (px)').fill('2000');
    const riseJob = await explain();
    made.rise = await resultOf(riseJob);
    expect(await page().getByTestId('run-history').getAttribute('data-count')).toBe('1');
    expect(await page().getByTestId('stale').count()).toBe(0);

    // Another prior: the result in view is marked stale until it is run.
    await ev().getByTestId('prior').selectOption('gradcampp');
    expect(await page().getByTestId('stale').textContent()).toContain('stale: made with prior RISE (now Grad-CAM++)');
    expect(await page().getByTestId('results').getAttribute('data-stale')).toBe('true');
    const camJob = await explain();
    made.cam = await resultOf(camJob);
    expect(made.cam.prior?.method).toBe('gradcampp');
    expect(await page().getByTestId('stale').count()).toBe(0);

    const entries = page().getByTestId('history-entry');
    expect(await entries.count()).toBe(2);
    expect([await entries.nth(0).getAttribute('data-prior'), await entries.nth(1).getAttribute('data-prior')]).toEqual(['gradcampp', 'rise']); // newest first
    await entries.nth(0).getByTestId('pin').click();
    await entries.nth(1).getByTestId('pin').click();
    const panes = page().getByTestId('pinned-pane');
    await expect.poll(() => panes.count()).toBe(2);
    // Oldest left: the RISE-prior run, then the Grad-CAM++-prior run, each with its own metrics, maps drawn by rank.
    for (const [i, r] of [made.rise, made.cam].entries()) {
      const pane = panes.nth(i);
      expect(await pane.getAttribute('data-prior')).toBe(r.prior!.method);
      expect(Number(await pane.getByTestId('pinned-insertion').getAttribute('data-value'))).toBe(r.metrics.insertion);
      expect(Number(await pane.getByTestId('pinned-deletion').getAttribute('data-value'))).toBe(r.metrics.deletion);
      expect(Number(await pane.getByTestId('pinned-prior-insertion').getAttribute('data-value'))).toBe(r.prior!.metrics.insertion);
      expect(await pane.getByTestId('colorbar').getAttribute('data-range')).toBe('0,1');
      await expect.poll(() => pane.locator('canvas').first().getAttribute('data-has-map')).toBe('true');
    }
    expect(await panes.nth(0).getByTestId('pinned-title').textContent()).toBe('dog.jpg: BOREx from a RISE prior · class 249 malamute · paper preset · mobilenetv2-12-int8');
    await page().getByTestId('pinned-runs').screenshot({ path: path.join(SCREENSHOTS, 'pinned-runs.png') });
    await page().screenshot({ path: path.join(SCREENSHOTS, 'explain-history.png') });
  }, 600_000);

  it('after a reload the pinned runs are still there with the same metrics, and a run is shown again without recomputing', async () => {
    await page().reload();
    const panes = page().getByTestId('pinned-pane');
    await expect.poll(() => panes.count(), { timeout: 30_000 }).toBe(2);
    for (const [i, r] of [made.rise, made.cam].entries()) {
      expect(Number(await panes.nth(i).getByTestId('pinned-insertion').getAttribute('data-value'))).toBe(r.metrics.insertion);
      expect(Number(await panes.nth(i).getByTestId('pinned-deletion').getAttribute('data-value'))).toBe(r.metrics.deletion);
      // The photo came back from the history's saved bytes, under its map.
      await expect.poll(() => panes.nth(i).getAttribute('data-photo')).toBe('drawn');
      expect(await panes.nth(i).locator('canvas').first().getAttribute('data-has-map')).toBe('true');
    }
    expect(await page().getByTestId('history-entry').count()).toBe(2);
    expect(await page().getByTestId('history-note').count()).toBe(0);

    // The RISE-prior run (the older entry) shown again: its photo, maps and metrics, no job started.
    await page().getByTestId('history-entry').nth(1).getByTestId('show').click();
    await expect.poll(() => page().getByTestId('results').count(), { timeout: 30_000 }).toBe(1);
    expect(await ev().getAttribute('data-job-state')).toBe('idle');
    expect(Number(await page().getByTestId('auc-refined-insertion').getAttribute('data-value'))).toBe(made.rise.metrics.insertion);
    expect(Number(await page().getByTestId('auc-prior-deletion').getAttribute('data-value'))).toBe(made.rise.prior!.metrics.deletion);
    expect(await page().getByTestId('prior').inputValue()).toBe('rise');
    expect(await page().getByTestId('stale').count()).toBe(0);
    for (const panel of ['prior', 'refined']) expect(await page().locator(`[data-testid=panel-${panel}] canvas`).getAttribute('data-has-map')).toBe('true');
  }, 120_000);

  it('changing the method marks the result in view stale', async () => {
    await ev().getByTestId('method').selectOption('rise');
    expect(await page().getByTestId('stale').textContent()).toContain('stale: made with method BOREx (now RISE)');
    await page().screenshot({ path: path.join(SCREENSHOTS, 'explain-stale.png') });
    await ev().getByTestId('method').selectOption('borex');
    expect(await page().getByTestId('stale').count()).toBe(0);
  });

  it('explains a class found by the search over all labels, not one of the top 5', async () => {
    expect(await page().getByTestId('top5').textContent()).not.toContain('goldfish');
    await ev().getByTestId('method').selectOption('gradcampp');
    const search = page().getByTestId('class-search');
    await search.fill('goldfish');
    const options = page().getByTestId('class-options').getByRole('option');
    expect(await options.count()).toBe(1);
    expect(await options.first().textContent()).toContain('goldfish');
    await search.press('Enter');
    expect(await page().getByTestId('chosen-class').getAttribute('data-index')).toBe('1');
    expect(await page().getByTestId('stale').textContent()).toContain('class 249 malamute (now 1 goldfish)');
    const jobId = await explain();
    const r = await resultOf(jobId);
    expect(r.label).toMatchObject({ index: 1, name: 'goldfish' });
    expect(await page().getByTestId('history-entry').first().getAttribute('data-label')).toBe('1');
    expect(await page().getByTestId('results').textContent()).toContain('goldfish (class 1');
  }, 300_000);

  it('a write the browser refuses (a full quota) does not break the view: the run is listed and the note says why', async () => {
    // Every IndexedDB put refused from the next load on, as a full quota refuses it.
    await page().addInitScript({ content: "IDBObjectStore.prototype.put = function () { throw new DOMException('the quota is full (simulated)', 'QuotaExceededError'); };" });
    await page().reload();
    await expect.poll(() => page().getByTestId('history-entry').count(), { timeout: 30_000 }).toBe(3);
    await page().getByTestId('history-entry').first().getByTestId('show').click(); // the goldfish run, its photo re-uploaded
    await expect.poll(() => page().getByTestId('results').count(), { timeout: 30_000 }).toBe(1);
    await ev().getByTestId('method').selectOption('gradcam');
    const r = await resultOf(await explain());
    expect(await page().getByTestId('history-note').textContent()).toBe('history not saved: QuotaExceededError: the quota is full (simulated)');
    expect(await page().getByTestId('history-entry').count()).toBe(4);
    expect(await page().getByTestId('history-entry').first().getAttribute('data-method')).toBe('gradcam');
    expect(Number(await page().getByTestId('auc-refined-insertion').getAttribute('data-value'))).toBe(r.metrics.insertion);
    expect(problems).toEqual([]);
  }, 300_000);
});
