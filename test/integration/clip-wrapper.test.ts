/**
 * MobileNetV2 (shared assets) as a clip classifier: the wrapped graph's logits on a clip of real
 * frames equal the image model's per-frame logits averaged (T = 4 photos; T = 16 frames of
 * mmaction2's demo.mp4 decoded by the video layer), for a batch of two clips; its 5-D feature map
 * is [N,1280,T,7,7] and mean·W + b gives the logits; the int8 model wraps with a float head and is
 * measured against its own per-frame logits; `borex models wrap-video` writes a model onnxruntime
 * and the model loader open, and refuses to overwrite it.
 */
import fs from 'node:fs';
import path from 'node:path';
import '../../src/engine/no-telemetry.ts'; // before onnxruntime: no telemetry
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/engine/image/preprocess.ts';
import { decodeFrames, probeVideo } from '../../src/engine/media/video/index.ts';
import { CLIP_FEATURES, CLIP_INPUT, wrapAsClipModel } from '../../src/engine/model/graph/clip-wrapper.ts';
import { createCamSession, SAME_ON_EVERY_CPU } from '../../src/engine/model/graph/index.ts';
import { loadModel } from '../../src/engine/model/load.ts';
import { TORCHVISION_DEFAULTS } from '../../src/engine/model/spec.ts';
import { asset, assetStatus } from '../helpers/assets.ts';
import { borex, tempDir } from '../helpers/cli.ts';

const FLOAT = 'models/mobilenetv2-float32.onnx';
const INT8 = 'models/mobilenetv2-12-int8.onnx';
const PHOTOS = ['images/darknet/dog.jpg', 'images/darknet/eagle.jpg', 'images/darknet/giraffe.jpg', 'images/darknet/horses.jpg'];
const VIDEO = 'video/mmaction2/demo.mp4';
const status = assetStatus(FLOAT, INT8, VIDEO, 'labels/imagenet1k_classes_ILSVRC2012.txt', ...PHOTOS);
const S = 224;
const PLANE = S * S;
const SPEC = { ...TORCHVISION_DEFAULTS, resize: 'stretch' as const, cropFraction: 1 };

/** Frames (CHW normalised, each 3·224·224) as one clip [1,3,T,224,224] (NCTHW). */
function clipOf(frames: Float32Array[]): Float32Array {
  const t = frames.length;
  const clip = new Float32Array(3 * t * PLANE);
  frames.forEach((f, i) => {
    for (let c = 0; c < 3; c++) clip.set(f.subarray(c * PLANE, (c + 1) * PLANE), (c * t + i) * PLANE);
  });
  return clip;
}

async function photoFrames(): Promise<Float32Array[]> {
  return Promise.all(PHOTOS.map(async (p) => {
    const { data } = await sharp(asset(p)).removeAlpha().resize(S, S, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    return normalise(data, S, S, SPEC);
  }));
}

async function videoFrames(t: number): Promise<Float32Array[]> {
  const info = await probeVideo(asset(VIDEO));
  const indices = Array.from({ length: t }, (_, i) => Math.floor(((i + 0.5) * info.frameCount) / t));
  const rgb = await decodeFrames(asset(VIDEO), indices, { size: { width: S, height: S }, info });
  return rgb.map((f) => normalise(f, S, S, SPEC));
}

/** The image model's logits for each frame, in one batch. */
async function imageLogits(session: ort.InferenceSession, frames: Float32Array[]): Promise<Float32Array> {
  const batch = new Float32Array(frames.length * 3 * PLANE);
  frames.forEach((f, i) => batch.set(f, i * 3 * PLANE));
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', batch, [frames.length, 3, S, S]) });
  return out[session.outputNames[0]].data as Float32Array;
}

function meanOverFrames(logits: Float32Array, t: number, classes: number): Float64Array {
  const mean = new Float64Array(classes);
  for (let f = 0; f < t; f++) for (let j = 0; j < classes; j++) mean[j] += logits[f * classes + j] / t;
  return mean;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>, offsetA = 0): number => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[offsetA + i] - b[i]));
  return m;
};

