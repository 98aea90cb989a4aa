// multi-box-items.sh's filter: items.jsonl of the class-rule batch → a manifest CSV
// (image,label,annotation) of the items whose VOC class has >= 2 boxes, the first COUNT by key.
// Each count is checked against the XML itself: the <object>s whose <name> is the item's class.
//   node multi-box-items.mjs ITEMS.jsonl VOC_ROOT COUNT > multi-box.csv
import fs from 'node:fs';
import path from 'node:path';

const [itemsFile, root, countText] = process.argv.slice(2);
if (!itemsFile || !root) throw new Error('usage: node multi-box-items.mjs ITEMS.jsonl VOC_ROOT [COUNT]');
const count = Number(countText ?? 20);
const items = fs
  .readFileSync(itemsFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .filter((it) => it.status === 'ok' && it.class);
const xmlCount = (image, cls) => {
  const xml = fs.readFileSync(path.join(root, 'Annotations', path.basename(image).replace(/\.[^.]+$/, '.xml')), 'utf8');
  return [...xml.matchAll(/<object>[\s\S]*?<name>\s*([^<]+?)\s*<\/name>/g)].filter((m) => m[1].toLowerCase() === cls.toLowerCase()).length;
};
const multi = items.filter((it) => it.groundTruth.boxes.length >= 2);
for (const it of multi) {
  const n = xmlCount(it.image, it.class);
  if (n !== it.groundTruth.boxes.length) throw new Error(`${it.key}: ${it.groundTruth.boxes.length} boxes in items.jsonl, ${n} objects of class ${it.class} in the XML`);
}
multi.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
console.error(`${items.length} items, ${multi.length} whose class has >= 2 boxes; taking ${Math.min(count, multi.length)}`);
console.log('image,label,annotation');
for (const it of multi.slice(0, count)) {
  const base = path.basename(it.image).replace(/\.[^.]+$/, '');
  console.log(`${path.join(root, 'JPEGImages', base + '.jpg')},${it.label.index},${path.join(root, 'Annotations', base + '.xml')}`);
  console.error(`  ${it.key}  class ${it.class}  ${it.groundTruth.boxes.length} boxes  label ${it.label.index} ${it.label.name}`);
}
