import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { FIXTURE_MODELS } from '../../helpers/cli.ts';

/** The tiny ONNX model: p(class 0) grows with channel 0 over rows 4..11, cols 20..27 (of 32×32). */
export const REGION_MODEL = path.join(FIXTURE_MODELS, 'region-2class.onnx');

/** Deterministic pseudo-random RGB noise (LCG), with a brighter patch where the model looks. */
export function noiseImage(seed: number, width = 48, height = 40): Buffer {
  const data = Buffer.alloc(width * height * 3);
  let s = (seed * 7919 + 17) >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = (s >>> 16) % 256;
  }
  // The model's region (rows 4..11, cols 20..27 of 32×32) in photo pixels, brightened in red.
  const [y0, y1, x0, x1] = [Math.floor((4 * height) / 32), Math.ceil((12 * height) / 32), Math.floor((20 * width) / 32), Math.ceil((28 * width) / 32)];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[(y * width + x) * 3] = Math.min(255, data[(y * width + x) * 3] + 60 + ((seed * 13) % 60));
  return data;
}

/** Writes `count` PNGs img00.png … (and optionally a corrupt .jpg) into `dir`; returns the names. */
export async function writeImages(dir: string, count: number, options: { corrupt?: string; width?: number; height?: number } = {}): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  const width = options.width ?? 48;
  const height = options.height ?? 40;
  for (let i = 0; i < count; i++) {
    const name = `img${String(i).padStart(2, '0')}.png`;
    await sharp(noiseImage(i, width, height), { raw: { width, height, channels: 3 } }).png().toFile(path.join(dir, name));
    names.push(name);
  }
  if (options.corrupt) {
    fs.writeFileSync(path.join(dir, options.corrupt), Buffer.from('\xff\xd8\xff\xe0 this is not really a JPEG', 'latin1'));
    names.push(options.corrupt);
  }
  return names;
}

/** A minimal VOC XML annotation. */
export function vocXml(width: number, height: number, objects: { name: string; box: [number, number, number, number] }[]): string {
  const obj = objects
    .map((o) => `<object><name>${o.name}</name><difficult>0</difficult><bndbox><xmin>${o.box[0] + 1}</xmin><ymin>${o.box[1] + 1}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox></object>`)
    .join('');
  return `<annotation><size><width>${width}</width><height>${height}</height><depth>3</depth></size>${obj}</annotation>`;
}

/** Every file under `dir` (relative paths, sorted) with its bytes, skipping timing.jsonl / run.json / run.lock. */
export function runFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else if (!['timing.jsonl', 'run.json', 'run.lock'].includes(rel)) out.set(rel, fs.readFileSync(path.join(d, e.name)));
    }
  };
  walk(dir, '');
  return out;
}
