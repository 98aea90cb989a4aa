// Oracle maps for the demo scenes (tools/borex-findings/demo-seeds.sh part 'oracle'): each scene's
// exact object mask (resources/samples/*.mask.png, 224 px, averaged to the model's 112 px, > 0.5)
// ranked first, then the rest of the pixels either by distance to the object (compact: the deleted
// region grows as one blob) or in a fixed random order (random, seed 0). Written as 112×112 float32
// .npy, to be scored as a --prior FILE: what deletion an object-faithful map gets on these scenes.
//   node tools/borex-findings/demo-oracle-maps.mjs OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const outDir = process.argv[2];
if (!outDir) throw new Error('usage: demo-oracle-maps.mjs OUT_DIR');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const samples = JSON.parse(fs.readFileSync(path.join(root, 'resources/samples/samples.json'), 'utf8'));
fs.mkdirSync(outDir, { recursive: true });
const N = 112;
const npy = (data) => {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${N}, ${N}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1'); pre[6] = 1; pre[7] = 0; pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
};
let rng = 12345; // a fixed LCG: the random order is the same on every run
const rand = () => ((rng = (rng * 1103515245 + 12345) % 2147483648) / 2147483648);
for (const s of samples) {
  const { data, info } = await sharp(path.join(root, 'resources/samples', s.mask)).greyscale().raw().toBuffer({ resolveWithObject: true });
  const k = info.width / N;
  const mask = new Uint8Array(N * N);
  for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) {
    let sum = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sum += data[((r * k + i) * info.width + c * k + j) * info.channels];
    mask[r * N + c] = sum / (k * k * 255) > 0.5 ? 1 : 0;
  }
  const on = []; for (let p = 0; p < N * N; p++) if (mask[p]) on.push(p);
  const compact = new Float32Array(N * N), random = new Float32Array(N * N);
  for (let p = 0; p < N * N; p++) {
    if (mask[p]) { compact[p] = random[p] = 2; continue; }
    const r = Math.floor(p / N), c = p % N;
    let d = Infinity;
    for (const q of on) d = Math.min(d, (Math.floor(q / N) - r) ** 2 + ((q % N) - c) ** 2);
    compact[p] = 1 - Math.sqrt(d) / 200;
    random[p] = rand();
  }
  const name = path.parse(s.file).name;
  fs.writeFileSync(path.join(outDir, `${name}-compact.npy`), npy(compact));
  fs.writeFileSync(path.join(outDir, `${name}-random.npy`), npy(random));
  console.log(`${name}: ${on.length} object pixels of ${N * N}`);
}