describe.skipIf(status.skip)('MobileNetV2 as a clip classifier (shared assets)', () => {
  const floatBytes = () => new Uint8Array(fs.readFileSync(asset(FLOAT)));

  for (const [what, frames, t] of [['4 real photos', photoFrames, 4], ['16 frames of demo.mp4', () => videoFrames(16), 16]] as const) {
    it(`T = ${t} (${what}), N = 2: logits = per-frame logits averaged (≤ 1e-5); the 5-D map is [2,1280,${t},7,7] and mean·W + b gives the logits`, async () => {
      const f = await frames();
      const image = await ort.InferenceSession.create(floatBytes(), { executionProviders: ['cpu'] });
      const perFrame = await imageLogits(image, f);
      await image.release();
      const want = meanOverFrames(perFrame, t, 1000);

      const wrap = wrapAsClipModel(floatBytes(), { frames: t });
      const session = await createCamSession(wrap.bytes);
      expect(session.head.featureTensor).toBe(CLIP_FEATURES);
      // two clips: the frames, and the frames reversed in time (the same mean, another layout in memory)
      const one = clipOf(f);
      const clips = new Float32Array(2 * one.length);
      clips.set(one, 0);
      clips.set(clipOf([...f].reverse()), one.length);
      const r = await session.run(clips, [2, 3, t, S, S]);
      await session.release();
      expect(r.featureDims).toEqual([2, 1280, t, 7, 7]);
      expect(r.outputDims).toEqual([2, 1000]);
      const diff = Math.max(maxAbs(r.logits, want, 0), maxAbs(r.logits, want, 1000));
      console.log(`MobileNetV2 float, T=${t} (${what}): clip logits vs per-frame logits averaged, max |diff| ${diff.toExponential(3)} (max |logit| ${Math.max(...Array.from(want, Math.abs)).toFixed(3)})`);
      expect(diff).toBeLessThanOrEqual(1e-5);

      // mean over (T,7,7) of the 5-D map, times the head's W, plus b
      const { weights, bias } = session.head;
      const cells = t * 49;
      let headDiff = 0;
      for (let n = 0; n < 2; n++) {
        const pooled = new Float64Array(1280);
        for (let k = 0; k < 1280; k++) {
          const base = (n * 1280 + k) * cells;
          let s = 0;
          for (let i = 0; i < cells; i++) s += r.features[base + i];
          pooled[k] = s / cells;
        }
        for (let c = 0; c < 1000; c++) {
          let s = bias[c];
          for (let k = 0; k < 1280; k++) s += pooled[k] * weights[k * 1000 + c];
          headDiff = Math.max(headDiff, Math.abs(s - r.logits[n * 1000 + c]));
        }
      }
      console.log(`  mean over (T,7,7) of clip_features · W + b vs the clip logits: max |diff| ${headDiff.toExponential(3)}`);
      expect(headDiff).toBeLessThanOrEqual(1e-4);
    }, 120_000);
  }

  it('the int8 model wraps with its head rebuilt in float; measured against its own per-frame logits', async () => {
    const bytes = new Uint8Array(fs.readFileSync(asset(INT8)));
    const f = await photoFrames();
    const image = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], extra: SAME_ON_EVERY_CPU }); // as the engine opens it
    const perFrame = await imageLogits(image, f);
    await image.release();
    const want = meanOverFrames(perFrame, 4, 1000);
    const wrap = wrapAsClipModel(bytes, { frames: 4 });
    expect(wrap.dequantisedHead).toBe(true);
    expect(wrap.imageHead.featureTensor).toBe('627');
    const session = await createCamSession(wrap.bytes);
    expect(session.head.ops).toEqual(['GlobalAveragePool', 'Flatten', 'Gemm']);
    const r = await session.run(clipOf(f), [1, 3, 4, S, S]);
    await session.release();
    expect(r.featureDims).toEqual([1, 1280, 4, 7, 7]);
    const diff = maxAbs(r.logits, want);
    const scale = Math.max(...Array.from(want, Math.abs));
    const top = (a: ArrayLike<number>) => Array.from(a).map((v, i) => [v, i]).sort((x, y) => y[0] - x[0]).slice(0, 5).map((x) => x[1]);
    console.log(`MobileNetV2 int8, T=4: clip logits vs per-frame logits averaged, max |diff| ${diff.toFixed(4)} = ${(100 * diff / scale).toFixed(2)}% of max |logit| ${scale.toFixed(3)}; top-5 ${top(r.logits)} vs ${top(want)}`);
    expect(diff / scale).toBeLessThan(0.05);
    expect(top(r.logits)[0]).toBe(top(want)[0]);
  }, 120_000);

  it('borex models wrap-video writes a model onnxruntime and the loader open, with its sidecar and labels; refuses to overwrite', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'mnv2-clip8.onnx');
    const env = { BOREX_MODEL_DIR: path.dirname(asset(FLOAT)) };
    const r = borex(['models', 'wrap-video', 'mobilenetv2-float32', '--frames', '8', '--out', out], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote .*mnv2-clip8\.onnx: input clip \[N,3,8,224,224\] -> output \[N,1000\], feature map clip_features \[N,1280,8,h,w\]/);
    expect(fs.readdirSync(dir).sort()).toEqual(['mnv2-clip8.borex.json', 'mnv2-clip8.labels.txt', 'mnv2-clip8.onnx']);
    const spec = JSON.parse(fs.readFileSync(path.join(dir, 'mnv2-clip8.borex.json'), 'utf8'));
    expect(spec).toMatchObject({
      layout: 'NCTHW', frames: 8, height: 224, width: 224, resize: 'shorter-side-crop', cropFraction: 0.875, channelOrder: 'RGB',
      valueRange: [0, 1], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], output: 'logits', sampling: 'uniform', labels: 'mnv2-clip8.labels.txt',
      wrappedFrom: { model: 'mobilenetv2-float32.onnx', featureTensor: '/features/features.18/features.18.2/Clip_output_0', dequantisedHead: false },
    });
    expect(fs.readFileSync(path.join(dir, 'mnv2-clip8.labels.txt'), 'utf8')).toBe(fs.readFileSync(asset('labels/imagenet1k_classes_ILSVRC2012.txt'), 'utf8'));

    const session = await ort.InferenceSession.create(out);
    expect(session.inputNames).toEqual([CLIP_INPUT]);
    expect(session.outputNames).toEqual(['output']);
    await session.release();
    const { classifier, resolved } = await loadModel(out);
    expect(resolved.spec.layout).toBe('NCTHW');
    expect(classifier.numClasses).toBe(1000);
    expect(classifier.labels[0]).toMatch(/tench/);
    await classifier.dispose();

    const again = borex(['models', 'wrap-video', 'mobilenetv2-float32', '--frames', '8', '--out', out], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/mnv2-clip8\.onnx, .*mnv2-clip8\.borex\.json, .*mnv2-clip8\.labels\.txt already exist; give --force to overwrite/);
    const forced = borex(['models', 'wrap-video', 'mobilenetv2-float32', '--frames', '8', '--out', out, '--force'], env);
    expect(forced.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['mnv2-clip8.borex.json', 'mnv2-clip8.labels.txt', 'mnv2-clip8.onnx']);
  }, 180_000);

  it('borex models wrap-video refuses a model without a GAP + linear head, naming the file and what it found, and writes nothing', () => {
    const dir = tempDir();
    const model = path.resolve('test/fixtures/graph/mobilenet_v3_small.onnx');
    const r = borex(['models', 'wrap-video', model, '--out', path.join(dir, 'x.onnx')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${model}: cannot be wrapped as a clip classifier: this model's head is not GAP + linear`);
    expect(r.stderr).toMatch(/found: output <- Gemm/);
    expect(fs.readdirSync(dir)).toEqual([]);
    const usage = borex(['models', 'wrap-video', model, '--frames', '0']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--frames must be an integer ≥ 1, got "0"/);
  });
});
