/**
 * `borex merge OUT SHARD_RUN...`: joins the runs of `borex batch --shard i/n` (i = 0 … n−1) into
 * one run equal to the unsharded one: the same run.json spec (shard: null), items.jsonl with the
 * same lines in entry order (byte-identical to an unsharded run's), the maps, and timing.jsonl.
 *
 * Checks: every shard ran the same spec (location fields aside: shards may run on machines with
 * other mount points), shards i of one n, each at most once, each complete (all its entries done)
 * unless `allowPartial`. Maps are hard-linked when possible, else copied. items.jsonl is written
 * last, atomically: a merge that fails leaves no items.jsonl behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BorexError, usageError } from '../errors.ts';
import { inShard } from './batch-input.ts';
import { readItemsText, readRunManifest, readTimings, specDifference, RUN_FORMAT, RUN_VERSION, type ItemRecord, type RunManifest } from './run-store.ts';
import { writeFileAtomic } from './write-outputs.ts';

export interface MergeSummary {
  out: string;
  shards: number;
  entries: number;
  done: number;
  items: number;
  maps: number;
}

export function mergeRuns(outDir: string, shardDirs: string[], options: { allowPartial?: boolean } = {}): MergeSummary {
  if (shardDirs.length === 0) throw usageError('merge needs at least one shard run directory');
  const manifests = shardDirs.map(readRunManifest);
  const first = manifests[0];
  const count = first.shard?.count;
  const seen = new Map<number, string>();
  manifests.forEach((m, i) => {
    if (!m.shard) throw usageError(`${shardDirs[i]} is not a shard run (it was run without --shard)`);
    if (m.shard.count !== count) throw usageError(`${shardDirs[i]} is shard ${m.shard.index}/${m.shard.count}, but ${shardDirs[0]} is one of ${count}`);
    if (seen.has(m.shard.index)) throw usageError(`shard ${m.shard.index}/${count} given twice (${seen.get(m.shard.index)} and ${shardDirs[i]})`);
    seen.set(m.shard.index, shardDirs[i]);
    const diff = specDifference(first.spec, m.spec);
    if (diff) throw usageError(`${shardDirs[i]} ran another spec than ${shardDirs[0]} (${diff})`);
  });
  const missing = Array.from({ length: count! }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length && !options.allowPartial) throw usageError(`shards ${missing.map((i) => `${i}/${count}`).join(', ')} are missing; give all ${count} shard runs (or --allow-partial)`);

  const total = first.spec.input.entries;
  const lines: { rec: ItemRecord; line: string }[] = [];
  shardDirs.forEach((dir, i) => {
    const shard = manifests[i].shard!;
    const { records, lines: raw } = readItemsText(path.join(dir, 'items.jsonl'));
    const expected = Array.from({ length: total }, (_, e) => e).filter((e) => inShard(e, shard)).length;
    const done = new Set<number>();
    records.forEach((rec, k) => {
      if (!inShard(rec.entry, shard)) throw new BorexError('bad-input', `${dir}: entry ${rec.entry} does not belong to shard ${shard.index}/${shard.count}`);
      done.add(rec.entry);
      lines.push({ rec, line: raw[k] });
    });
    if (done.size < expected && !options.allowPartial) {
      throw usageError(`${dir} (shard ${shard.index}/${shard.count}) has ${done.size} of its ${expected} images done; finish it with borex batch ... --shard ${shard.index}/${shard.count} --resume (or --allow-partial)`);
    }
  });
  lines.sort((a, b) => a.rec.entry - b.rec.entry || a.rec.part - b.rec.part);

  const out = path.resolve(outDir);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) throw usageError(`${outDir} exists and is not empty; merge into a new directory`);
  fs.mkdirSync(out, { recursive: true });
  let maps = 0;
  shardDirs.forEach((dir) => {
    const mapsDir = path.join(dir, 'maps');
    if (!fs.existsSync(mapsDir)) return;
    for (const rel of listFiles(mapsDir)) {
      if (/^\..*\.tmp$/.test(path.basename(rel))) continue;
      const to = path.join(out, 'maps', rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      try {
        fs.linkSync(path.join(mapsDir, rel), to);
      } catch {
        fs.copyFileSync(path.join(mapsDir, rel), to);
      }
      maps++;
    }
  });
  const timings = shardDirs.flatMap((d) => readTimings(d)).sort((a, b) => a.entry - b.entry);
  if (timings.length) writeFileAtomic(path.join(out, 'timing.jsonl'), timings.map((t) => JSON.stringify(t) + '\n').join(''));
  const manifest: RunManifest = {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    kind: 'batch',
    spec: first.spec,
    shard: null,
    created: new Date().toISOString(),
    versions: first.versions,
    mergedFrom: shardDirs.map((d) => path.resolve(d)),
  };
  if (first.command) manifest.command = first.command;
  writeFileAtomic(path.join(out, 'run.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileAtomic(path.join(out, 'items.jsonl'), lines.map((l) => l.line + '\n').join(''));
  return { out, shards: shardDirs.length, entries: total, done: new Set(lines.map((l) => l.rec.entry)).size, items: lines.length, maps };
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, d.name);
    if (d.isDirectory()) out.push(...listFiles(path.join(dir, d.name), rel));
    else out.push(rel);
  }
  return out;
}
