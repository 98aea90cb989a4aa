/**
 * Class-matched pointing game per method of a batch run (share of items whose map maximum lies in
 * a box of the explained class; and with the 15 px tolerance). Writes a BENCHMARKS.md section.
 * Usage: node bin/run-ts.mjs bench/pointing-game.ts RUN_DIR
 */
import fs from 'node:fs';
import path from 'node:path';
import { machineLine, writeSection } from './machine.ts';

const run = process.argv[2];
const hits = new Map<string, { n: number; hit: number; tolerant: number }>();
for (const line of fs.readFileSync(path.join(run, 'items.jsonl'), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const item = JSON.parse(line);
  if (item.status !== 'ok') continue;
  for (const [method, r] of Object.entries(item.methods as Record<string, { status: string; metrics?: { pointingGame?: boolean; pointingGameTolerant?: boolean } }>)) {
    if (r.status !== 'ok' || r.metrics?.pointingGame === undefined) continue;
    const h = hits.get(method) ?? { n: 0, hit: 0, tolerant: 0 };
    h.n++;
    if (r.metrics.pointingGame) h.hit++;
    if (r.metrics.pointingGameTolerant) h.tolerant++;
    hits.set(method, h);
  }
}
const body = [
  '## Class-matched pointing game on the VOC subset (MobileNetV2 int8)',
  '',
  `Machine: ${machineLine()} · run \`${run}\` (the run of docs/results/voc-subset.md)`,
  '',
  '| method | items | hit | hit within 15 px |',
  '|---|---:|---:|---:|',
  ...[...hits].map(([m, h]) => `| \`${m}\` | ${h.n} | ${((100 * h.hit) / h.n).toFixed(1)}% | ${((100 * h.tolerant) / h.n).toFixed(1)}% |`),
  '',
  'Boxes of the explained class only. MANIFEST.md measured that the plain image centre falls inside some box in 82% of these photos, so these shares say little on their own; insertion, deletion and F are the graded measures.',
].join('\n');
await writeSection('pointing-game', body);
console.log(body);
