/**
 * Files for `borex video` / `borex batch` tests whose evidence is exact: a clip model that only
 * looks at a known tube and an MP4 whose frames are grey with a bright square.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodeVideo } from '../../src/engine/media/video/encode.ts';
import { CLIP_SPEC, weightedClipModel } from './synthetic-clip.ts';

/** A tube in model-input coordinates: sampled frames [t0, t1), rows [r0, r1), columns [c0, c1). */
export interface TubeBox {
  t: [number, number];
  r: [number, number];
  c: [number, number];
}

/** DIR/tube-model.onnx (logit 0 = 50 · the mean over the tube, labels tube/other) with its spec; returns its path. */
export function writeTubeModel(dir: string, T: number, H: number, W: number, tube: TubeBox): string {
  const weights = new Float32Array(3 * T * H * W);
  for (let ch = 0; ch < 3; ch++)
    for (let t = tube.t[0]; t < tube.t[1]; t++)
      for (let r = tube.r[0]; r < tube.r[1]; r++) for (let c = tube.c[0]; c < tube.c[1]; c++) weights[((ch * T + t) * H + r) * W + c] = 50;
  const model = path.join(dir, 'tube-model.onnx');
  fs.writeFileSync(model, weightedClipModel('NCTHW', T, H, W, weights));
  fs.writeFileSync(path.join(dir, 'tube-model.borex.json'), JSON.stringify({ ...CLIP_SPEC(T, H, W), output: 'logits', labels: ['tube', 'other'] }));
  return model;
}

/** A 25 fps MP4 of `count` grey (96) W×H frames with a bright (240) square on rows × cols of frames on[0]..on[1] (inclusive). */
export async function writeSquareClip(file: string, W: number, H: number, count: number, on: [number, number], rows: [number, number], cols: [number, number]): Promise<void> {
  const frames: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const f = new Uint8Array(W * H * 3).fill(96);
    if (k >= on[0] && k <= on[1]) for (let r = rows[0]; r < rows[1]; r++) f.fill(240, (r * W + cols[0]) * 3, (r * W + cols[1]) * 3);
    frames.push(f);
  }
  await encodeVideo(file, frames, { width: W, height: H, fps: 25 });
}
