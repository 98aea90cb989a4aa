#!/usr/bin/env node
/**
 * Compares two captures of tools/same-results/capture.sh: every file's bytes, except that
 * result.json, run.json and timing.jsonl are compared as JSON without their timing, dates,
 * versions and the absolute paths of the capture folder. Prints one line per difference and
 * exits 1 if there is any, 0 (with "no difference") if there is none.
 */
import fs from 'node:fs';
import path from 'node:path';

const [a, b] = process.argv.slice(2).map((p) => path.resolve(p));
if (!a || !b) {
  console.error('usage: compare.mjs BEFORE AFTER');
  process.exit(2);
}

/** Files under dir (relative paths), links followed only for the captured outputs, not the linked photos. */
function files(dir, rel = '') {
  const out = [];
  for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, d.name);
    if (d.isDirectory()) out.push(...files(dir, r));
    else if (d.isFile()) out.push(r);
  }
  return out.sort();
}

const VOLATILE = new Set(['timing', 'versions', 'created', 'command', 'at', 'pid', 'elapsedMs', 'storeMs']);
function normalise(value, root) {
  if (Array.isArray(value)) return value.map((v) => normalise(v, root));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !VOLATILE.has(k) && !k.endsWith('_ms')).map(([k, v]) => [k, normalise(v, root)]));
  }
  return typeof value === 'string' ? value.split(root).join('<capture>') : value;
}

function jsonText(file, root) {
  const text = fs.readFileSync(file, 'utf8');
  const docs = file.endsWith('.jsonl') ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [JSON.parse(text)];
  return docs.map((d) => JSON.stringify(normalise(d, root))).join('\n');
}

const fa = files(a);
const fb = files(b);
const diffs = [];
for (const f of new Set([...fa, ...fb])) {
  if (!fa.includes(f)) diffs.push(`only in ${b}: ${f}`);
  else if (!fb.includes(f)) diffs.push(`only in ${a}: ${f}`);
  else if (f.endsWith('timing.jsonl') || f.endsWith('run.lock')) continue;
  else if (/\.(json|jsonl)$/.test(f)) {
    if (jsonText(path.join(a, f), a) !== jsonText(path.join(b, f), b)) diffs.push(`differs (JSON, timing and versions aside): ${f}`);
  } else if (/\.(md|csv|html)$/.test(f)) {
    const t = (root, p) => fs.readFileSync(p, 'utf8').split(root).join('<capture>');
    if (t(a, path.join(a, f)) !== t(b, path.join(b, f))) diffs.push(`differs (text): ${f}`);
  } else if (!fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f)))) diffs.push(`differs (bytes): ${f}`);
}
const compared = new Set([...fa, ...fb]).size;
for (const d of diffs) console.log(d);
console.log(diffs.length === 0 ? `no difference in ${compared} files` : `${diffs.length} differences in ${compared} files`);
process.exit(diffs.length === 0 ? 0 : 1);
