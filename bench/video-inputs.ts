/**
 * Inputs of the video benchmarks (bench/video.ts), made once in a temp folder through the engine's
 * own video layer and model wrapper (never a second ffmpeg spawn): the motion-v1 fixture clips as
 * MP4 with their tubes, a 1280×720 upscale of demo.mp4, and MobileNetV2 wrapped as a T-frame clip
 * model. Also the clip target every method explains, built by the item pipeline as `borex video`
 * builds it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodeVideo, probeVideo, streamFrames } from '../src/engine/media/video/index.ts';
import { writeClipModel } from '../src/engine/model/graph/clip-model-file.ts';
import type { Classifier } from '../src/engine/model/classifier.ts';
import { prepareClipInput, prepareVideo } from '../src/engine/pipeline/clip-input.ts';
import { itemTarget } from '../src/engine/pipeline/item.ts';
import type { ExplainTarget } from '../src/engine/methods/target.ts';

export const DEMO = '../shared/assets/video/mmaction2/demo.mp4';
const FIXTURES = 'test/fixtures/video/motion';

export interface MotionClip {
  name: string;
  video: string;
  tube: string;
  label: string;
}

/** A uint8 .npy body (the fixtures are [T,H,W,3] uint8, C order); only what the fixtures use. */
function readUint8Npy(file: string): { data: Uint8Array; shape: number[] } {
  const bytes = fs.readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  if (!header.includes("'|u1'")) throw new Error(`${file}: expected a uint8 .npy, header ${header}`);
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').filter((s) => s.trim()).map(Number);
  return { data: new Uint8Array(bytes.buffer, bytes.byteOffset + 10 + headerLength, shape.reduce((a, b) => a * b, 1)), shape };
}

/** The motion-v1 fixture clips (exact tubes) as near-lossless MP4s (crf 0) in `dir`. */
export async function motionClips(dir: string, count: number): Promise<MotionClip[]> {
  const meta = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'clips.json'), 'utf8')) as { clips: { file: string; tube: string; label: string }[] };
  const out: MotionClip[] = [];
  for (const c of meta.clips.slice(0, count)) {
    const { data, shape } = readUint8Npy(path.join(FIXTURES, c.file));
    const [T, H, W] = shape;
    const frame = H * W * 3;
    const video = path.join(dir, c.file.replace('.npy', '.mp4'));
    await encodeVideo(video, Array.from({ length: T }, (_, t) => data.subarray(t * frame, (t + 1) * frame)), { width: W, height: H, fps: 16, crf: 0 });
    out.push({ name: c.file.replace('.npy', ''), video, tube: path.join(FIXTURES, c.tube), label: c.label });
  }
  return out;
}

/** demo.mp4 upscaled to 1280×720 inside ffmpeg and re-encoded (ultrafast): the 720p decode input. */
export async function make720p(dir: string): Promise<string> {
  const info = await probeVideo(DEMO);
  const file = path.join(dir, 'demo-720p.mp4');
  const frames = (async function* () {
    for await (const f of streamFrames(DEMO, undefined, { info, size: { width: 1280, height: 720 }, reuse: true })) yield f.data;
  })();
  await encodeVideo(file, frames, { width: 1280, height: 720, fps: info.avgFrameRate, totalFrames: info.frameCount, preset: 'ultrafast' });
  return file;
}

/** MobileNetV2 (float32, real weights) wrapped as a `frames`-frame NCTHW clip model, in `dir`. */
export async function mobilenetClipModel(dir: string, frames: number): Promise<string> {
  const written = await writeClipModel('mobilenetv2-float32', { frames, out: path.join(dir, `mobilenetv2-clip${frames}.onnx`), force: true, env: process.env });
  return written.onnx;
}

/** The clip target of `video` for `classifier` (uniform T frames, the spec's baseline, the top class). */
export async function clipTarget(classifier: Classifier, video: string): Promise<ExplainTarget> {
  const prepared = await prepareVideo(classifier, video, video);
  const { input, probabilities } = await prepareClipInput(classifier, prepared, 0, video);
  let label = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[label]) label = i;
  return itemTarget(classifier, input, classifier.spec.baseline ?? 'mean', label);
}
