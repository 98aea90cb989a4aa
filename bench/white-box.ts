/**
 * Time of a Grad-CAM++ prior (one model call with the feature map + the closed form) per image,
 * next to RISE's paper-prior and default presets, on the same image in the same run.
 * Usage: node bin/run-ts.mjs bench/white-box.ts
 */
import { explainImage } from '../src/engine/jobs/explain.ts';
import { riseParamsFor, type MethodConfig } from '../src/engine/methods/config.ts';
import { loadModel } from '../src/engine/model/load.ts';
import { machineLine, writeSection } from './machine.ts';

process.env.BOREX_MODEL_DIR ??= '../shared/assets/models';
const IMAGES = ['dog.jpg', 'eagle.jpg', 'giraffe.jpg', 'horses.jpg', 'kite.jpg'].map((f) => `../shared/assets/images/darknet/${f}`);
const { resolved, classifier } = await loadModel('mobilenetv2-12-int8');
const model = { name: resolved.name, path: resolved.file, sha256: resolved.sha256 };
const methods: [string, MethodConfig][] = [
  ['Grad-CAM++', { method: 'gradcampp', preset: 'paper', seed: 0, rise: riseParamsFor('paper') }],
  ['RISE paper-prior (N=100)', { method: 'rise', preset: 'paper', seed: 0, rise: riseParamsFor('paper') }],
  ['RISE default (N=4000)', { method: 'rise', preset: 'default', seed: 0, rise: riseParamsFor('default') }],
];
// Warm-up: opens the white-box session once (graph parsing, second onnxruntime session).
await explainImage(classifier, model, { image: IMAGES[0], config: methods[0][1], baseline: 'mean', metrics: { enabled: false } });
const rows: string[] = [];
for (const [name, config] of methods) {
  const times: number[] = [];
  for (const image of IMAGES) {
    const { result } = await explainImage(classifier, model, { image, config, baseline: 'mean', metrics: { enabled: false } });
    times.push(result.timing.total_ms);
  }
  times.sort((a, b) => a - b);
  rows.push(`| ${name} | ${(times[2] / 1000).toFixed(3)} |`);
  console.log(name, times.map((t) => t.toFixed(0)).join(' '));
}
const body = [
  '## White-box prior time (MobileNetV2 int8)',
  '',
  `Machine: ${machineLine()}`,
  '',
  'Median over the five darknet photos of one `explain` job without metrics (decode, preprocess, classify, the map). Grad-CAM++ = one extra model call on an in-memory copy of the graph with the feature map `627` as an output, then the closed form; its session is opened once per model (warm-up not counted).',
  '',
  '| prior | seconds per image |',
  '|---|---:|',
  ...rows,
].join('\n');
await writeSection('white-box', body);
await classifier.dispose();
console.log(body);
