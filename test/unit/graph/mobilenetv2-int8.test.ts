/**
 * The ONNX Model Zoo's quantised MobileNetV2 (shared asset, not in the repository): its head is
 * QLinearGlobalAveragePool -> Reshape -> QLinearMatMul -> QLinearAdd -> DequantizeLinear and the
 * float feature map is tensor `627` (DequantizeLinear of the quantised map the pooling reads).
 *
 * When the asset is missing the suite is skipped with a message, except under CI=true, where a
 * missing asset fails.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createCamSession, findCamHead } from '../../../src/engine/model/graph/index.ts';
import { checkReconstruction, computeCam, RECONSTRUCTION_TOLERANCE } from '../../../src/engine/methods/gradcam.ts';
import { ASSETS as SHARED_ASSETS } from '../../helpers/assets.ts';
import { maxAbsDiff, randomFloats } from './fixtures.ts';

// ../shared/assets (test/helpers/assets.ts); BOREX_SHARED_ASSETS overrides it (e.g. to see the skip)
const ASSETS = process.env.BOREX_SHARED_ASSETS ?? SHARED_ASSETS;
const INT8 = path.join(ASSETS, 'models/mobilenetv2-12-int8.onnx');
const FLOAT = path.join(ASSETS, 'models/mobilenetv2-float32.onnx');
const PHOTOS = ['images/darknet/dog.jpg', 'images/darknet/eagle.jpg'].map((p) => path.join(ASSETS, p));
const CI = process.env.CI === 'true';

const missing = [INT8, FLOAT, ...PHOTOS].filter((p) => !existsSync(p));
const skip = missing.length > 0 && !CI;
if (skip) console.warn(`SKIPPED MobileNetV2 white-box tests: shared asset(s) missing: ${missing.join(', ')} (set BOREX_SHARED_ASSETS; under CI=true this fails)`);

/** ImageNet preprocessing, plain 224 stretch (MANIFEST.md: "a plain 224 stretch also works"). */
async function loadPhoto(file: string): Promise<Float32Array> {
  const { data } = await sharp(file).removeAlpha().resize(224, 224, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const out = new Float32Array(3 * 224 * 224);
  for (let i = 0; i < 224 * 224; i++) for (let c = 0; c < 3; c++) out[c * 224 * 224 + i] = (data[3 * i + c] / 255 - mean[c]) / std[c];
  return out;
}

async function batchOfPhotos(): Promise<Float32Array> {
  const per = 3 * 224 * 224;
  const batch = new Float32Array(PHOTOS.length * per);
  for (let i = 0; i < PHOTOS.length; i++) batch.set(await loadPhoto(PHOTOS[i]), i * per);
  return batch;
}

const argmax = (a: ArrayLike<number>, off: number, n: number): number => {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[off + i] > a[off + best]) best = i;
  return best;
};

