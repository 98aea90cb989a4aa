/**
 * End to end (issue 13, findings 13, 9 and 8): keys that keep working with a dropdown, slider or
 * checkbox focused (not while typing), the Tab order to Explain, accessible names on the map panes,
 * boxes with their class labels removed one at a time, and one error at a time. `borex serve` with
 * the bundled MobileNetV2 on a VOC photo and its annotation, in Debian's Chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asset, assetStatus, MODEL_DIR } from '../helpers/assets.ts';
import { tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage } from './browser.ts';

const PLANE = 'voc2012-subset/JPEGImages/2007_000032.jpg';
const PLANE_XML = 'voc2012-subset/Annotations/2007_000032.xml';
const skip = assetStatus(PLANE, PLANE_XML, 'models/mobilenetv2-12-int8.onnx').skip || chromiumStatus().skip;

describe.skipIf(skip)('keys, Tab order, pane names, boxes and errors in Chromium against borex serve', () => {
  let app: AppPage | undefined;
  let page: Page;
  const problems: string[] = [];
  const ev = () => page.getByTestId('explain-view');
  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  const selectedTab = () => page.locator('[role=tab][aria-selected=true]').getAttribute('data-testid');
  /** The model's top classes in order (top[0] is chosen when a photo opens). */
  let top: string[] = [];
  const selectedClass = () => page.locator('[data-testid=top5] [role=radio][aria-checked=true] .name').textContent();
  const boxLabels = () => ev().getByTestId('box-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')));
  const paneName = (pane: string) => page.getByTestId(`${pane}-image`).getAttribute('aria-label');
  /** What has focus, in a word: its test id, else its text. (Page code as strings: the root type-check has no DOM.) */
  const focused = () => page.evaluate<string>(`(() => { const a = document.activeElement; return a?.dataset.testid ?? a?.getAttribute('aria-label') ?? a?.textContent?.trim() ?? ''; })()`);

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await openApp({
      env: { BOREX_MODEL_DIR: MODEL_DIR },
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

  it('reaches Explain in 8 Tab presses from page load, and every control is still reachable by Tab', async () => {
    // Nothing is focused yet (the photo goes in through the hidden file input, as a drop would).
    await page.getByTestId('file-input').setInputFiles(asset(PLANE));
    await expect.poll(() => page.locator('[data-testid=top5] .name').count(), { timeout: 60_000 }).toBe(5);
    top = await page.locator('[data-testid=top5] .name').allTextContents();
    expect(await selectedClass()).toBe(top[0]);
    expect(await page.evaluate<boolean>('document.activeElement === document.body')).toBe(true);
    // One stop each: the tab bar (roving: ←/→ within it), help, Open photo, the model, Open your own
    // model, the top classes (roving: ↑/↓ within it), the search over all classes, then Explain.
    const stops: string[] = [];
    for (let i = 0; i < 20 && stops.at(-1) !== 'run'; i++) {
      await page.keyboard.press('Tab');
      stops.push(await focused());
    }
    expect(stops).toEqual(['tab-explain', 'help', 'open-photo', 'model', 'open-model', 'top-class', ...(stops.includes('class-search') ? ['class-search'] : []), 'run']);
    expect(stops.length).toBeLessThanOrEqual(8);

    // Tab on round the page and back: every visible, enabled control of the explain view got focus.
    await page.evaluate(`(() => {
      window.seen = new Set();
      document.addEventListener('focusin', (e) => window.seen.add(e.target));
    })()`);
    await ev().getByRole('button', { name: /Advanced/ }).click(); // the advanced fields too
    await page.getByTestId('tab-explain').focus();
    for (let i = 0; i < 120; i++) await page.keyboard.press('Tab');
    const missed = await page.evaluate<string[]>(`(() => {
      const view = document.querySelector('[data-testid=explain-view]');
      const controls = [...view.querySelectorAll('button, select, input, [tabindex]')].filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0);
      return controls.filter((el) => !window.seen.has(el)).map((el) => el.outerHTML.slice(0, 80));
    })()`);
    expect(missed).toEqual([]);
    // The other top classes: one Tab stop, ↓ chooses the next.
    await page.locator('[data-testid=top5] [role=radio][tabindex="0"]').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate<string>(`document.activeElement?.querySelector('.name')?.textContent`)).toBe(top[1]);
    expect(await selectedClass()).toBe(top[1]);
    await page.keyboard.press('ArrowUp');
    expect(await selectedClass()).toBe(top[0]);
    await ev().getByRole('button', { name: /Advanced/ }).click();
  });

  it('keys work with a dropdown, a slider or a checkbox focused, not while typing; o is open, 0 is zoom', async () => {
    // A dropdown: 2 / 1 switch the tab; b draws (and the dropdown does not jump to "blue–white–red").
    await page.getByTestId('colormap').focus();
    await page.keyboard.press('2');
    expect(await selectedTab()).toBe('tab-batch');
    expect(await focused()).toBe('tab-batch'); // focus follows to the tab bar, not lost in a hidden view
    await page.keyboard.press('3');
    expect(await selectedTab()).toBe('tab-video');
    // The video panes are named too (FrameCanvas).
    await expect.poll(() => page.getByTestId('video-original-image').getAttribute('aria-label')).toBe('original frame, no video opened');
    await page.keyboard.press('1');
    expect(await selectedTab()).toBe('tab-explain');
    await page.getByTestId('colormap').focus();
    await page.keyboard.press('b');
    expect(await page.getByTestId('colormap').inputValue()).toBe('auto');
    expect(await page.getByTestId('draw-box').textContent()).toContain('Drawing…');
    await page.keyboard.press('b');
    expect(await page.getByTestId('draw-box').textContent()).toContain('Draw a box');
    // The dropdown keeps its own keys: ↓ changes its value, not the class.
    await page.keyboard.press('ArrowDown');
    expect(await page.getByTestId('colormap').inputValue()).toBe('turbo');
    expect(await selectedClass()).toBe(top[0]);
    await page.getByTestId('colormap').selectOption('auto');
    // ] and [ step through the top classes, from the slider and from the maps checkbox.
    await page.getByTestId('opacity').focus();
    await page.keyboard.press(']');
    expect(await selectedClass()).toBe(top[1]);
    await page.getByTestId('maps-shown').focus();
    await page.keyboard.press('[');
    expect(await selectedClass()).toBe(top[0]);
    await page.keyboard.press('[');
    expect(await selectedClass()).toBe(top[4]); // wraps round to the fifth
    await page.keyboard.press(']');
    expect(await selectedClass()).toBe(top[0]);
    // m hides and shows the maps, with the normalisation dropdown focused.
    await page.getByTestId('normalisation').focus();
    await page.keyboard.press('m');
    expect(await page.getByTestId('maps-shown').isChecked()).toBe(false);
    await page.keyboard.press('m');
    expect(await page.getByTestId('maps-shown').isChecked()).toBe(true);
    // Typing in a field: the keys are the field's.
    await ev().getByRole('button', { name: /Advanced/ }).click();
    await ev().getByLabel('Seed').focus();
    await page.keyboard.type('2m]');
    expect(await ev().getByLabel('Seed').inputValue()).toBe('2m]');
    expect(await selectedTab()).toBe('tab-explain');
    expect(await page.getByTestId('maps-shown').isChecked()).toBe(true);
    expect(await selectedClass()).toBe(top[0]);
    await ev().getByLabel('Seed').fill('');
    await ev().getByRole('button', { name: /Advanced/ }).click();
    // o (letter) opens the file chooser; 0 (zero) resets the zoom.
    // What the key does is open the photo input's dialog (a click on it); Chromium's own chooser
    // event did not come on some machines although the click did (CI, 2026-12-02), so the click is checked.
    await page.getByTestId('colormap').focus();
    // (Strings: the test files are type-checked without the DOM's types.)
    await page.evaluate(`window.opened = 0; document.querySelector('[data-testid=file-input]').addEventListener('click', (e) => { e.preventDefault(); window.opened++; })`);
    await page.keyboard.press('o');
    expect(await page.evaluate('window.opened')).toBe(1);
    expect(await page.evaluate(`document.querySelector('[data-testid=file-input]').multiple`)).toBe(false);
    const canvas = page.locator('[data-testid=panel-original] canvas');
    const b = (await canvas.boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.wheel(0, -300);
    const reset = ev().getByRole('button', { name: /Reset zoom/ });
    await expect.poll(() => reset.isDisabled()).toBe(false);
    await page.getByTestId('colormap').focus();
    await page.keyboard.press('0');
    await expect.poll(() => reset.isDisabled()).toBe(true);
    // ? opens the sheet, which lists these keys; Esc closes it (and cancels nothing).
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts').waitFor();
    const sheet = await page.getByTestId('shortcuts').textContent();
    await shot('shortcuts-sheet');
    for (const row of ['1 / 2 / 3Explain / Batch / Video tab', '[ / ]previous / next of the top classes', 'Mshow / hide the maps over the photo', 'Eexport the refined map (overlay.png)', 'o (letter)open a photo', '0 (zero)reset zoom and pan', 'Deleteremove the selected box']) expect(sheet).toContain(row);
    await page.keyboard.press('2'); // under the sheet, keys do nothing
    expect(await selectedTab()).toBe('tab-explain');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcuts').count()).toBe(0);
  });

  it('draws a VOC XML\'s boxes with their class names; × and Delete remove one box, and the run scores what is left', async () => {
    await page.getByTestId('voc-input').setInputFiles(asset(PLANE_XML));
    await expect.poll(boxLabels).toEqual(['aeroplane', 'aeroplane', 'person', 'person']);
    for (const pane of ['panel-original', 'panel-prior', 'panel-refined']) expect(await page.locator(`[data-testid=${pane}] canvas`).getAttribute('data-box-labels')).toBe('aeroplane;aeroplane;person;person');
    expect(await paneName('panel-original')).toBe('photo: 2007_000032.jpg, 4 boxes: aeroplane, aeroplane, person, person');
    await shot('boxes-labelled');
    // × on the last person; then the second aeroplane selected (in the list) and Delete.
    await ev().getByTestId('box-remove').nth(3).click();
    await expect.poll(boxLabels).toEqual(['aeroplane', 'aeroplane', 'person']);
    await ev().getByTestId('box-select').nth(1).click();
    expect(await page.locator('[data-testid=panel-refined] canvas').getAttribute('data-selected-box')).toBe('1');
    await page.keyboard.press('Delete');
    await expect.poll(boxLabels).toEqual(['aeroplane', 'person']);
    expect(await page.getByTestId('boxes-status').textContent()).toBe('2007_000032.xml: 2 objects (the explained class\'s are scored)');

    // A short BOREx run (RISE prior, 300 masks, 8 iterations, curves in ~23 steps) scores the one aeroplane left.
    await ev().getByTestId('method').selectOption('borex');
    await ev().getByTestId('prior').selectOption('rise');
    await ev().getByTestId('preset').selectOption('paper');
    await ev().getByRole('button', { name: /Advanced/ }).click();
    await ev().getByLabel('RISE masks N').fill('300');
    await ev().getByTestId('iterations').fill('8');
    await ev().getByLabel('Metric step (px)').fill('2240');
    expect(await paneName('panel-refined')).toBe(`refined map: empty, class ${top[0]}`);
    const posted = page.waitForRequest((r) => r.method() === 'POST' && /\/api\/explain$/.test(new URL(r.url()).pathname));
    await page.getByTestId('normalisation').focus();
    await page.keyboard.press('r'); // from the dropdown
    // The XML sent to be scored lacks the two removed objects; the rest is the file's.
    const sent = (JSON.parse((await posted).postData() ?? '{}') as { groundTruth: { type: string; xml: string } }).groundTruth;
    expect(sent.type).toBe('voc');
    expect([...sent.xml.matchAll(/<name>(\w+)<\/name>/g)].map((m) => m[1])).toEqual(['aeroplane', 'person']);
    expect(sent.xml).toContain('<xmin>104</xmin>');
    expect(sent.xml).not.toContain('<xmin>133</xmin>');
    await page.waitForSelector('[data-testid=explain-view][data-job-state=done] [data-testid=results]', { timeout: 300_000 });
    const jobId = await ev().getAttribute('data-job-id');
    const result = (await (await fetch(`${app!.served.origin}/api/jobs/${jobId}/files/result.json?token=${app!.served.token}`)).json()) as { groundTruth: { class?: string; boxes: number[][] } };
    expect(result.groundTruth.class).toBe('aeroplane');
    expect(result.groundTruth.boxes).toHaveLength(1); // the one aeroplane left (in the model's input pixels)

    // The panes' names say what they show now; their descriptions, the scale.
    expect(await paneName('panel-refined')).toBe(`refined map: borex from rise, class ${top[0]}`);
    expect(await paneName('panel-prior')).toBe(`prior map: rise, class ${top[0]}`);
    const described = await page.getByTestId('panel-refined-image').getAttribute('aria-describedby');
    expect(await page.locator(`[id="${described}"]`).textContent()).toBe('colour map turbo, rank: each pixel\'s percentile (any two maps comparable), 0 to 100 %');
    await page.getByTestId('colormap').focus();
    await page.keyboard.press('m');
    expect(await page.locator('[data-testid=panel-refined] canvas').getAttribute('data-opacity')).toBe('0');
    expect(await paneName('panel-refined')).toBe(`refined map: borex from rise, class ${top[0]} (maps hidden)`);
    await page.keyboard.press('m');
    expect(Number(await page.locator('[data-testid=panel-refined] canvas').getAttribute('data-opacity'))).toBeGreaterThan(0);
    // e exports the refined map.
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('e')]);
    expect(download.suggestedFilename()).toBe('overlay.png');

    // Hand-drawn boxes are "box 1", "box 2"; a click on one selects it, Delete removes it; one can be renamed.
    const canvas = page.locator('[data-testid=panel-original] canvas');
    const b = (await canvas.boundingBox())!;
    const drag = async (x0: number, y0: number, x1: number, y1: number) => {
      await page.mouse.move(b.x + b.width * x0, b.y + b.height * y0);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width * x1, b.y + b.height * y1, { steps: 5 });
      await page.mouse.up();
    };
    await page.keyboard.press('b');
    await drag(0.02, 0.05, 0.12, 0.2);
    await drag(0.8, 0.75, 0.95, 0.95);
    await page.keyboard.press('b');
    await expect.poll(boxLabels).toEqual(['aeroplane', 'person', 'box 1', 'box 2']);
    await page.mouse.click(b.x + b.width * 0.07, b.y + b.height * 0.12);
    expect(await canvas.getAttribute('data-selected-box')).toBe('2');
    await page.keyboard.press('Delete');
    await expect.poll(boxLabels).toEqual(['aeroplane', 'person', 'box 2']);
    await ev().getByTestId('box-label').fill('tail');
    await ev().getByTestId('box-label').press('Enter');
    await expect.poll(boxLabels).toEqual(['aeroplane', 'person', 'tail']);
    expect(await canvas.getAttribute('data-box-labels')).toBe('aeroplane;person;tail');
    await shot('boxes-removed-one');
  }, 420_000);

  it('shows one error at a time, next to its cause', async () => {
    const alerts = () => page.locator('[role=alert]').evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => `${e.getAttribute('data-testid')}@${e.getAttribute('data-at') ?? ''}`));
    // A bad field: the error is at the run button.
    await ev().getByLabel('Seed').fill('abc');
    await page.getByTestId('run').click();
    await expect.poll(alerts).toEqual(['error@run']);
    // A file the app does not open: the banner, and the run's error goes.
    const dir = tempDir('borex-e2e-keys-');
    fs.writeFileSync(path.join(dir, 'notes.pdf'), '%PDF-1.4\n');
    await page.getByTestId('open-input').setInputFiles(path.join(dir, 'notes.pdf'));
    await expect.poll(alerts).toEqual(['app-notice@']);
    expect(await page.getByTestId('app-notice').textContent()).toContain('notes.pdf: not something BOREx Studio opens');
    // Explain again: the run's error is back, the banner's goes.
    await page.getByTestId('run').click();
    await expect.poll(alerts).toEqual(['error@run']);
    // A model that does not open, chosen on the Explain tab: said next to "Open your own model…", not in the banner.
    fs.writeFileSync(path.join(dir, 'broken.onnx'), 'not a model');
    await page.getByTestId('model-input').setInputFiles(path.join(dir, 'broken.onnx'));
    await expect.poll(alerts, { timeout: 30_000 }).toEqual(['error@photo']);
    expect(await ev().locator('[data-testid=error][data-at=photo]').textContent()).toContain('broken.onnx');
    await ev().getByLabel('Seed').fill('');
    await ev().getByLabel('Metric step (px)').fill('');
    // The refused model's upload is the one failed request the page logged.
    expect(problems).toEqual(['error: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
  });
});
