/**
 * End to end (issue 13, the analyst's workbench): `borex serve` with the real engine, driven in
 * Debian's Chromium. The bundled MobileNetV2 is the default and the choice is remembered; the same
 * photos added twice give one row each and the right means; a VOC folder chosen in the browser keeps
 * its Annotations (F and the pointing game).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asset, assetStatus, MODEL_DIR } from '../helpers/assets.ts';
import { borex, tempDir } from '../helpers/cli.ts';
import { chromiumStatus, ensureUiBuilt, launchChromium, SCREENSHOTS, startServe, type Served } from './browser.ts';

const DOG = 'images/darknet/dog.jpg';
const EAGLE = 'images/darknet/eagle.jpg';
const VOC = ['2007_000032', '2007_000033', '2007_000068'];
const skip = assetStatus(DOG, EAGLE, ...VOC.map((v) => `voc2012-subset/JPEGImages/${v}.jpg`), 'models/mobilenetv2-12-int8.onnx').skip || chromiumStatus().skip;

interface Line {
  entry: number;
  image: string;
  status: string;
  label?: { name: string };
  methods?: Record<string, { metrics: { insertion: number; deletion: number; fRp?: number; pointingGame?: boolean } }>;
}

describe.skipIf(skip)('the analyst\'s workbench in Chromium against borex serve', () => {
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const problems: string[] = [];
  const runsDir = tempDir('borex-e2e-bench-runs-');
  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  /** The newest run's items.jsonl (the UI's batch wrote it, as `borex batch` would). */
  const newestRun = () => {
    const runs = fs.readdirSync(runsDir).sort();
    return fs.readFileSync(path.join(runsDir, runs.at(-1)!, 'items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
  };

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
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('explains a photo with the bundled MobileNetV2 by default, and remembers the model chosen', async () => {
    await page.goto(served.url);
    await page.getByTestId('model').waitFor();
    expect(await page.getByTestId('model').inputValue()).toBe('mobilenetv2-12-int8');
    expect(await page.getByTestId('batch-model').inputValue()).toBe('mobilenetv2-12-int8');
    await page.getByTestId('file-input').setInputFiles(asset(DOG));
    await expect.poll(() => page.locator('[data-testid=top5] button.selected').textContent(), { timeout: 60_000 }).toContain('malamute');
    // The choice survives a reload (localStorage in a browser), in both views.
    await page.getByTestId('model').selectOption('shapes-v1');
    await page.reload();
    await page.getByTestId('model').waitFor();
    await expect.poll(() => page.getByTestId('model').inputValue()).toBe('shapes-v1');
    expect(await page.getByTestId('batch-model').inputValue()).toBe('shapes-v1');
    await page.getByTestId('model').selectOption('mobilenetv2-12-int8');
    await page.reload();
    await page.getByTestId('model').waitFor();
    await expect.poll(() => page.getByTestId('model').inputValue()).toBe('mobilenetv2-12-int8');
  });

  it('the same photos added twice give one row each; two different photos of one name both run, matched right; queued rows say queued', async () => {
    await page.getByTestId('tab-batch').click();
    const rowsDir = tempDir('borex-e2e-dupes-');
    for (const [dir, src] of [['a', DOG], ['b', EAGLE]] as const) {
      fs.mkdirSync(path.join(rowsDir, dir));
      fs.copyFileSync(asset(src), path.join(rowsDir, dir, 'photo.jpg'));
    }
    const voc = VOC.map((v) => asset(`voc2012-subset/JPEGImages/${v}.jpg`));
    await page.getByTestId('batch-files').setInputFiles(voc);
    await expect.poll(() => page.locator('[data-testid=batch-row][data-state=queued]').count(), { timeout: 30_000 }).toBe(3);
    await page.getByTestId('batch-files').setInputFiles([...voc, path.join(rowsDir, 'a/photo.jpg')]);
    await expect.poll(() => page.locator('[data-testid=batch-row][data-state=queued]').count(), { timeout: 30_000 }).toBe(4);
    expect(await page.getByTestId('batch-added').textContent()).toBe('3 photos were already in the queue and not added again');
    await page.getByTestId('batch-files').setInputFiles(path.join(rowsDir, 'b/photo.jpg'));
    await expect.poll(() => page.locator('[data-testid=batch-row][data-state=queued]').count(), { timeout: 30_000 }).toBe(5);

    await page.getByTestId('batch-method-borex:rise').uncheck();
    await page.getByTestId('batch-preset').selectOption('paper');
    await page.getByTestId('batch-run').click();
    // While it runs: one photo running at a time, the others queued.
    const seen: { running: number; queued: number; progress: string }[] = [];
    while ((await page.getByTestId('batch-view').getAttribute('data-job-state')) !== 'done') {
      // Both counts from one look at the page (a string: this file is type-checked without the DOM).
      seen.push(await page.evaluate<{ running: number; queued: number; progress: string }>(`({ running: document.querySelectorAll('[data-testid=batch-row][data-state=running]').length, queued: document.querySelectorAll('[data-testid=batch-row][data-state=queued]').length, progress: document.querySelector('[data-testid=batch-progress]')?.textContent ?? '' })`));
      if (seen.length > 2000) throw new Error('the batch did not end');
      await page.waitForTimeout(100);
    }
    expect(seen.every((s) => s.running <= 1)).toBe(true);
    expect(seen.some((s) => s.running === 1 && s.queued >= 1)).toBe(true);
    // The progress line names the photo in flight.
    expect(seen.some((s) => /^\d\/5 photos · now (2007_0000(32|33|68)|photo)\.jpg/.test(s.progress))).toBe(true);
    const rows = page.locator('[data-testid=batch-row]');
    expect(await rows.count()).toBe(5);
    expect(await page.locator('[data-testid=batch-row][data-state=done]').count()).toBe(5);
    const lines = newestRun();
    expect(lines.map((l) => l.image)).toEqual(['2007_000032.jpg', '2007_000033.jpg', '2007_000068.jpg', 'photo-2.jpg', 'photo.jpg']);
    // Each photo.jpg row shows its own photo's class: the dog's and the eagle's.
    const texts = await rows.allTextContents();
    expect(texts.filter((t) => t.startsWith('photo.jpg')).map((t) => (t.includes('malamute') ? 'dog' : t.includes('bald eagle') ? 'eagle' : t))).toEqual(['dog', 'eagle']);
    // The means are over the five photos once each, as in the run's items.jsonl.
    for (const metric of ['insertion', 'deletion'] as const) {
      const values = lines.map((l) => l.methods!.rise.metrics[metric]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      expect(Number(await page.getByTestId('mean-rise').getAttribute(`data-${metric}`))).toBeCloseTo(mean, 12);
    }
    await shot('batch-duplicates');
  }, 300_000);

  it('a VOC folder chosen in the browser keeps its Annotations: F and the pointing game per photo', async () => {
    const root = path.join(tempDir('borex-e2e-voc-'), 'voc3');
    fs.mkdirSync(path.join(root, 'JPEGImages'), { recursive: true });
    fs.mkdirSync(path.join(root, 'Annotations'));
    for (const v of VOC) {
      fs.copyFileSync(asset(`voc2012-subset/JPEGImages/${v}.jpg`), path.join(root, 'JPEGImages', `${v}.jpg`));
      fs.copyFileSync(asset(`voc2012-subset/Annotations/${v}.xml`), path.join(root, 'Annotations', `${v}.xml`));
    }
    await page.getByTestId('batch-folder').setInputFiles(root);
    await expect.poll(() => page.locator('[data-testid=batch-row][data-state=queued]').count(), { timeout: 30_000 }).toBe(3);
    expect(await page.getByTestId('batch-added').textContent()).toBe('3 of 3 with a VOC annotation (recall/precision/F and the pointing game)');
    await page.getByTestId('batch-run').click();
    await page.waitForSelector('[data-testid=batch-view][data-job-state=done]', { timeout: 180_000 });
    const lines = newestRun();
    expect(lines.filter((l) => l.status === 'ok').length).toBeGreaterThanOrEqual(3);
    const cells = page.locator('[data-testid=cell-rise]');
    expect(await cells.count()).toBe(lines.length);
    for (const [i, line] of lines.entries()) {
      if (line.status !== 'ok') continue;
      const m = line.methods!.rise.metrics;
      expect(m.fRp).toBeGreaterThan(0);
      expect(Number(await cells.nth(i).getAttribute('data-f'))).toBe(m.fRp);
      expect(await cells.nth(i).getAttribute('data-pointing')).toBe(String(m.pointingGame));
    }
    const table = await page.getByTestId('batch-table').textContent();
    expect(table).toContain('F ↑ · pointing');
    expect(table).toMatch(/mean\s*0\.\d{4}\s*0\.\d{4}\s*0\.\d{4} · \d+ % hits/);
    await shot('batch-voc');
  }, 300_000);

  it('errors: next to their cause, naming the user\'s file, in plain words; a truncated photo and a garbage prior refused when opened', async () => {
    await page.getByTestId('tab-explain').click();
    const ev = page.getByTestId('explain-view'); // other views have fields of the same names
    const dir = tempDir('borex-e2e-bad-');
    const cut = path.join(dir, 'holiday cut.jpg');
    fs.writeFileSync(cut, fs.readFileSync(asset(DOG)).subarray(0, 60_000));
    await page.getByTestId('file-input').setInputFiles(cut);
    const photoError = ev.locator('[data-testid=error][data-at=photo]');
    await expect.poll(() => photoError.textContent(), { timeout: 30_000 }).toBe('holiday cut.jpg: the photo is truncated or corrupt (premature end of JPEG image); it cannot be opened');
    expect(await ev.getByTestId('error').count()).toBe(1); // one error, not two
    expect(await page.locator('[data-testid=panel-original] canvas').getAttribute('data-has-map')).not.toBe('true');

    // A good photo clears it; a garbage .npy is refused when chosen, next to the prior, naming it.
    await page.getByTestId('file-input').setInputFiles(asset(EAGLE));
    await expect.poll(() => page.locator('[data-testid=top5] button.selected').textContent(), { timeout: 60_000 }).toContain('bald eagle');
    expect(await ev.getByTestId('error').count()).toBe(0);
    const garbage = path.join(dir, 'my prior.npy');
    fs.writeFileSync(garbage, Buffer.from('\x93NUMPY garbage that is not an array header at all'));
    await ev.getByTestId('method').selectOption('borex');
    await ev.getByTestId('prior').selectOption('file');
    await ev.getByTestId('prior-input').setInputFiles(garbage);
    const priorError = ev.getByTestId('prior-error');
    await expect.poll(() => priorError.textContent(), { timeout: 30_000 }).toMatch(/^my prior\.npy: not usable as a prior: /);
    const shown = (await priorError.textContent())!;
    expect(shown).not.toMatch(/borex-serve|\/tmp\/|priors\//);
    expect(await ev.getByTestId('prior-file').textContent()).not.toContain('my prior.npy');
    await ev.getByTestId('prior').selectOption('rise');

    // A VOC annotation of another photo (another size) is refused by the boxes, naming both.
    await ev.getByTestId('voc-input').setInputFiles(asset('voc2012-subset/Annotations/2007_000032.xml'));
    expect(await ev.locator('[data-testid=error][data-at=boxes]').textContent()).toBe('2007_000032.xml: this annotation is for a 500×281 photo (2007_000032.jpg), not eagle.jpg (773×512); load the XML of the photo in view');
    expect(await ev.getByTestId('boxes-status').textContent()).toBe('none');
    // An out-of-range field is refused by its label in plain words, by the run button, before anything is sent.
    if (!(await ev.getByTestId('advanced').isVisible())) await ev.getByRole('button', { name: /Advanced/ }).click();
    await ev.getByTestId('iterations').fill('1001');
    await ev.getByTestId('run').click();
    expect(await ev.locator('[data-testid=error][data-at=run]').textContent()).toBe('Iterations: 1001 is not allowed; use a whole number from 1 to 1000');
    await ev.getByTestId('iterations').fill('');
    await shot('explain-errors');
  }, 120_000);

  it('a slow reply for the previous photo cannot overwrite the photo now in view', async () => {
    // The first classify answered late: the dog's reply arrives after the eagle's.
    let first = true;
    await page.route('**/api/classify', async (route) => {
      if (first) {
        first = false;
        await new Promise((r) => setTimeout(r, 2500));
      }
      await route.continue();
    });
    await page.getByTestId('file-input').setInputFiles(asset(DOG));
    await page.waitForTimeout(300);
    await page.getByTestId('file-input').setInputFiles(asset(EAGLE));
    await expect.poll(() => page.locator('[data-testid=top5] button.selected').textContent(), { timeout: 60_000 }).toContain('bald eagle');
    await page.waitForTimeout(4000); // the dog's reply has come and gone
    expect(await page.locator('[data-testid=top5] button.selected').textContent()).toContain('bald eagle');
    expect(await page.getByTestId('top5').textContent()).not.toContain('malamute');
    await page.unroute('**/api/classify');
  }, 60_000);

  it('says whether the refinement helped: Δ vs prior with a better/worse mark, equal to result.json', async () => {
    const ev = page.getByTestId('explain-view');
    await page.getByTestId('file-input').setInputFiles(asset(DOG));
    await expect.poll(() => page.locator('[data-testid=top5] button.selected').textContent(), { timeout: 60_000 }).toContain('malamute');
    await ev.getByTestId('method').selectOption('borex');
    await ev.getByTestId('prior').selectOption('rise');
    await ev.getByTestId('preset').selectOption('paper');
    if (!(await ev.getByTestId('advanced').isVisible())) await ev.getByRole('button', { name: /Advanced/ }).click();
    await ev.getByTestId('iterations').fill('10');
    await ev.getByTestId('run').click();
    await page.waitForSelector('[data-testid=explain-view][data-job-state=done] [data-testid=metrics-delta]', { timeout: 180_000 });
    const jobId = await ev.getAttribute('data-job-id');
    const result = (await (await fetch(`${served.origin}/api/jobs/${jobId}/files/result.json?token=${served.token}`)).json()) as { metrics: Record<string, number>; prior: { metrics: Record<string, number> } };
    for (const [m, higherBetter] of [['insertion', true], ['deletion', false]] as const) {
      const cell = ev.getByTestId(`delta-${m}`);
      const d = result.metrics[m] - result.prior.metrics[m];
      expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(d, 12);
      const verdict = Math.abs(d) < 5e-4 ? 'same' : d > 0 === higherBetter ? 'better' : 'worse';
      expect(await cell.getAttribute('data-verdict')).toBe(verdict);
      expect(await cell.textContent()).toContain({ better: '▲ better', worse: '▼ worse', same: '= same' }[verdict]);
    }
    expect(await ev.getByTestId('verdict').textContent()).toMatch(/^The refinement /);
    await ev.getByTestId('iterations').fill('');
    await shot('explain-delta');
  }, 240_000);

  it('the batch table shows Δ per photo and the Wilcoxon table of borex compare', async () => {
    await page.getByTestId('tab-batch').click();
    const voc = VOC.map((v) => asset(`voc2012-subset/JPEGImages/${v}.jpg`));
    await page.getByTestId('batch-files').setInputFiles(voc);
    await expect.poll(() => page.locator('[data-testid=batch-row][data-state=queued]').count(), { timeout: 30_000 }).toBe(3);
    await page.getByTestId('batch-method-borex:rise').check();
    await page.getByTestId('batch-view').getByPlaceholder('50').fill('8');
    await page.getByTestId('batch-run').click();
    await page.waitForSelector('[data-testid=batch-view][data-job-state=done] [data-testid=compare-table]', { timeout: 240_000 });
    const lines = newestRun();
    // Δ per photo: borex:rise − rise on the same item, as items.jsonl holds them.
    const cells = page.locator('[data-testid=delta-borex\\:rise-insertion]');
    expect(await cells.count()).toBe(lines.length);
    for (const [i, l] of lines.entries()) {
      const d = l.methods!['borex:rise'].metrics.insertion - l.methods!.rise.metrics.insertion;
      expect(Number(await cells.nth(i).getAttribute('data-value'))).toBeCloseTo(d, 12);
    }
    // The Wilcoxon rows are those of `borex compare RUN_DIR --format json` on this very run.
    const runDir = path.join(runsDir, fs.readdirSync(runsDir).sort().at(-1)!);
    const cli = borex(['compare', runDir, '--format', 'json']);
    expect(cli.code, cli.stderr).toBe(0);
    const all = (JSON.parse(cli.stdout) as { rows: { baseline: string; candidate: string; metric: string; n: number; pValue?: number }[] }).rows.filter((r) => r.metric !== 'f1');
    const expected = all.filter((r) => r.n > 0); // F without boxes: no items, said under the table
    expect(all.filter((r) => r.n === 0).map((r) => r.metric)).toEqual(['fRp']);
    expect(await page.getByTestId('compare-untested').textContent()).toBe('Not tested — F (F_rp) ↑: no item with both maps and ground-truth boxes.');
    const rows = page.getByTestId('compare-row');
    expect(await rows.count()).toBe(expected.length);
    for (const [i, r] of expected.entries()) {
      expect(await rows.nth(i).getAttribute('data-pair')).toBe(`${r.baseline}>${r.candidate}`);
      expect(await rows.nth(i).getAttribute('data-metric')).toBe(r.metric);
      expect(Number(await rows.nth(i).getAttribute('data-n'))).toBe(r.n);
      expect(await rows.nth(i).getAttribute('data-p')).toBe(r.pValue === undefined ? '' : String(r.pValue));
    }
    await shot('batch-compare');
    // Sortable: by rise's insertion, then reversed.
    const insertions = lines.map((l) => l.methods!.rise.metrics.insertion);
    const shownNames = () => page.locator('[data-testid=batch-row] td:first-child').allTextContents();
    const byIns = lines.map((l, i) => ({ name: l.image, v: insertions[i] })).sort((a, b) => a.v - b.v).map((x) => x.name);
    await page.getByTestId('sort-rise-insertion').click();
    expect(await shownNames()).toEqual(byIns);
    await page.getByTestId('sort-rise-insertion').click();
    expect(await shownNames()).toEqual([...byIns].reverse());
    await page.getByTestId('sort-photo').click();
    expect(await shownNames()).toEqual([...byIns].sort());
  }, 300_000);

  it('screenshots at 1024, 1440 and 1920 px (docs/screenshots is refreshed from these by hand)', async () => {
    for (const width of [1024, 1440, 1920]) {
      await page.setViewportSize({ width, height: width === 1024 ? 768 : width === 1440 ? 900 : 1080 });
      await page.getByTestId('tab-batch').click();
      await shot(`workbench-batch-${width}`);
      await page.getByTestId('tab-explain').click();
      // The curves refit their cells once the view shows (a ResizeObserver): no plot wider than its cell.
      await expect
        .poll(() => page.evaluate<boolean>(`[...document.querySelectorAll('[data-testid=explain-view] .plot')].every((p) => { const svg = p.querySelector('svg'); return !svg || svg.getBoundingClientRect().width <= p.getBoundingClientRect().width + 1; })`), { timeout: 10_000 })
        .toBe(true);
      await shot(`workbench-explain-${width}`);
      // Nothing cut off at the right: the page never scrolls sideways.
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    }
    await page.setViewportSize({ width: 1600, height: 1000 });
  }, 60_000);

  it('logged no console errors or warnings', () => {
    // The refusals this file provokes are answered 422, which Chromium logs; anything else is a problem.
    expect(problems.filter((p) => !p.includes('status of 422'))).toEqual([]);
  });
});
