/**
 * End to end (issue 15's options in the app): `borex serve` with the real engine in Debian's
 * Chromium. BOREx from a RISE prior on dog.jpg with MobileNetV2 int8, with the learned prior weight
 * and rectangle masks, few iterations and masks: the learned β is shown next to the refined map's
 * caption, the sampled boxes are drawn as the result's rectangles (live and replayed, not squares),
 * the metrics shown are the job's result.json, and the run history names the options. The prior
 * added after the aggregate is offered with squares and taken back with rectangles, which the
 * engine refuses together (the handler's unit test covers the refusal). In the Batch view, BOREx
 * ids with modifiers are built, refused in the CLI's words when the engine's grammar refuses them,
 * and run under their own ids (the bundled shape classifier, one scene, 4 iterations).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES_DIR } from '../../src/engine/model/catalogue.ts';
import { asset, assetStatus, MODEL_DIR } from '../helpers/assets.ts';
import { tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage } from './browser.ts';

const DOG = 'images/darknet/dog.jpg';
const ITERATIONS = 8;
const skip = assetStatus(DOG, 'models/mobilenetv2-12-int8.onnx').skip || chromiumStatus().skip;

interface Result {
  config: { borex: Record<string, unknown> };
  metrics: { insertion: number; deletion: number };
  prior: { metrics: { insertion: number; deletion: number } };
  borex: { samples: { halfSize: number; halfHeight: number; halfWidth: number; aspect: number }[]; priorWeight: number; modelCalls: number; check?: { kept: 'refined' | 'head' | 'prior'; refined: number; head?: number; prior?: number } };
}

describe.skipIf(skip)('BOREx options (learned prior weight, rectangles) in Chromium against borex serve', () => {
  let app: AppPage;
  let page: Page;
  const problems: string[] = [];
  const runsDir = tempDir('borex-e2e-options-runs-');
  const ev = () => page.getByTestId('explain-view');
  const refined = () => page.locator('[data-testid=panel-refined] canvas');

  beforeAll(async () => {
    app = await openApp({ env: { BOREX_MODEL_DIR: MODEL_DIR }, args: ['--runs', runsDir], problems, watch: (p) => p.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`)) });
    page = app.page;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  it('runs with learned β and rectangles: β by the caption, rectangles drawn, metrics = result.json, named in the history', async () => {
    await page.getByTestId('model').selectOption('mobilenetv2-12-int8');
    await page.getByTestId('file-input').setInputFiles(asset(DOG));
    await expect.poll(() => page.locator('[data-testid=top5] button.selected').textContent(), { timeout: 60_000 }).toContain('malamute');
    await ev().getByTestId('method').selectOption('borex');
    await ev().getByTestId('prior').selectOption('rise');
    await ev().getByTestId('preset').selectOption('default');
    if (!(await ev().getByTestId('advanced').isVisible())) await ev().getByRole('button', { name: /Advanced/ }).click();
    await ev().getByLabel('RISE masks N').fill('200');
    await ev().getByTestId('iterations').fill(String(ITERATIONS));
    await ev().getByLabel('Metric step (px)').fill('2240');

    // The controls are labelled (found by their label) and say what they do in their tooltip.
    const weight = ev().getByLabel('Prior weight');
    const composition = ev().getByLabel('Final map');
    const shape = ev().getByLabel('Mask shape');
    expect(await weight.getAttribute('data-testid')).toBe('prior-weight');
    expect(await ev().getByLabel('Masks per GP round').getAttribute('data-testid')).toBe('q-batch');
    for (const id of ['prior-weight', 'composition', 'q-batch', 'mask-shape']) expect((await ev().locator(`label:has([data-testid=${id}])`).getAttribute('title'))?.length).toBeGreaterThan(20);
    // Left at their defaults, the two say what the default preset runs: learned β, the prior after the aggregate.
    expect(await weight.locator('option:checked').textContent()).toBe('default: learned β');
    expect(await composition.locator('option:checked').textContent()).toBe('default: add the prior after the aggregate');
    await weight.selectOption('learned');
    await composition.selectOption('rank-sum');
    expect(await composition.locator('option:checked').textContent()).toBe('sum the ranks of map and prior');
    // Rectangles take the paper's composition only: the choice goes back to the default (theirs), and is locked.
    await shape.selectOption('rects');
    expect(await composition.inputValue()).toBe('');
    expect(await composition.locator('option:checked').textContent()).toBe('default: add the prior before the aggregate (the paper’s)');
    expect(await composition.isDisabled()).toBe(true);
    expect(await ev().getByLabel('Rectangle aspects').getAttribute('placeholder')).toBe('0.5,1,2');

    // Every box size the refined pane drew while the job ran. (Page code as a string: no DOM library here.)
    await page.evaluate(`(() => {
      const seen = (window.sidesSeen = []);
      new MutationObserver(() => {
        const c = document.querySelector('[data-testid=panel-refined] canvas');
        if (c && c.getAttribute('data-square-sides')) seen.push(c.getAttribute('data-square-sides'));
      }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-square-sides'] });
    })()`);
    await page.getByTestId('run').click();
    await page.waitForSelector('[data-testid=explain-view][data-job-state=done] [data-testid=results]', { timeout: 300_000 });
    expect(problems).toEqual([]);

    const jobId = await ev().getAttribute('data-job-id');
    const res = await fetch(`${app.served.origin}/api/jobs/${jobId}/files/result.json?token=${app.served.token}`);
    expect(res.status).toBe(200);
    const result = (await res.json()) as Result;
    expect(result.config.borex).toMatchObject({ priorWeight: 'learned', shapes: 'rects', aspects: [0.5, 1, 2], iterations: ITERATIONS });
    expect(Object.hasOwn(result.config.borex, 'composition')).toBe(false);
    expect(result.borex.samples).toHaveLength(ITERATIONS);

    // β, as result.json has it, next to the refined map's caption.
    expect(typeof result.borex.priorWeight).toBe('number');
    expect(await page.getByTestId('panel-refined-note').textContent()).toBe(`prior weight β = ${result.borex.priorWeight.toFixed(2)}, learned`);

    // Replayed: each box is the result's rectangle (2·halfHeight × 2·halfWidth), and some are not squares.
    const sides = result.borex.samples.map((s) => `${2 * s.halfHeight}x${2 * s.halfWidth}`);
    expect(result.borex.samples.some((s) => s.halfHeight !== s.halfWidth)).toBe(true);
    await page.getByTestId('show-samples').check();
    expect(await refined().getAttribute('data-squares')).toBe(String(ITERATIONS));
    expect(await refined().getAttribute('data-square-sides')).toBe(sides.join(';'));
    // Called what they are, in the checkbox and the legend.
    expect(await page.getByTestId('sample-replay').textContent()).toMatch(/show sampled rectangles.*rectangles: red = hiding it lowered the class score/s);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'explain-borex-options.png') });
    // Live: the boxes drawn while the job ran were the same rectangles, in the same order (progress sampleShapes).
    const live = await page.evaluate<string[]>('window.sidesSeen');
    expect(live.length).toBeGreaterThanOrEqual(1);
    for (const drawn of live) expect(sides.slice(0, drawn.split(';').length).join(';')).toBe(drawn);
    expect(live.some((drawn) => drawn.split(';').some((s) => s.split('x')[0] !== s.split('x')[1]))).toBe(true);

    // The metrics shown are result.json's, to the last digit.
    for (const [row, metrics] of [['refined', result.metrics], ['prior', result.prior.metrics]] as const) {
      for (const m of ['insertion', 'deletion'] as const) {
        const cell = page.getByTestId(`auc-${row}-${m}`);
        expect(Number(await cell.getAttribute('data-value'))).toBe(metrics[m]);
        expect(await cell.textContent()).toBe(metrics[m].toFixed(4));
      }
    }

    // The run's settings in words name the options.
    expect(await page.getByTestId('history-entry').first().textContent()).toContain('BOREx from a RISE prior · learned prior weight, rectangles · class');
  }, 420_000);

  it('runs the deletion check: 14 of the budget’s images, its outcome by the caption and in the history', async () => {
    const check = ev().getByLabel('Deletion check');
    // With rectangles (left so by the test before) the check is locked: the engine refuses the two together.
    expect(await check.isDisabled()).toBe(true);
    await ev().getByLabel('Mask shape').selectOption('squares');
    expect((await ev().locator('label:has([data-testid=deletion-check])').getAttribute('title'))?.length).toBeGreaterThan(20);
    // The default preset checks with heads (from 24 iterations): the default says so.
    expect(await check.locator('option:checked').textContent()).toBe('default: put the prior’s top 1/16 or 1/8 first, or keep the prior, where that deletes clearly better (few images), from 24 iterations');
    await check.selectOption('head');
    await ev().getByTestId('iterations').fill('10');
    await page.getByTestId('run').click();
    await page.waitForSelector('[data-testid=explain-view][data-job-state=done] [data-testid=results]', { timeout: 300_000 });
    expect(problems).toEqual([]);
    const jobId = await ev().getAttribute('data-job-id');
    const result = (await (await fetch(`${app.served.origin}/api/jobs/${jobId}/files/result.json?token=${app.served.token}`)).json()) as Result;
    expect(result.config.borex).toMatchObject({ check: 'head', iterations: 10 });
    // 10 iterations' 20 images: 3 observations (6 images) and the check's 14.
    expect(result.borex.samples).toHaveLength(3);
    expect(result.borex.modelCalls).toBe(20);
    const kept = result.borex.check!.kept;
    expect(kept === 'head' ? result.borex.check!.head! < result.borex.check!.refined : result.borex.check!.refined <= result.borex.check!.head!).toBe(true);
    expect(await page.getByTestId('panel-refined-note').textContent()).toContain(`deletion check: ${kept === 'head' ? 'the prior’s top 1/16 first' : 'the refinement'} deleted best, kept`);
    expect(await page.getByTestId('history-entry').first().textContent()).toContain('deletion check (the prior’s head)');
  }, 420_000);

  it('Batch: BOREx ids with modifiers are added, checked by the engine’s grammar and run under their own ids', async () => {
    await page.getByTestId('tab-batch').click();
    const bv = page.getByTestId('batch-view');
    await page.getByTestId('batch-model').selectOption('shapes-v1');
    await page.getByTestId('batch-files').setInputFiles(path.join(RESOURCES_DIR, 'samples', 'shapes-04-star.png'));
    await expect.poll(() => page.locator('[data-testid=batch-row][data-state=queued]').count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('batch-preset').selectOption('paper');
    await bv.getByLabel('BOREx iterations').fill('4');
    await page.getByTestId('batch-method-borex:rise').uncheck();
    // learned + prior after the aggregate, 2 masks per round.
    await page.getByTestId('batch-mod-learned').check();
    await page.getByTestId('batch-mod-pa').check();
    await page.getByTestId('batch-mod-q').fill('2');
    expect(await page.getByTestId('batch-mod-add').textContent()).toBe('Add borex:rise+learned+pa+q2');
    await page.getByTestId('batch-mod-add').click();
    // Rectangles take the prior-after choice back (the engine refuses the two together).
    await page.getByTestId('batch-mod-rects').check();
    expect(await page.getByTestId('batch-mod-pa').isChecked()).toBe(false);
    expect(await page.getByTestId('batch-mod-pa').isDisabled()).toBe(true);
    expect(await page.getByTestId('batch-mod-check').isDisabled()).toBe(true);
    await page.getByTestId('batch-mod-learned').uncheck();
    await page.getByTestId('batch-mod-q').fill('');
    await page.getByTestId('batch-mod-add').click();
    expect(await page.getByTestId('batch-method-borex:rise+learned+pa+q2').isChecked()).toBe(true);
    expect(await page.getByTestId('batch-method-borex:rise+rects').isChecked()).toBe(true);

    // A q past 64: built as typed, refused by the server with the CLI's words; nothing runs.
    await page.getByTestId('batch-mod-rects').uncheck();
    await page.getByTestId('batch-mod-q').fill('100');
    await page.getByTestId('batch-mod-add').click();
    await page.getByTestId('batch-run').click();
    await expect.poll(() => bv.getByRole('alert').textContent(), { timeout: 30_000 }).toContain('method "borex:rise+q100": +q100 needs a batch size from 2 to 64 (+q2 … +q64)');
    expect(fs.readdirSync(runsDir)).toEqual([]);
    await page.getByTestId('batch-method-borex:rise+q100').uncheck();

    await page.getByTestId('batch-run').click();
    await page.waitForSelector('[data-testid=batch-view][data-job-state=done]', { timeout: 240_000 });
    const [run] = fs.readdirSync(runsDir);
    const manifest = JSON.parse(fs.readFileSync(path.join(runsDir, run, 'run.json'), 'utf8')) as { spec: { methods: { id: string; config: { borex?: Record<string, unknown> } }[] } };
    expect(manifest.spec.methods.map((m) => m.id)).toEqual(['rise', 'borex:rise+learned+pa+q2', 'borex:rise+rects']);
    expect(manifest.spec.methods[1].config.borex).toMatchObject({ priorWeight: 'learned', composition: 'prior-after', qBatch: 2, iterations: 4 });
    expect(manifest.spec.methods[2].config.borex).toMatchObject({ shapes: 'rects', aspects: [0.5, 1, 2], iterations: 4 });
    const line = JSON.parse(fs.readFileSync(path.join(runsDir, run, 'items.jsonl'), 'utf8').split('\n')[0]) as { methods: Record<string, { status: string; metrics: { insertion: number } }> };
    expect(Object.fromEntries(Object.entries(line.methods).map(([id, m]) => [id, m.status]))).toEqual({ rise: 'ok', 'borex:rise+learned+pa+q2': 'ok', 'borex:rise+rects': 'ok' });
    // The table has a column per id, with the run's insertion AUC.
    for (const id of ['borex:rise+learned+pa+q2', 'borex:rise+rects']) expect(await page.getByTestId(`cell-${id}`).first().textContent()).toContain(line.methods[id].metrics.insertion.toFixed(4));
    // The one console line is the browser's own for the refused +q100 request.
    expect(problems).toEqual(['error: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  }, 300_000);
});
