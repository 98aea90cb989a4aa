/**
 * Known-answer saliency with the project's own video model, motion-v1, through `borex video`: on
 * fixture clips whose moving object's box is known in every frame (tools/motion-model), the map's
 * mass per frame falls in that tube above chance, and BOREx-3D given a prior placed on a distractor
 * moves mass into the tube (and lowers deletion) over that prior.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeVideo } from '../../src/engine/media/video/encode.ts';
import { encodeNpy } from '../../src/engine/render/npy.ts';
import { borex, readNpy, ROOT, tempDir } from '../helpers/cli.ts';

const FIXTURES = path.join(ROOT, 'test/fixtures/video/motion');
const T = 16;
const S = 64;
type Boxes = Record<string, [number, number, number, number][]>;
const meta = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'clips.json'), 'utf8')) as { clips: { file: string; tube: string; label: string; distractorTube: Boxes }[] };

/** A [T,S,S] mask of the boxes (x0, y0, x1, y1 half-open) of each frame. */
function mask(boxes: Boxes): Uint8Array {
  const m = new Uint8Array(T * S * S);
  for (const [frame, list] of Object.entries(boxes))
    for (const [x0, y0, x1, y1] of list) for (let y = y0; y < y1; y++) m.fill(1, (Number(frame) * S + y) * S + x0, (Number(frame) * S + y) * S + x1);
  return m;
}

/**
 * The map's mass per frame inside the tube, as a multiple of chance: per frame, the share of the
 * mass above the frame's median that falls in the box, over the box's share of the frame; averaged
 * over frames (1 = no better than a map that ignores the object).
 */
function tubeMassRatio(map: Float32Array, tube: Uint8Array): number {
  const plane = S * S;
  let share = 0;
  let area = 0;
  for (let t = 0; t < T; t++) {
    const frame = Array.from(map.subarray(t * plane, (t + 1) * plane));
    const median = [...frame].sort((a, b) => a - b)[plane / 2];
    let inside = 0;
    let total = 0;
    let boxed = 0;
    frame.forEach((v, i) => {
      const mass = Math.max(v - median, 0);
      total += mass;
      if (tube[t * plane + i]) {
        inside += mass;
        boxed++;
      }
    });
    share += total > 0 ? inside / total : 0;
    area += boxed / plane;
  }
  return share / area;
}

let dir: string;
const clips: { name: string; video: string; tubeFile: string; tube: Uint8Array; distractor: Uint8Array; label: string }[] = [];

beforeAll(async () => {
  dir = tempDir();
  for (const c of meta.clips.slice(0, 3)) {
    const frames = readUint8Npy(path.join(FIXTURES, c.file));
    const video = path.join(dir, c.file.replace('.npy', '.mp4'));
    await encodeVideo(video, Array.from({ length: T }, (_, t) => frames.subarray(t * S * S * 3, (t + 1) * S * S * 3)), { width: S, height: S, fps: 16, crf: 0 });
    const tubeFile = path.join(FIXTURES, c.tube);
    clips.push({ name: c.file, video, tubeFile, tube: mask(JSON.parse(fs.readFileSync(tubeFile, 'utf8'))), distractor: mask(c.distractorTube), label: c.label });
  }
});

describe('motion-v1 through borex video', () => {
  // Thresholds sit below what was measured (docs/results/video.md has the runs): RISE-3D 3.0 / 1.8 / 2.2,
  // Grad-CAM++-3D 3.9 / 4.5 / 3.8 times chance on clips 00-02.
  for (const [method, extra, least] of [
    ['rise', ['--masks', '1000'], 1.5],
    ['gradcampp', [], 3],
  ] as const) {
    it(`classifies each clip by its motion and ${method} puts the map's mass per frame in the moving object`, () => {
      for (const c of clips) {
        const out = path.join(dir, `${method}-${c.name}`);
        const r = borex(['video', c.video, '--model', 'motion-v1', '--method', method, ...extra, '--seed', '0', '--tube', c.tubeFile, '--out', out, '--json']);
        expect(r.code, r.stderr).toBe(0);
        const result = JSON.parse(r.stdout);
        const clip = result.clips[0];
        expect(clip.label.name).toBe(c.label);
        expect(clip.frames).toEqual(Array.from({ length: T }, (_, i) => i));
        // motion-v1's spec names its occlusion baseline (the pixel's mean over the clip).
        expect(result.config.baseline).toBe('temporal-mean');
        expect(tubeMassRatio(readNpy(path.join(out, 'saliency.npy')).data, c.tube), `${method} ${c.name}`).toBeGreaterThan(least);
        expect(clip.metrics.fRp).toBeGreaterThan(0);
      }
    });
  }

  it('BOREx-3D refining a prior placed on a distractor moves mass into the moving object, with exactly 2 model calls an iteration', () => {
    const c = clips[0];
    const prior = new Float32Array(c.distractor);
    const priorFile = path.join(dir, 'distractor-prior.npy');
    fs.writeFileSync(priorFile, encodeNpy(prior, [T, S, S]));
    const out = path.join(dir, 'borex');
    const r = borex(['video', c.video, '--model', 'motion-v1', '--method', 'borex', '--prior', priorFile, '--seed', '0', '--tube', c.tubeFile, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const clip = JSON.parse(r.stdout).clips[0];
    expect(tubeMassRatio(prior, c.tube)).toBe(0);
    // Measured: 1.5 times chance; deletion 0.656 → 0.502, F_rp 0.0042 → 0.0085 (insertion 0.940 → 0.932: not raised).
    expect(tubeMassRatio(readNpy(path.join(out, 'saliency.npy')).data, c.tube)).toBeGreaterThan(1.2);
    expect(clip.metrics.deletion).toBeLessThan(clip.prior.metrics.deletion);
    expect(clip.metrics.fRp).toBeGreaterThan(clip.prior.metrics.fRp);
    expect(clip.borex.modelCalls).toBe(2 * 50);
    expect(clip.borex.samples).toHaveLength(50);
  });
});

function readUint8Npy(file: string): Uint8Array {
  const bytes = fs.readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  if (!header.includes("'|u1'")) throw new Error(`${file}: expected uint8 frames, header ${header}`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset + 10 + headerLength, T * S * S * 3);
}
