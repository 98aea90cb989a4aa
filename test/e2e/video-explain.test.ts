/**
 * End to end, the video view with the real engine: `borex serve` and Debian's Chromium, the
 * project's clip model motion-v1 on a clip whose evidence is known (a square moving in frames 8–23
 * of 32 grey frames, test/e2e/video-clips.ts). RISE-3D's track peaks on those frames and clicking it
 * seeks there; BOREx-3D draws its prior, its map so far and its boxes live, and a cancel keeps the
 * last result; the annotated MP4 download has the source's frame count and duration (ffprobe); an
 * AVI plays through its proxy; a non-video drop and a broken .mp4 each get a message naming the file.
 * Screenshots: out/screenshots/video-*.png (copied to docs/screenshots by hand after looking).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryPath } from '../../src/engine/media/video/binaries.ts';
import { probeVideo } from '../../src/engine/media/video/probe.ts';
import type { VideoResultSummary } from '../../src/shared/api.ts';
import { asset, assetStatus } from '../helpers/assets.ts';
import { ROOT, tempDir } from '../helpers/cli.ts';
import { chromiumStatus, openApp, SCREENSHOTS, type AppPage, type Served } from './browser.ts';
import { EVIDENCE_FRAMES, MOTION_FRAMES, squareClip, squareTube } from './video-clips.ts';
import { shownFrame } from './video-page.ts';

const AVI = 'video/mmaction2/test.avi';
const DEMO = 'video/mmaction2/demo.mp4';
const skip = assetStatus(AVI, DEMO).skip || chromiumStatus().skip;
const work = tempDir('borex-e2e-video-');

/** ffprobe's own decoded-frame count. */
function nbReadFrames(file: string): number {
  const r = spawnSync(binaryPath('ffprobe'), ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

/** The frame under the highest point drawn on a track canvas (its line colour), as the timeline maps x to frames. */
function trackPeakFrame(page: Page, testid: string, [r, g, b]: [number, number, number], frames: number): Promise<number> {
  // Runs in the page, as a string: the tests' own tsconfig has no DOM types.
  return page.evaluate<number>(`(() => {
    const c = document.querySelector('[data-testid=${testid}]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let y = 0; y < c.height; y++)
      for (let x = 0; x < c.width; x++) {
        const i = (y * c.width + x) * 4;
        if (Math.abs(d[i] - ${r}) < 8 && Math.abs(d[i + 1] - ${g}) < 8 && Math.abs(d[i + 2] - ${b}) < 8) return Math.round((x * ${frames - 1}) / (c.width - 1));
      }
    return -1;
  })()`);
}

describe.skipIf(skip)('video view: explain, live BOREx-3D, export, proxy in Chromium', () => {
  let app: AppPage | undefined;
  let served: Served;
  let page: Page;
  const problems: string[] = [];
  const clip = path.join(work, 'square-left.mp4');
  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  const view = () => page.getByTestId('video-view');
  /** The RISE masks field of the video view's advanced panel (opened if it is closed). */
  const masksField = async () => {
    const toggle = view().getByRole('button', { name: /Advanced/ });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    return page.locator('[data-testid=video-view] [data-testid=advanced] input').nth(1);
  };
  const resultOf = async (jobId: string) => (await (await fetch(`${served.origin}/api/jobs/${jobId}/files/result.json?token=${served.token}`)).json()) as VideoResultSummary;

  beforeAll(async () => {
    await squareClip(clip, -1);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    app = await openApp({ args: ['--runs', tempDir('borex-e2e-video-runs-')], problems, onlyServer: true, tab: 'tab-video' });
    ({ served, page } = app);
  });

  afterAll(() => app?.close());

  it('RISE-3D on motion-v1: the track peaks on the frames the square moves in; clicking it seeks there', async () => {
    await page.getByTestId('video-input').setInputFiles(clip);
    await expect.poll(() => view().getAttribute('data-frames'), { timeout: 30_000 }).toBe(String(MOTION_FRAMES));
    expect(await page.getByTestId('video-model').inputValue()).toBe('motion-v1');
    await view().getByTestId('method').selectOption('rise');
    await view().getByTestId('preset').selectOption('paper');
    await (await masksField()).fill('500'); // RISE masks N
    // The square's boxes as a tube file: box metrics per clip.
    const tubeFile = path.join(work, 'square-left.tube.json');
    fs.writeFileSync(tubeFile, JSON.stringify(squareTube(-1)));
    await page.getByTestId('tube-input').setInputFiles(tubeFile);
    await expect.poll(() => page.getByTestId('tube-status').textContent()).toBe('square-left.tube.json: scored when the run ends');
    await page.getByTestId('video-run').click();
    await page.waitForSelector('[data-testid=video-view][data-job-state=done]', { timeout: 180_000 });
    const jobId = (await view().getAttribute('data-job-id'))!;
    const result = await resultOf(jobId);
    expect(result.clips[0].label.name).toBe('left');
    const imp = result.clips[0].frameImportance;
    const peak = result.clips[0].frames[imp.indexOf(Math.max(...imp))];
    expect(EVIDENCE_FRAMES).toContain(peak);
    // The track as drawn peaks there too (x → frame as the timeline maps it), and a click on it seeks.
    const drawnPeak = await trackPeakFrame(page, 'track-refined', [255, 176, 0], MOTION_FRAMES);
    expect(drawnPeak).toBe(peak);
    const box = (await page.getByTestId('track-refined').boundingBox())!;
    await page.mouse.click(box.x + ((peak * 1199) / (MOTION_FRAMES - 1) + 0.5) * (box.width / 1200), box.y + box.height / 2);
    await expect.poll(() => shownFrame(page)).toBe(peak);
    const refined = page.locator('[data-testid=video-refined] canvas');
    expect(await refined.getAttribute('data-has-map')).toBe('true');
    expect(await refined.getAttribute('data-dimmed')).toBe('false');
    expect(await page.getByTestId('sampled-badge').textContent()).toBe('sampled');
    // Frame 2 was not sampled (uniform sampling took 1, 3, …, 31): it shows frame 1's map, faded, and says so.
    await page.getByTestId('frame-box').fill('2');
    await page.getByTestId('frame-box').press('Enter');
    await expect.poll(() => shownFrame(page)).toBe(2);
    expect(await refined.getAttribute('data-dimmed')).toBe('true');
    expect(await page.getByTestId('video-refined-badge').textContent()).toBe('not sampled: map of frame 1');
    // Box metrics from the tube (8 sampled frames × 20² voxels).
    expect(result.clips[0].groundTruth?.voxels).toBe(8 * 20 * 20);
    expect(await page.getByTestId('video-box-refined-frp').textContent()).toBe(result.clips[0].metrics!.fRp!.toFixed(4));
    // Voxel curves with the result's AUCs.
    for (const kind of ['insertion', 'deletion'] as const) {
      await expect.poll(() => page.getByTestId(`video-curve-${kind}`).getAttribute('data-rendered')).toBe('true');
      const cell = page.getByTestId(`video-auc-refined-${kind}`);
      expect(Number(await cell.getAttribute('data-value'))).toBe(result.clips[0].metrics![kind]);
    }
    await page.getByTestId('frame-box').fill(String(peak));
    await page.getByTestId('frame-box').press('Enter');
    await expect.poll(() => shownFrame(page)).toBe(peak);
  }, 240_000);

  it('BOREx-3D live: the prior first, then its map so far with boxes on the frames they cover; cancel keeps the last result', async () => {
    const before = await view().getAttribute('data-job-id');
    await view().getByTestId('method').selectOption('borex');
    await view().getByTestId('prior').selectOption('rise');
    await view().getByTestId('iterations').fill('400'); // long enough to cancel mid-run
    await page.getByTestId('video-run').click();
    await page.waitForSelector('[data-testid=video-view][data-job-state=running] [data-testid=video-prior] canvas[data-has-map=true]', { timeout: 180_000 });
    await page.waitForSelector('[data-testid=video-view][data-job-state=running] [data-testid=video-refined] canvas[data-has-map=true]', { timeout: 180_000 });
    // Boxes are drawn on the frames they cover: step until the shown frame has some.
    let boxes = 0;
    for (let k = 1; k < MOTION_FRAMES && boxes === 0; k += 2) {
      await page.getByTestId('frame-box').fill(String(k));
      await page.getByTestId('frame-box').press('Enter');
      await expect.poll(() => shownFrame(page)).toBe(k);
      boxes = Number(await page.locator('[data-testid=video-refined] canvas').getAttribute('data-boxes'));
    }
    expect(boxes).toBeGreaterThan(0);
    expect(await page.getByTestId('video-progress').textContent()).toMatch(/\d+\/\d+/);
    await shot('video-live');
    await page.getByTestId('video-cancel').click();
    await page.waitForSelector('[data-testid=video-view][data-job-state=cancelled]', { timeout: 60_000 });
    expect(await page.getByTestId('video-cancelled').textContent()).toContain('the last result stays in view');
    expect(await view().getAttribute('data-job-id')).toBe(before);
    expect(await page.getByTestId('track-refined').count()).toBe(1);
  }, 300_000);

  it('BOREx-3D to the end, then the annotated MP4: its frame count and duration equal the source\'s', async () => {
    await view().getByTestId('iterations').fill('20');
    await page.getByTestId('video-run').click();
    await page.waitForSelector('[data-testid=video-view][data-job-state=done]', { timeout: 240_000 });
    expect(await page.getByTestId('track-prior').count()).toBe(1);
    expect(await page.locator('[data-testid=video-prior] canvas').getAttribute('data-has-map')).toBe('true');
    await page.getByTestId('frame-box').fill('15'); // a frame with the square, sampled
    await page.getByTestId('frame-box').press('Enter');
    await expect.poll(() => shownFrame(page)).toBe(15);
    await page.setViewportSize({ width: 1600, height: 1300 });
    await shot('video-result');
    await page.setViewportSize({ width: 1600, height: 1000 });

    await page.getByTestId('export-layout').selectOption('prior-refined');
    await page.getByTestId('export-video').click();
    await page.waitForSelector('[data-testid=download-annotated\\.mp4]', { timeout: 120_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-annotated.mp4').click()]);
    expect(download.suggestedFilename()).toBe('annotated.mp4');
    const file = path.join(work, 'annotated.mp4');
    await download.saveAs(file);
    const [source, exported] = [await probeVideo(clip), await probeVideo(file)];
    expect(nbReadFrames(file)).toBe(nbReadFrames(clip));
    expect(exported.frameCount).toBe(source.frameCount);
    expect(exported.duration).toBeCloseTo(source.duration, 3);
    expect(exported.width).toBe(2 * source.width); // prior | refined
    // and the job's own files
    const [npy] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-saliency.npy').click()]);
    expect(npy.suggestedFilename()).toBe('saliency.npy');
  }, 300_000);

  it('windows (T 16, stride 24 over 48 frames): one result per window; frames no window covers are hatched, not zero', async () => {
    await page.getByTestId('video-input').setInputFiles(await squareClip(path.join(work, 'square-48.mp4'), -1, 24, 48));
    await expect.poll(() => view().getAttribute('data-frames'), { timeout: 30_000 }).toBe('48');
    await view().getByTestId('method').selectOption('rise');
    await (await masksField()).fill('200'); // RISE masks N: 3 clips
    await page.getByTestId('video-window').fill('16');
    await page.getByTestId('video-stride').fill('24');
    await page.getByTestId('video-run').click();
    await page.waitForSelector('[data-testid=video-view][data-job-state=done]', { timeout: 180_000 });
    const result = await resultOf((await view().getAttribute('data-job-id'))!);
    expect(result.sampling).toEqual({ window: 16, stride: 24 });
    expect(result.clips.map((c) => [c.frames[0], c.frames.at(-1)])).toEqual([[0, 15], [24, 39], [32, 47]]);
    expect(await page.getByTestId('track-refined').count()).toBe(1);
    expect(await page.getByTestId('scrubber').getAttribute('data-windows')).toBe('3');
    const refined = page.locator('[data-testid=video-refined] canvas');
    for (const [k, unseen] of [[5, 'false'], [30, 'false'], [45, 'false'], [20, 'true']] as const) {
      await page.getByTestId('frame-box').fill(String(k));
      await page.getByTestId('frame-box').press('Enter');
      await expect.poll(() => shownFrame(page)).toBe(k);
      expect(await refined.getAttribute('data-unseen')).toBe(unseen);
      expect(await refined.getAttribute('data-has-map')).toBe(unseen === 'true' ? 'false' : 'true');
    }
    expect(await page.getByTestId('video-refined-badge').textContent()).toBe('never seen by the model');
    await shot('video-windows');
    await page.getByTestId('video-stride').fill('');
    await page.getByTestId('video-window').fill('');
  }, 240_000);

  it('your own clip model (a copy of motion-v1 with its spec and labels) is listed and chosen in the video view', async () => {
    const dir = tempDir('borex-e2e-my-clip-');
    for (const ext of ['onnx', 'borex.json', 'labels.txt']) fs.copyFileSync(path.join(ROOT, `resources/models/motion-v1.${ext}`), path.join(dir, `my-motion.${ext}`));
    await page.getByTestId('video-model-input').setInputFiles(['onnx', 'borex.json', 'labels.txt'].map((ext) => path.join(dir, `my-motion.${ext}`)));
    await expect.poll(() => page.getByTestId('app-notice').textContent(), { timeout: 60_000 }).toMatch(/^Opened my-motion\.onnx: 4 classes/);
    await expect.poll(() => page.locator('[data-testid=video-model] option:checked').textContent(), { timeout: 60_000 }).toBe('my-motion.onnx (your model)');
    expect(await page.getByTestId('video-model').inputValue()).toMatch(/^user:/);
    // Photo models are not offered for a video.
    expect(await page.locator('[data-testid=video-model] option').allTextContents()).not.toContain('mobilenetv2-12-int8');
    await page.getByTestId('video-model').selectOption('motion-v1');
  });

  it('the proxy job shows its progress and can be cancelled, then made again; an export cancelled leaves no MP4', async () => {
    const avi = path.join(work, 'long-640.avi');
    spawnSync(binaryPath('ffmpeg'), ['-y', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25:duration=16', '-c:v', 'mpeg4', '-q:v', '5', avi]);
    await page.getByTestId('video-input').setInputFiles(avi);
    await page.waitForSelector('[data-testid=proxy-progress]', { timeout: 30_000 });
    expect(await page.getByTestId('proxy-progress').textContent()).toMatch(/Making an H\.264 proxy.*\/400 frames/);
    await page.getByTestId('cancel-proxy').click();
    await expect.poll(() => view().getAttribute('data-proxy-state'), { timeout: 30_000 }).toBe('cancelled');
    expect(await view().getAttribute('data-variant')).toBe('');
    await page.getByRole('button', { name: 'Make it again' }).click();
    await expect.poll(() => view().getAttribute('data-variant'), { timeout: 180_000 }).toBe('proxy');
    expect(await view().getAttribute('data-frames')).toBe('400');
    // An export of its 400 frames, cancelled while it runs: no MP4 to download.
    await view().getByTestId('method').selectOption('rise');
    await (await masksField()).fill('100');
    await page.getByTestId('video-run').click();
    await page.waitForSelector('[data-testid=video-view][data-job-state=done]', { timeout: 180_000 });
    await page.getByTestId('export-layout').selectOption('original-map');
    await page.getByTestId('export-video').click();
    await page.waitForSelector('[data-testid=export-progress]', { timeout: 60_000 });
    await page.getByTestId('export-cancel').click();
    await expect.poll(() => view().getAttribute('data-export-state'), { timeout: 60_000 }).toBe('cancelled');
    expect(await page.getByTestId('export-cancelled').textContent()).toBe('export cancelled');
    expect(await page.getByTestId('download-annotated.mp4').count()).toBe(0);
  }, 300_000);

  it('a video with a sample aspect ratio (demo.mp4: 340×256 stored, SAR 64:51) is shown at its display shape', async () => {
    await page.getByTestId('video-input').setInputFiles(asset(DEMO));
    await expect.poll(() => view().getAttribute('data-frames'), { timeout: 30_000 }).toBe('280');
    expect(await view().getAttribute('data-variant')).toBe('original');
    const canvas = page.locator('[data-testid=video-original] canvas');
    // 560 wide at 427:256 (Chromium's display width), not 340:256.
    expect(await canvas.getAttribute('height')).toBe(String(Math.round((560 * 256) / 427)));
    expect(await page.getByTestId('video-facts').textContent()).toContain('340×256 (shown 427 wide)');
  });

  it('an AVI plays through its proxy; a non-video drop and a broken .mp4 get messages naming them', async () => {
    await page.getByTestId('video-input').setInputFiles(asset(AVI));
    await expect.poll(() => page.getByTestId('video-name').textContent(), { timeout: 30_000 }).toBe('test.avi');
    await expect.poll(() => view().getAttribute('data-variant'), { timeout: 120_000 }).toBe('proxy');
    expect(await view().getAttribute('data-proxy-state')).toBe('done');
    const frames = Number(await view().getAttribute('data-frames'));
    expect(frames).toBe(164);
    // It plays: the players draw its frames and stepping moves through them.
    const original = page.locator('[data-testid=video-original] canvas');
    const first = await original.screenshot();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(() => shownFrame(page)).toBe(10);
    expect(Buffer.compare(first, await original.screenshot())).not.toBe(0);
    await shot('video-proxy');

    // A drop on the window, made in the page (as a string: the tests' own tsconfig has no DOM types).
    const drop = (name: string, text: string) =>
      page.evaluate(`(() => {
        const dt = new DataTransfer();
        dt.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      })()`);
    await drop('notes.txt', 'not a video');
    await expect.poll(() => page.getByTestId('app-notice').textContent()).toContain('notes.txt: not something BOREx Studio opens');
    await drop('square.tube.json', JSON.stringify(squareTube(-1))); // on the video tab: a tube file
    await expect.poll(() => page.getByTestId('tube-status').textContent(), { timeout: 30_000 }).toBe('square.tube.json: scored when the run ends');
    await drop('broken.mp4', 'this is text, not an MP4');
    await expect.poll(() => page.getByTestId('video-error').textContent(), { timeout: 30_000 }).toMatch(/^broken\.mp4: /);
    expect(problems).toEqual([]);
  }, 240_000);
});
