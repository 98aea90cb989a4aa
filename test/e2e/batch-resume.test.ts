/**
 * End to end: a batch cancelled part way and resumed from the Batch view, in Debian's Chromium
 * against `borex serve` with the bundled shape classifier and sample scenes (no shared assets).
 * The resumed run continues in its own directory: the table ends with every photo exactly once,
 * and items.jsonl holds each image once.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES_DIR } from '../../src/engine/model/catalogue.ts';
import { tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage } from './browser.ts';

const SAMPLES = path.join(RESOURCES_DIR, 'samples');
const PHOTOS = (JSON.parse(fs.readFileSync(path.join(SAMPLES, 'samples.json'), 'utf8')) as { file: string }[]).map((s) => s.file).sort();

const itemLines = (runDir: string) =>
  fs
    .readFileSync(path.join(runDir, 'items.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { entry: number; key: string; image: string; status: string });

describe.skipIf(chromiumStatus().skip)('resuming a batch in Chromium against borex serve', () => {
  let app: AppPage | undefined;
  let page: Page;
  const problems: string[] = [];
  const runsDir = tempDir('borex-e2e-resume-runs-');
  const rows = (state?: string) => page.locator(state ? `[data-testid=batch-row][data-state=${state}]` : '[data-testid=batch-row]');

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await openApp({
      env: { BOREX_MODEL_DIR: '' },
      args: ['--runs', runsDir],
      problems,
      onlyServer: true,
      tab: 'tab-batch',
      watch: (p) =>
        p.on('console', (m) => {
          // The one refusal this test provokes is answered 422, which Chromium logs; anything else is a problem.
          const expected = m.text().includes('status of 422') && m.location().url.includes('/api/resume-run');
          if ((m.type() === 'error' || m.type() === 'warning') && !expected) problems.push(`${m.type()}: ${m.text()} (${m.location().url})`);
        }),
    });
    ({ page } = app);
  });

  afterAll(() => app?.close());

  let runDir = '';
  let doneBefore = 0;

  it('cancels a batch part way: the finished photos are kept in its run', async () => {
    expect(PHOTOS).toHaveLength(6);
    await page.getByTestId('batch-model').selectOption('shapes-v1');
    await page.getByTestId('batch-files').setInputFiles(PHOTOS.map((f) => path.join(SAMPLES, f)));
    await expect.poll(() => rows('queued').count(), { timeout: 30_000 }).toBe(6);
    // RISE and BOREx on each scene: about a second a photo here, so Cancel lands part way.
    await page.getByTestId('batch-preset').selectOption('paper');
    await page.getByTestId('batch-run').click();
    await expect.poll(() => rows('done').count(), { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('batch-cancel').click();
    await page.waitForSelector('[data-testid=batch-view][data-job-state=cancelled]', { timeout: 60_000 });

    doneBefore = await rows('done').count();
    expect(doneBefore).toBeGreaterThanOrEqual(1);
    expect(doneBefore).toBeLessThan(6);
    expect(await rows('queued').count()).toBe(6 - doneBefore);
    expect(fs.readdirSync(runsDir)).toHaveLength(1);
    runDir = path.join(runsDir, fs.readdirSync(runsDir)[0]);
    expect(itemLines(runDir).map((r) => r.image)).toEqual(PHOTOS.slice(0, doneBefore));
    // Resume is offered for this run, here and in the list of past runs.
    await page.getByTestId('batch-resume').waitFor();
    expect(await page.getByTestId('batch-resume').textContent()).toBe(`Resume this run (${6 - doneBefore} to do)`);
    await expect.poll(() => page.getByTestId('past-run-resume').count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'batch-cancelled.png') });
  }, 120_000);

  it('resumes it from the list of past runs: every photo once in the table, and once in items.jsonl', async () => {
    await page.locator(`[data-testid=past-run-entry][data-run-id="${path.basename(runDir)}"] [data-testid=past-run-resume]`).click();
    await page.getByTestId('resumed-run').waitFor();
    await page.waitForSelector('[data-testid=batch-view][data-job-state=done]', { timeout: 120_000 });

    expect(await page.getByTestId('resumed-run').textContent()).toBe(`Run ${path.basename(runDir)}, resumed in its own folder: ${doneBefore} ${doneBefore === 1 ? 'photo was' : 'photos were'} finished before.`);
    expect(await page.getByTestId('batch-summary').textContent()).toMatch(new RegExp(`^${6 - doneBefore} photos in [\\d.]+ s \\(${doneBefore} finished before\\): ${6 - doneBefore} explained, 0 failed, 0 without an item\\.$`));
    expect(await rows().count()).toBe(6);
    expect(await rows('done').count()).toBe(6);
    const names = await page.locator('[data-testid=batch-row] td:first-child').allTextContents();
    expect(names).toEqual(PHOTOS);
    expect(await page.getByTestId('batch-table').locator('tfoot').textContent()).toMatch(/mean\s*0\.\d{4}\s*0\.\d{4}\s*0\.\d{4}\s*0\.\d{4}/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'batch-resumed.png') });

    // The same run directory, each image exactly once, in run order; no second run was made.
    expect(fs.readdirSync(runsDir)).toEqual([path.basename(runDir)]);
    const items = itemLines(runDir);
    expect(items.map((r) => r.key)).toEqual(PHOTOS);
    expect(items.map((r) => r.entry)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(items.every((r) => r.status === 'ok')).toBe(true);
    // Finished: no Resume any more.
    await page.getByTestId('past-runs').locator('button[title="Look again"]').click();
    await expect.poll(() => page.getByTestId('past-run-resume').count()).toBe(0);
    expect(await page.getByTestId('batch-resume').count()).toBe(0);
  }, 180_000);

  it('refuses to resume a run whose uploaded photos went with their session, saying so', async () => {
    // A run of an earlier session: this run's files, its input where that session kept its uploads (gone).
    const earlier = path.join(runsDir, 'earlier-session');
    const gone = path.join(tempDir('borex-serve-ended-'), 'jobs', 'abc', 'input');
    fs.mkdirSync(earlier);
    const runJson = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
    runJson.spec.input.path = runJson.spec.input.root = gone;
    fs.writeFileSync(path.join(earlier, 'run.json'), JSON.stringify(runJson));
    fs.writeFileSync(path.join(earlier, 'items.jsonl'), fs.readFileSync(path.join(runDir, 'items.jsonl'), 'utf8').split('\n')[0] + '\n');

    await page.getByTestId('past-runs').locator('button[title="Look again"]').click();
    const before = await page.getByTestId('batch-table').locator('tbody').textContent();
    await page.locator('[data-testid=past-run-entry][data-run-id=earlier-session] [data-testid=past-run-resume]').click();
    await expect.poll(() => page.locator('.error[role=alert]').textContent()).toBe(
      `cannot resume run earlier-session: missing its input folder ${gone} (photos added to the Batch view one by one are kept only while the session that added them runs)`,
    );
    expect(await page.getByTestId('batch-view').getAttribute('data-job-state')).toBe('done');
    expect(await page.getByTestId('batch-table').locator('tbody').textContent()).toBe(before);
    expect(itemLines(earlier)).toHaveLength(1);
  });

  it('logged no console errors or warnings and sent nothing off the machine', () => {
    expect(problems).toEqual([]);
  });
});
