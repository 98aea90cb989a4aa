#!/usr/bin/env node
/**
 * resources/labels/voc_imagenet_map.txt: which of the bundled model's 1000 ImageNet classes stand
 * for which of Pascal VOC's 20 classes, derived from the WordNet 3.0 noun hierarchy that ImageNet's
 * classes are synsets of (Debian's wordnet-base package, /usr/share/wordnet/data.noun; Princeton's
 * WordNet licence), not copied from ../shared/assets/labels.
 *
 *   1. Each ImageNet class line of resources/models/mobilenetv2-12-int8.labels.txt ("tench, Tinca
 *      tinca") is the synset whose words are exactly those (case and underscores aside). Where several
 *      synsets have the same words ("crane": the bird and the machine), the class is the one whose
 *      offset lies between its neighbours' (ILSVRC-2012 numbers its classes in WordNet id order);
 *      one still undecided is left out unless every candidate falls under the same VOC class.
 *   2. Each VOC class is the first (most frequent) noun sense of its name in index.noun. VOC joins
 *      three names that WordNet spells as two words: SPELLING below says how (it is spelling only:
 *      which ImageNet classes fall under them is still derived).
 *   3. An ImageNet class goes to the VOC class whose synset is among its hypernyms (`@` and `@i`
 *      pointers, followed to the root); one under two VOC classes is left out.
 *
 *   node tools/voc-imagenet-map/make.mjs           write the file
 *   node tools/voc-imagenet-map/make.mjs --check   make it again and compare with the committed one
 *   (apt-get install wordnet-base first; WORDNET_DIR overrides /usr/share/wordnet)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WORDNET = process.env.WORDNET_DIR ?? '/usr/share/wordnet';
const LABELS = path.join(ROOT, 'resources/models/mobilenetv2-12-int8.labels.txt');
const OUT = path.join(ROOT, 'resources/labels/voc_imagenet_map.txt');
export const VOC_CLASSES = ['aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor'];
/** VOC's joined names as WordNet spells them. */
export const SPELLING = { diningtable: 'dining_table', pottedplant: 'pot_plant', tvmonitor: 'television_monitor' };

const norm = (w) => w.toLowerCase().replace(/_/g, ' ').replace(/\([a-z]+\)$/, '').trim();

/** data.noun → offset → { words, hypernyms }. */
function readNouns(file) {
  const synsets = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!/^\d{8} /.test(line)) continue; // the licence header starts with spaces
    const f = line.split(' | ')[0].split(' ');
    const offset = f[0];
    const wCnt = parseInt(f[3], 16);
    const words = [];
    for (let i = 0; i < wCnt; i++) words.push(norm(f[4 + 2 * i]));
    let k = 4 + 2 * wCnt;
    const pCnt = Number(f[k++]);
    const hypernyms = [];
    for (let i = 0; i < pCnt; i++, k += 4) if ((f[k] === '@' || f[k] === '@i') && f[k + 2] === 'n') hypernyms.push(f[k + 1]);
    synsets.set(offset, { words, hypernyms });
  }
  return synsets;
}

/** index.noun → lemma → its noun synsets in sense order. */
function readIndex(file) {
  const index = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line || line.startsWith(' ')) continue;
    const f = line.trim().split(' ');
    const pCnt = Number(f[3]);
    const senses = Number(f[2]);
    index.set(f[0], f.slice(4 + pCnt + 2, 4 + pCnt + 2 + senses));
  }
  return index;
}

function ancestors(synsets, offset) {
  const seen = new Set();
  const todo = [offset];
  while (todo.length) {
    const o = todo.pop();
    if (seen.has(o)) continue;
    seen.add(o);
    todo.push(...(synsets.get(o)?.hypernyms ?? []));
  }
  return seen;
}

/** The map as lines, and what was left out (with why), from the WordNet files and the labels. */
export function makeMap(wordnetDir = WORDNET, labelsFile = LABELS) {
  const synsets = readNouns(path.join(wordnetDir, 'data.noun'));
  const index = readIndex(path.join(wordnetDir, 'index.noun'));
  const byWords = new Map();
  for (const [offset, s] of synsets) {
    const key = [...s.words].sort().join('|');
    byWords.set(key, [...(byWords.get(key) ?? []), offset]);
  }
  const roots = new Map();
  for (const voc of VOC_CLASSES) {
    const lemma = SPELLING[voc] ?? voc;
    const senses = index.get(lemma);
    if (!senses?.length) throw new Error(`${voc}: "${lemma}" is not a noun in ${wordnetDir}/index.noun`);
    roots.set(senses[0], voc);
  }
  const labels = fs.readFileSync(labelsFile, 'utf8').split('\n').filter((l) => l.trim());
  const spelled = labels.map((label) => byWords.get(label.split(', ').map(norm).sort().join('|')) ?? []);
  // ILSVRC-2012 numbers its classes in the order of their WordNet ids (n + offset): a class that two
  // synsets spell alike is the one whose offset lies between its neighbours' ("crane" 134 the bird, 517 the machine).
  const known = spelled.map((c) => (c.length === 1 ? c[0] : undefined));
  const between = (i) => {
    const before = known.slice(0, i).filter(Boolean).at(-1) ?? '00000000';
    const after = known.slice(i + 1).find(Boolean) ?? '99999999';
    return spelled[i].filter((c) => c > before && c < after);
  };
  const lines = [];
  const leftOut = [];
  labels.forEach((label, i) => {
    const candidates = spelled[i].length > 1 && between(i).length === 1 ? between(i) : spelled[i];
    if (candidates.length === 0) return leftOut.push(`${i} ${label}: no synset has these words`);
    const vocs = new Set(candidates.map((c) => [...ancestors(synsets, c)].filter((a) => roots.has(a)).map((a) => roots.get(a)).join('+')));
    if (vocs.size > 1) return leftOut.push(`${i} ${label}: ${candidates.length} synsets, under ${[...vocs].map((v) => v || 'no VOC class').join(' / ')}`);
    const [voc] = vocs;
    if (!voc) return;
    if (voc.includes('+')) return leftOut.push(`${i} ${label}: under ${voc}`);
    lines.push(`${i} ${voc}`);
  });
  return { lines, leftOut };
}

const HEADER = [
  '# ImageNet-1k class index → Pascal VOC class, for the bundled mobilenetv2-12-int8 (its labels file, index order).',
  '# Made by tools/voc-imagenet-map/make.mjs from WordNet 3.0 (Debian wordnet-base, Princeton WordNet licence):',
  "# an ImageNet class maps to a VOC class when the VOC class's first noun sense is among its hypernyms.",
];

export function render({ lines, leftOut }) {
  return [...HEADER, ...leftOut.map((l) => `# left out: ${l}`), ...lines, ''].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = render(makeMap());
  if (process.argv.includes('--check')) {
    const same = fs.readFileSync(OUT, 'utf8') === text;
    console.log(same ? `${path.relative(ROOT, OUT)}: the same as made from WordNet` : `${path.relative(ROOT, OUT)}: differs from what WordNet gives`);
    process.exit(same ? 0 : 1);
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, text);
  console.log(`wrote ${path.relative(ROOT, OUT)}`);
}