describe.skipIf(skip)('MobileNetV2 int8 (ONNX Model Zoo, shared asset)', () => {
  it('the assets are present (required under CI=true)', () => {
    expect(missing, `missing shared assets: ${missing.join(', ')}`).toEqual([]);
  });

  it('finds the quantised head with feature tensor 627', () => {
    const r = findCamHead(new Uint8Array(readFileSync(INT8)));
    if (!r.ok) throw new Error(r.message);
    expect(r.head.featureTensor).toBe('627');
    expect(r.head.ops).toEqual(['QLinearGlobalAveragePool', 'Reshape', 'QLinearMatMul', 'QLinearAdd', 'DequantizeLinear']);
    expect(r.head.channels).toBe(1280);
    expect(r.head.classes).toBe(1000);
    expect(r.head.rank).toBe(4);
    expect(r.head.quantised).toBe(true);
    expect(r.head.logitsTensor).toBe('output');
  });

  it('reconstructs the logits from mean(627)·W + b on real photos; the file is untouched', async () => {
    const before = createHash('sha256').update(readFileSync(INT8)).digest('hex');
    const mtime = statSync(INT8).mtimeMs;
    const session = await createCamSession(INT8);
    try {
      const out = await session.run(await batchOfPhotos(), [PHOTOS.length, 3, 224, 224]);
      expect(out.featureDims).toEqual([PHOTOS.length, 1280, 7, 7]);
      const rec = checkReconstruction(session.head, out.features, out.featureDims, out.logits);
      console.log(`MobileNetV2 int8 reconstruction on ${PHOTOS.length} photos: max abs error ${rec.maxAbsError.toFixed(4)}, mean ${rec.meanAbsError.toFixed(4)} (max |logit| ${rec.maxAbsLogit.toFixed(2)}, relative ${rec.relativeError.toExponential(2)}, allowed ${rec.allowed.toFixed(3)})`);
      expect(rec.ok).toBe(true);
      // the head's output is quantised with a step of 0.16 (output_scale) twice (QLinearMatMul, QLinearAdd)
      expect(rec.maxAbsError).toBeLessThan(0.25);
      expect(rec.meanAbsError).toBeLessThan(0.08);
      expect(rec.relativeError).toBeLessThan(0.02);
      // top-1 of the reconstruction agrees with the model's; the eagle is a bald eagle (22) and the
      // dog a sled dog (malamute 249 / Eskimo dog 248 / husky 250, depending on the resize filter)
      const top = [argmax(out.logits, 0, 1000), argmax(out.logits, 1000, 1000)];
      expect([argmax(rec.reconstructed, 0, 1000), argmax(rec.reconstructed, 1000, 1000)]).toEqual(top);
      expect([248, 249, 250]).toContain(top[0]);
      expect(top[1]).toBe(22);
      // a map for the dog
      const map = computeCam(session.head, out.features, out.featureDims, top[0], { method: 'gradcam++', size: [224, 224] });
      expect(map.length).toBe(224 * 224);
      expect(Math.max(...map)).toBe(1);
      expect(Math.min(...map)).toBe(0);
    } finally {
      await session.release();
    }
    expect(createHash('sha256').update(readFileSync(INT8)).digest('hex')).toBe(before);
    expect(statSync(INT8).mtimeMs).toBe(mtime);
  });

  it('the float32 MobileNetV2 head reconstructs its logits to float precision and gives a map close to the int8 one', async () => {
    const f = await createCamSession(FLOAT);
    const q = await createCamSession(INT8);
    try {
      expect(f.head.ops).toEqual(['GlobalAveragePool', 'Flatten', 'Gemm']);
      expect(f.head.quantised).toBe(false);
      const input = await loadPhoto(PHOTOS[0]);
      const fo = await f.run(input, [1, 3, 224, 224]);
      const rec = checkReconstruction(f.head, fo.features, fo.featureDims, fo.logits);
      console.log(`MobileNetV2 float32 reconstruction: max abs error ${rec.maxAbsError.toExponential(2)} (relative ${rec.relativeError.toExponential(2)})`);
      expect(rec.relativeError).toBeLessThan(1e-5);
      const qo = await q.run(input, [1, 3, 224, 224]);
      const mf = computeCam(f.head, fo.features, fo.featureDims, 249, { size: [224, 224] });
      const mq = computeCam(q.head, qo.features, qo.featureDims, 249, { size: [224, 224] });
      // same network, dequantised weights: the maps agree closely but not exactly
      let dot = 0, nf = 0, nq = 0;
      for (let i = 0; i < mf.length; i++) { dot += mf[i] * mq[i]; nf += mf[i] * mf[i]; nq += mq[i] * mq[i]; }
      const cosine = dot / Math.sqrt(nf * nq);
      console.log(`MobileNetV2 malamute Grad-CAM, float32 vs int8: cosine ${cosine.toFixed(4)}, max abs difference ${maxAbsDiff(mf, mq).toFixed(3)}`);
      expect(cosine).toBeGreaterThan(0.9);
    } finally {
      await f.release();
      await q.release();
    }
  });

  it('the reconstruction check refuses logits that do not belong to the features', async () => {
    const session = await createCamSession(INT8);
    try {
      const out = await session.run(randomFloats(3 * 224 * 224, 11, 2), [1, 3, 224, 224]);
      const other = await session.run(await loadPhoto(PHOTOS[0]), [1, 3, 224, 224]);
      const rec = checkReconstruction(session.head, out.features, out.featureDims, other.logits);
      expect(rec.ok).toBe(false);
      expect(rec.relativeError).toBeGreaterThan(RECONSTRUCTION_TOLERANCE.relative);
    } finally {
      await session.release();
    }
  });
});
