/**
 * Issue 15 item 4: what a q-batch BOREx round saves in the model. Times one classify() of 2q
 * images against q classify() calls of 2 images each (what q = 1 BOREx makes for the same q
 * observations), on the real ONNX model with the same session options as `borex batch`
 * (onnxruntime CPU, --threads). Inputs are random images; each timing is the median of --reps
 * repetitions after one warm-up, the two kinds interleaved so that machine load hits both alike.
 *
 *   node bin/run-ts.mjs tools/borex-findings/q-batch-model-time.ts --model NAME [--threads 1] [--q 4,8] [--reps 15]
 */
import { parseArgs } from 'node:util';
import '../../src/engine/no-telemetry.ts';
import { loadModel } from '../../src/engine/model/load.ts';
import { inputDims } from '../../src/engine/model/spec.ts';
import { elementCount } from '../../src/engine/tensor/dims.ts';

const { values: o } = parseArgs({ options: { model: { type: 'string' }, threads: { type: 'string' }, q: { type: 'string' }, reps: { type: 'string' } } });
if (!o.model) throw new Error('usage: q-batch-model-time.ts --model NAME [--threads 1] [--q 4,8] [--reps 15]');
const threads = Number(o.threads ?? 1);
const qs = (o.q ?? '4,8').split(',').map(Number);
const reps = Number(o.reps ?? 15);
const { classifier } = await loadModel(o.model, {}, { threads });
const size = elementCount(inputDims(classifier.spec));
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
let seed = 1;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;

console.log(`model ${o.model}, onnxruntime CPU, ${threads} thread(s), median of ${reps}`);
console.log('| q | one call of 2q images (ms) | q calls of 2 images (ms) | ratio one/q calls |');
console.log('|---:|---:|---:|---:|');
for (const q of qs) {
  const images = Float32Array.from({ length: 2 * q * size }, random);
  const one = async () => {
    const t = performance.now();
    await classifier.classify(images, 2 * q);
    return performance.now() - t;
  };
  const many = async () => {
    const t = performance.now();
    for (let j = 0; j < q; j++) await classifier.classify(images.subarray(2 * j * size, (2 * j + 2) * size), 2);
    return performance.now() - t;
  };
  await one();
  await many();
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < reps; r++) {
    a.push(await one());
    b.push(await many());
  }
  console.log(`| ${q} | ${median(a).toFixed(1)} | ${median(b).toFixed(1)} | ${(median(a) / median(b)).toFixed(3)} |`);
}
await classifier.dispose?.();
