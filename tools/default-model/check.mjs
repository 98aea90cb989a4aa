// Checks the default model with onnxruntime-node (run from the repo: node tools/default-model/check.mjs):
// loads resources/models/shapes-v1.onnx with its spec, re-measures the accuracy of the fixture
// test/fixtures/default-model/testset (one batch: exercises the dynamic batch dimension) against
// the python-measured numbers in labels.json, and classifies the demo samples (224 -> 112 with
// sharp's linear resize, as the app's `stretch` preprocessing does).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import sharp from 'sharp';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const models = join(repo, 'resources', 'models');
const spec = JSON.parse(readFileSync(join(models, 'shapes-v1.borex.json'), 'utf8'));
const labels = readFileSync(join(models, spec.labels), 'utf8').trim().split('\n');

async function tensorFor(path) {
  const { data } = await sharp(path)
    .removeAlpha()
    .resize(spec.width, spec.height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = spec.width * spec.height;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) out[c * plane + i] = (data[i * 3 + c] / 255 - spec.mean[c]) / spec.std[c];
  }
  return out;
}

async function run(session, tensors) {
  const n = tensors.length;
  const plane = 3 * spec.width * spec.height;
  const batch = new Float32Array(n * plane);
  tensors.forEach((t, i) => batch.set(t, i * plane));
  const feeds = { [spec.inputName]: new ort.Tensor('float32', batch, [n, 3, spec.height, spec.width]) };
  const out = (await session.run(feeds))[spec.outputName];
  const c = out.dims[1];
  return Array.from({ length: n }, (_, i) => Array.from(out.data.subarray(i * c, (i + 1) * c)));
}

const argmax = (v) => v.indexOf(Math.max(...v));
const softmax = (v) => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

const session = await ort.InferenceSession.create(join(models, 'shapes-v1.onnx'));
console.log('inputs', session.inputNames, 'outputs', session.outputNames, 'labels', labels.join(','));

const fxDir = join(repo, 'test', 'fixtures', 'default-model', 'testset');
const fx = JSON.parse(readFileSync(join(fxDir, 'labels.json'), 'utf8'));
const logits = await run(session, await Promise.all(fx.items.map((it) => tensorFor(join(fxDir, it.file)))));
let correct = 0;
let samePred = 0;
let maxDiff = 0;
fx.items.forEach((it, i) => {
  const p = argmax(logits[i]);
  if (p === it.labelIndex) correct++;
  if (p === it.predicted) samePred++;
  logits[i].forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - it.logits[j]))));
});
console.log(
  `fixture: onnxruntime-node accuracy ${correct / fx.count} (${correct}/${fx.count}), python ${fx.accuracy}; ` +
    `same prediction ${samePred}/${fx.count}; max |logit diff| ${maxDiff.toExponential(2)}`,
);

const smDir = join(repo, 'resources', 'samples');
const sm = JSON.parse(readFileSync(join(smDir, 'samples.json'), 'utf8'));
const sl = await run(session, await Promise.all(sm.map((s) => tensorFor(join(smDir, s.file)))));
sm.forEach((s, i) => {
  const p = softmax(sl[i]);
  const k = argmax(p);
  console.log(`${s.file}: label ${s.label}, predicted ${labels[k]} p=${p[k].toFixed(3)} (python ${s.pythonProbability})`);
});
const ok = correct === fx.correct && samePred === fx.count && sm.every((s, i) => argmax(sl[i]) === s.labelIndex);
console.log(ok ? 'OK' : 'MISMATCH');
process.exit(ok ? 0 : 1);
