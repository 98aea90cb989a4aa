/**
 * `borex video --method borex` writes the GP's posterior σ per voxel (uncertainty.npy, the shape of
 * saliency.npy: [T,H,W], or [clips,T,H,W] for windows), BO too, and a method without a GP none — a
 * later run in the same folder removes an earlier run's σ with its other results. A tiny clip
 * model (logit_0 = 50 · mean over a known tube) on an 8-frame MP4 made here, few iterations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSquareClip, writeTubeModel } from '../helpers/tube-clip-files.ts';
import { borex, readNpy, tempDir } from '../helpers/cli.ts';

const T = 4;
const H = 32;
const W = 32;
const N_FRAMES = 8;

let dir: string;
let model: string;
let clip: string;

beforeAll(async () => {
  dir = tempDir();
  model = writeTubeModel(dir, T, H, W, { t: [1, 3], r: [8, 20], c: [10, 24] });
  clip = path.join(dir, 'square.mp4');
  await writeSquareClip(clip, W, H, N_FRAMES, [2, 5], [8, 20], [10, 24]);
});

const quick = ['--masks', '40', '--grid', '4', '--iterations', '4', '--no-metrics'];

function sigmaOf(out: string): { shape: number[]; data: Float32Array } {
  const u = readNpy(path.join(out, 'uncertainty.npy'));
  // The GP's latent σ: its prior σ is 1, observations only lower it.
  expect(u.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  expect(Math.max(...u.data)).toBeGreaterThan(Math.min(...u.data));
  return u;
}

describe('borex video: uncertainty.npy', () => {
  it('BOREx-3D writes σ as [T,H,W] beside saliency.npy; a RISE run in the same folder removes it', () => {
    const out = path.join(dir, 'borex');
    const r = borex(['video', clip, '--model', model, '--method', 'borex', '--prior', 'rise', ...quick, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('uncertainty.npy');
    expect(readNpy(path.join(out, 'saliency.npy')).shape).toEqual([T, H, W]);
    expect(sigmaOf(out).shape).toEqual([T, H, W]);
    const rise = borex(['video', clip, '--model', model, '--method', 'rise', '--masks', '40', '--grid', '4', '--no-metrics', '--out', out, '--force']);
    expect(rise.code).toBe(0);
    expect(fs.existsSync(path.join(out, 'saliency.npy'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'uncertainty.npy'))).toBe(false);
  });

  it('windows give [clips,T,H,W]; BO writes σ too', () => {
    const out = path.join(dir, 'windows');
    const r = borex(['video', clip, '--model', model, '--method', 'bo', '--window', String(T), '--stride', String(T), '--iterations', '4', '--no-metrics', '--out', out]);
    expect(r.code).toBe(0);
    expect(readNpy(path.join(out, 'saliency.npy')).shape).toEqual([2, T, H, W]);
    expect(sigmaOf(out).shape).toEqual([2, T, H, W]);
  });
});
