/**
 * End to end: the user's own .onnx model in the browser UI against `borex serve` and the real
 * engine. The project's bundled shape classifier stands in for "a model of the user's own": its
 * files are uploaded under other names, so nothing can come from the catalogue or resources/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES_DIR } from '../../src/engine/model/catalogue.ts';
import { FIXTURE_MODELS, tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage, type Served } from './browser.ts';

const MODELS = path.join(RESOURCES_DIR, 'models');
const SAMPLES = path.join(RESOURCES_DIR, 'samples');
const samples = JSON.parse(fs.readFileSync(path.join(SAMPLES, 'samples.json'), 'utf8')) as { file: string; label: string }[];
const square = samples.find((s) => s.label === 'square')!; // a square with a star as a decoy
const upload = (name: string, file: string, mimeType = 'application/octet-stream') => ({ name, mimeType, buffer: fs.readFileSync(file) });

describe.skipIf(chromiumStatus().skip)('the user\'s own model in Chromium against borex serve', () => {
  let app: AppPage | undefined;
  let served: Served;
  let page: Page;
  const problems: string[] = [];
  const optionLabels = (testid: string) => page.getByTestId(testid).locator('option').allTextContents();

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await openApp({
      // No model directory: only the bundled catalogue model and what the user uploads.
      env: { BOREX_MODEL_DIR: '' },
      args: ['--runs', tempDir('borex-e2e-user-runs-')],
      problems,
      onlyServer: true,
      watch: (p) =>
        p.on('console', (m) => {
          // The one refusal this test provokes is answered 422, which Chromium logs; anything else is a problem.
          const expected = m.text().includes('status of 422') && m.location().url.includes('/api/models?');
          if ((m.type() === 'error' || m.type() === 'warning') && !expected) problems.push(`${m.type()}: ${m.text()} (${m.location().url})`);
        }),
    });
    ({ served, page } = app);
    await page.getByTestId('model').waitFor();
  });

  afterAll(() => app?.close());

  it('uploads a model with its spec and labels; it is chosen, and classifies a sample with its own labels', async () => {
    await page.getByTestId('model-input').setInputFiles([
      upload('my-shapes.onnx', path.join(MODELS, 'shapes-v1.onnx')),
      upload('my-shapes.borex.json', path.join(MODELS, 'shapes-v1.borex.json'), 'application/json'),
      upload('my-shapes.labels.txt', path.join(MODELS, 'shapes-v1.labels.txt'), 'text/plain'),
    ]);
    await expect.poll(() => page.getByTestId('app-notice').textContent(), { timeout: 30_000 }).toMatch(/^Opened my-shapes\.onnx: 6 classes, 112×112 input \(stretch\), spec from my-shapes\.borex\.json, labels from my-shapes\.labels\.txt/);
    expect(await optionLabels('model')).toContain('my-shapes.onnx (your model)');
    expect(await page.getByTestId('model').locator('option:checked').textContent()).toBe('my-shapes.onnx (your model)');
    expect(await optionLabels('batch-model')).toContain('my-shapes.onnx (your model)');
    expect(await page.getByTestId('model-info').textContent()).toContain('labels from my-shapes.labels.txt');

    await page.getByTestId('file-input').setInputFiles(path.join(SAMPLES, square.file));
    await expect.poll(() => page.locator('[data-testid=top5] button.selected').textContent(), { timeout: 30_000 }).toContain(square.label);
    expect(await page.locator('[data-testid=top5] li').first().textContent()).toContain(square.label);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'explain-user-model.png') });
  });

  it('explains with it like a catalogue model (result.json names it)', async () => {
    await page.getByTestId('method').selectOption('rise');
    await page.getByTestId('preset').selectOption('paper');
    await page.getByTestId('run').click();
    await page.waitForSelector('[data-testid=explain-view][data-job-state=done]', { timeout: 60_000 });
    const jobId = await page.getByTestId('explain-view').getAttribute('data-job-id');
    const result = (await (await fetch(`${served.origin}/api/jobs/${jobId}/files/result.json?token=${served.token}`)).json()) as { model: { name: string; path: string }; label: { name: string } };
    expect(result.model.name).toBe('my-shapes');
    expect(path.basename(result.model.path)).toBe('my-shapes.onnx');
    expect(result.label.name).toBe(square.label);
  });

  it('opens a model dropped on the window', async () => {
    const dropped = await page.evaluateHandle(
      ({ base64, labels }) => {
        // Runs in the page (the test's own tsconfig has no DOM types).
        const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } };
        const data = new DataTransfer();
        data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'dropped.onnx'));
        data.items.add(new File([labels], 'dropped-names.txt'));
        return data;
      },
      { base64: fs.readFileSync(path.join(MODELS, 'shapes-v1.onnx')).toString('base64'), labels: fs.readFileSync(path.join(MODELS, 'shapes-v1.labels.txt'), 'utf8') },
    );
    await page.dispatchEvent('[data-testid=explain-view]', 'drop', { dataTransfer: dropped });
    await expect.poll(() => optionLabels('model'), { timeout: 30_000 }).toContain('dropped.onnx (your model)');
    // No spec came with it: the defaults are used, and the notice says so.
    expect(await page.getByTestId('app-notice').textContent()).toMatch(/dropped\.onnx: 6 classes.*spec from defaults.*labels from dropped-names\.txt/);
  });

  it('refuses a file that is not an image classifier with the engine\'s reason', async () => {
    await page.getByTestId('model-input').setInputFiles(path.join(FIXTURE_MODELS, 'not-image.onnx'));
    // On the Explain tab the error is said beside "Open your own model…", and only there (one error at a time).
    await expect.poll(() => page.locator('[data-testid=explain-view] [data-testid=error][data-at=photo]').textContent(), { timeout: 30_000 }).toMatch(/^not-image\.onnx: is not an image classifier/);
    expect(await page.locator('[data-testid=app-notice][role=alert]').count()).toBe(0);
    expect(await optionLabels('model')).not.toContain('not-image.onnx (your model)');
  });

  it('runs a batch with it', async () => {
    await page.getByTestId('tab-batch').click();
    await page.getByTestId('batch-model').selectOption({ label: 'my-shapes.onnx (your model)' });
    await page.getByTestId('batch-files').setInputFiles(samples.slice(0, 2).map((s) => path.join(SAMPLES, s.file)));
    await expect.poll(() => page.locator('[data-testid=batch-row][data-state=queued]').count(), { timeout: 30_000 }).toBe(2);
    await page.getByTestId('batch-method-borex:rise').uncheck();
    await page.getByTestId('batch-run').click();
    await page.waitForSelector('[data-testid=batch-view][data-job-state=done]', { timeout: 120_000 });
    const table = await page.getByTestId('batch-table').textContent();
    for (const s of samples.slice(0, 2)) expect(table).toContain(s.label);
    await page.getByTestId('tab-explain').click();
  });

  it('logged no console errors or warnings and sent nothing off the machine', () => {
    expect(problems).toEqual([]);
  });
});
