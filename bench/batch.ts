/**
 * `node bin/run-ts.mjs bench/batch.ts [IMAGES]`: throughput of `borex batch` with RISE + BOREx(RISE)
 * (preset paper, 50 iterations, insertion/deletion and F scored for both maps) on the first IMAGES
 * photos of ../shared/assets/voc2012-subset with MobileNetV2 int8, and the overhead of the run
 * store (writing the maps, appending and syncing items.jsonl) as a share of the batch's wall time.
 * Writes the 'batch' section of BENCHMARKS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listBatchInput } from '../src/engine/jobs/batch-input.ts';
import { resolveMethods } from '../src/engine/jobs/batch-methods.ts';
import { runBatch } from '../src/engine/jobs/batch.ts';
import { readTimings } from '../src/engine/jobs/run-store.ts';
import { loadModel } from '../src/engine/model/load.ts';
import { findLabelsFile } from '../src/engine/model/model-store.ts';
import { machineLine, writeSection } from './machine.ts';

process.env.BOREX_MODEL_DIR ??= '../shared/assets/models';
const VOC = path.resolve('../shared/assets/voc2012-subset');
const count = Number(process.argv[2] ?? 10);

const { resolved, classifier } = await loadModel('mobilenetv2-12-int8');
const input = listBatchInput(VOC);
input.entries = input.entries.slice(0, count);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-bench-batch-'));
const load0 = os.loadavg()[0];
console.log(`batch of ${count} VOC photos, rise + borex:rise, into ${out} …`);
const summary = await runBatch(
  classifier,
  { name: resolved.name, path: resolved.file, sha256: resolved.sha256 },
  {
    input,
    methods: resolveMethods('rise,borex:rise', { preset: 'paper', seed: 0 }),
    baseline: 'mean',
    resizeFilter: 'linear',
    metrics: { enabled: true, insertionStart: 'blur' },
    classMap: findLabelsFile('voc_imagenet_map.txt', [path.dirname(resolved.file)]),
    maps: 'npy',
  },
  path.join(out, 'run'),
  { resume: false, onEntry: (r, t, p) => console.log(`  [${p.done}/${p.total}] ${r.map((x) => x.key).join(', ')} ${(t.total_ms / 1000).toFixed(1)} s (store ${t.store_ms.toFixed(1)} ms)`) },
);
await classifier.dispose();
const load1 = os.loadavg()[0];
const timings = readTimings(path.join(out, 'run'));
const sum = (f: (t: (typeof timings)[0]) => number) => timings.reduce((a, t) => a + f(t), 0);
const methodSum = (k: 'ms' | 'model_ms' | 'gp_ms' | 'metrics_ms') => sum((t) => Object.values(t.methods).reduce((a, m) => a + m[k], 0));
const minutes = summary.elapsedMs / 60000;
const items = summary.items.ok;
const storeShare = summary.storeMs / summary.elapsedMs;
const mapBytes = fs
  .readdirSync(path.join(out, 'run/maps'), { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile())
  .reduce((a, d) => a + fs.statSync(path.join(d.parentPath, d.name)).size, 0);
fs.rmSync(out, { recursive: true, force: true });

const body = [
  '## Batch runs: RISE + BOREx(RISE) on VOC photos (`bench/batch.ts`)',
  '',
  `Machine: ${machineLine()} · load average ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at the end (the machine is shared; other jobs ran alongside)`,
  '',
  `\`borex batch\` over the first ${count} photos of voc2012-subset, MobileNetV2 int8 (onnxruntime, ${os.cpus().length} threads), methods \`rise,borex:rise\` (preset paper: RISE N=100 s=8 p1=0.3 shared as the prior; BOREx 50 iterations), both maps scored (insertion/deletion at 224 steps, F against the class's boxes), maps written as .npy.`,
  '',
  '| measure | value |',
  '|---|---:|',
  `| images | ${summary.processed} (${items} items, ${summary.items.noItem} without an item) |`,
  `| wall time | ${(summary.elapsedMs / 1000).toFixed(1)} s |`,
  `| **images per minute** | **${(summary.processed / minutes).toFixed(2)}** |`,
  `| items per minute | ${(items / minutes).toFixed(2)} |`,
  `| per item: model time / GP time / scoring time | ${(methodSum('model_ms') / items / 1000).toFixed(1)} s / ${(methodSum('gp_ms') / items / 1000).toFixed(1)} s / ${(methodSum('metrics_ms') / items / 1000).toFixed(1)} s |`,
  `| run store time (maps + items.jsonl append + fdatasync) | ${summary.storeMs.toFixed(0)} ms for ${(mapBytes / 2 ** 20).toFixed(1)} MiB of maps |`,
  `| **run store overhead** | **${(storeShare * 100).toFixed(3)}% of batch time** (limit: 2%) |`,
].join('\n');
console.log(body);
await writeSection('batch', body);
