/**
 * What a batch runs over: a deterministic list of entries (one per image, or one per video),
 * each with an optional explicit label and ground truth (objects for a photo, a tube for a video).
 * One medium per run: photos or videos (shared/media.ts lists the extensions of each).
 *
 * Inputs
 *  - a folder: its image files (jpg, jpeg, png, webp, tif, tiff, bmp, gif, avif), or its video files
 *    (mp4, m4v, mov, webm, mkv, avi), not recursive, sorted by name (code-point order, so every
 *    machine lists them alike); a folder holding both is refused. A PASCAL VOC root (a folder
 *    holding JPEGImages/ and Annotations/) lists JPEGImages/ and implies `--boxes voc`.
 *    A video's tube file lies beside it, named after the video without its extension:
 *    `CLIP.tube.json`, else `CLIP.tube.csv` (clip.mp4 → clip.tube.json); used when present.
 *  - a manifest: `.csv` with a header (columns `image`, optional `label`, `boxes`, `annotation`)
 *    or `.jsonl` (objects `{"image", "label"?, "boxes"?, "annotation"?}`), in file order. Paths are
 *    relative to the manifest's folder. `boxes`: JSON `[[x0,y0,x1,y1],...]` (or
 *    `[{"box":[...],"class":"dog"}]`), or in CSV also `x0 y0 x1 y1;x0 y0 x1 y1`, in photo pixels
 *    (x1/y1 exclusive). `annotation`: a VOC XML file for that image. A manifest of videos names
 *    each in a `video` column (or in `image`, by its extension), with optional `label` and `tube`
 *    (a tube file, metrics/tube.ts, relative to the manifest); a manifest mixing photos and
 *    videos is refused.
 *
 * Ground truth (`--boxes`)
 *  - voc: a VOC XML per image, from `--annotations DIR`, the VOC root's Annotations/, the image's
 *    own folder, or a sibling Annotations/ (first that exists). Read when the item runs: a missing
 *    or broken XML fails that item only.
 *  - coco: `--annotations instances.json` (COCO detection format: images, annotations with
 *    bbox [x, y, w, h], categories); images matched by file_name, then by base name.
 *  - csv: `--annotations boxes.csv` with a header `image,x0,y0,x1,y1[,class]`, one box a row.
 */
import fs from 'node:fs';
import path from 'node:path';
import { badInput, BorexError, usageError } from '../errors.ts';
import { readWholeText } from '../file-limits.ts';
import type { PhotoBox } from '../metrics/voc.ts';
import { IMAGE_EXTENSIONS, VIDEO_EXTENSIONS, mediaKindOf, type MediaKind } from '../../shared/media.ts';

export { IMAGE_EXTENSIONS };
export const BOX_FORMATS = ['voc', 'coco', 'csv'] as const;
export type BoxFormat = (typeof BOX_FORMATS)[number];

/** A ground-truth object in photo pixels; `name` is its dataset class when known. */
export interface GtObject {
  name?: string;
  box: PhotoBox;
}

export interface BatchEntry {
  /** Index in the full (unsharded) list: the order of items.jsonl and the unit of sharding. */
  index: number;
  /** The image as listed: relative to the input root, '/'-separated. */
  image: string;
  /** Absolute path. */
  file: string;
  /** An explicit class (index or name): it wins over any class choice. */
  label?: string;
  /** Objects known when listing (manifest boxes, COCO, CSV). */
  objects?: GtObject[];
  /** A VOC XML file read when the item runs. */
  vocXml?: string;
  /** A video's tube file (absolute; metrics/tube.ts), read when the entry runs. */
  tube?: string;
}

export interface BatchInput {
  kind: 'folder' | 'voc-root' | 'manifest';
  /** What every entry is: a photo or a video (one medium per run). */
  medium: MediaKind;
  /** The path given (absolute). */
  path: string;
  /** Folder the entries' `image` paths are relative to. */
  root: string;
  boxes?: BoxFormat;
  annotations?: string;
  entries: BatchEntry[];
}

export interface InputOptions {
  boxes?: BoxFormat;
  annotations?: string;
}

const isImage = (name: string) => IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
const isVideo = (name: string) => VIDEO_EXTENSIONS.includes(path.extname(name).toLowerCase());
const isFileFollowingLinks = (p: string) => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return true; // a dangling link is listed, and fails as its own item
  }
};
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const posix = (p: string) => p.split(path.sep).join('/');

export function listBatchInput(inputPath: string, options: InputOptions = {}): BatchInput {
  const abs = path.resolve(inputPath);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw badInput(inputPath, 'no such file or folder');
  }
  let input: BatchInput;
  if (stat.isDirectory()) {
    const vocRoot = fs.existsSync(path.join(abs, 'JPEGImages')) && fs.existsSync(path.join(abs, 'Annotations'));
    const dir = vocRoot ? path.join(abs, 'JPEGImages') : abs;
    const files = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile() || (d.isSymbolicLink() && isFileFollowingLinks(path.join(dir, d.name))));
    const images = files.filter((d) => isImage(d.name)).map((d) => d.name);
    const videos = vocRoot ? [] : files.filter((d) => isVideo(d.name)).map((d) => d.name);
    if (images.length > 0 && videos.length > 0) {
      throw badInput(inputPath, `holds both photos (${images.length}) and videos (${videos.length}); a batch runs over one medium: put them in two folders`);
    }
    if (images.length === 0 && videos.length === 0) throw badInput(inputPath, `no image files (${IMAGE_EXTENSIONS.join(' ')}) in this folder, and no videos (${VIDEO_EXTENSIONS.join(' ')})`);
    const medium: MediaKind = videos.length > 0 ? 'video' : 'image';
    const names = (medium === 'video' ? videos : images).sort(byCodePoint);
    input = {
      kind: vocRoot ? 'voc-root' : 'folder',
      medium,
      path: abs,
      root: abs,
      boxes: options.boxes ?? (vocRoot ? 'voc' : undefined),
      annotations: options.annotations && path.resolve(options.annotations),
      entries: names.map((name, index) => ({ index, image: posix(path.relative(abs, path.join(dir, name))), file: path.join(dir, name) })),
    };
    if (medium === 'video') for (const e of input.entries) attachTubeBeside(e);
  } else {
    const entries = readManifest(abs);
    input = { kind: 'manifest', medium: entries.medium, path: abs, root: path.dirname(abs), boxes: options.boxes, annotations: options.annotations && path.resolve(options.annotations), entries: entries.list };
  }
  if (input.medium === 'video' && (input.boxes || input.annotations)) {
    throw usageError(`--boxes and --annotations are for photos; a video's ground truth is a tube file beside it (CLIP.tube.json or CLIP.tube.csv) or a manifest "tube" column`);
  }
  attachGroundTruth(input);
  return input;
}

// ---------------------------------------------------------------- manifests

/** The tube file beside a listed video, if any: CLIP.tube.json, else CLIP.tube.csv (CLIP: the name without its extension). */
function attachTubeBeside(e: BatchEntry): void {
  const { dir, name } = path.parse(e.file);
  const tube = ['.tube.json', '.tube.csv'].map((ext) => path.join(dir, name + ext)).find((f) => fs.existsSync(f));
  if (tube) e.tube = tube;
}

interface ManifestRow {
  image?: unknown;
  video?: unknown;
  tube?: unknown;
  label?: unknown;
  boxes?: unknown;
  annotation?: unknown;
}

function readManifest(file: string): { medium: MediaKind; list: BatchEntry[] } {
  const text = readText(file, 'manifest');
  const ext = path.extname(file).toLowerCase();
  let rows: ManifestRow[];
  if (ext === '.jsonl' || ext === '.ndjson') {
    rows = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      try {
        rows.push(JSON.parse(line) as ManifestRow);
      } catch (err) {
        throw badInput(file, `line ${i + 1} is not JSON (${err instanceof Error ? err.message : err})`);
      }
    });
  } else if (ext === '.csv') {
    const table = parseCsv(text);
    const header = (table.shift() ?? []).map((h) => h.trim().toLowerCase());
    if (!header.includes('image') && !header.includes('video')) throw badInput(file, 'a CSV manifest needs a header row with an "image" column (and optionally label, boxes, annotation), or a "video" column (and optionally label, tube)');
    rows = table.filter((r) => r.some((c) => c.trim() !== '')).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]?.trim() || undefined])));
  } else {
    throw badInput(file, 'a manifest must be .csv or .jsonl (or give a folder of images)');
  }
  if (rows.length === 0) throw badInput(file, 'the manifest lists no images');
  const root = path.dirname(file);
  let medium: { kind: MediaKind; where: string } | undefined;
  const list = rows.map((row, index) => {
    const where = `${path.basename(file)} entry ${index + 1}`;
    const named = typeof row.video === 'string' && row.video ? row.video : row.image;
    if (typeof named !== 'string' || !named) throw badInput(file, `${where}: "image" (or "video") must be a path`);
    const kind: MediaKind = typeof row.video === 'string' && row.video ? 'video' : mediaKindOf(named) === 'video' ? 'video' : 'image';
    if (medium && medium.kind !== kind) throw badInput(file, `lists both photos and videos (${medium.where} is ${article(medium.kind)}, ${where} ${article(kind)}); a batch runs over one medium`);
    medium ??= { kind, where };
    const entry: BatchEntry = { index, image: posix(path.normalize(named)), file: path.resolve(root, named) };
    if (row.label !== undefined && row.label !== null && row.label !== '') entry.label = String(row.label);
    if (kind === 'video') {
      if ((row.boxes !== undefined && row.boxes !== null && row.boxes !== '') || row.annotation) throw badInput(file, `${where}: a video's ground truth is a tube file (column "tube"), not boxes or an annotation`);
      if (typeof row.tube === 'string' && row.tube) entry.tube = path.resolve(root, row.tube);
      return entry;
    }
    if (typeof row.tube === 'string' && row.tube) throw badInput(file, `${where}: "tube" is for videos; a photo's ground truth is "boxes" or "annotation"`);
    if (row.boxes !== undefined && row.boxes !== null && row.boxes !== '') entry.objects = parseBoxes(row.boxes, file, where);
    if (typeof row.annotation === 'string' && row.annotation) entry.vocXml = path.resolve(root, row.annotation);
    return entry;
  });
  return { medium: medium!.kind, list };
}

const article = (kind: MediaKind) => (kind === 'video' ? 'a video' : 'a photo');

function parseBoxes(value: unknown, file: string, where: string): GtObject[] {
  let v = value;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s.startsWith('[')) {
      try {
        v = JSON.parse(s);
      } catch {
        throw badInput(file, `${where}: boxes are not valid JSON`);
      }
    } else {
      v = s.split(';').filter((b) => b.trim()).map((b) => b.trim().split(/[\s,]+/).map(Number));
    }
  }
  if (!Array.isArray(v)) throw badInput(file, `${where}: boxes must be [[x0,y0,x1,y1],...]`);
  return v.map((b) => {
    const box = Array.isArray(b) ? b : (b as { box?: unknown })?.box;
    const name = Array.isArray(b) ? undefined : (b as { class?: unknown; name?: unknown })?.class ?? (b as { name?: unknown })?.name;
    if (!Array.isArray(box) || box.length !== 4 || !box.every((x) => typeof x === 'number' && Number.isFinite(x)) || !(box[2] > box[0] && box[3] > box[1])) {
      throw badInput(file, `${where}: a box must be [x0, y0, x1, y1] with x1 > x0 and y1 > y0 (photo pixels; an empty or inverted box is refused)`);
    }
    return name === undefined ? { box: box as PhotoBox } : { name: String(name), box: box as PhotoBox };
  });
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

// ---------------------------------------------------------------- ground truth

function attachGroundTruth(input: BatchInput): void {
  if (!input.boxes) {
    if (input.annotations) throw usageError('--annotations needs --boxes voc|coco|csv');
    return;
  }
  if (input.boxes === 'voc') {
    for (const e of input.entries) if (!e.vocXml && !e.objects) e.vocXml = findVocXml(e, input);
    return;
  }
  if (!input.annotations) throw usageError(`--boxes ${input.boxes} needs --annotations FILE`);
  const table = input.boxes === 'coco' ? readCoco(input.annotations) : readBoxCsv(input.annotations);
  const byBase = new Map<string, GtObject[] | null>();
  for (const [name, objs] of table) {
    const base = path.posix.basename(name);
    byBase.set(base, byBase.has(base) ? null : objs); // null: ambiguous base name
  }
  for (const e of input.entries) {
    if (e.objects || e.vocXml) continue;
    e.objects = table.get(e.image) ?? byBase.get(path.posix.basename(e.image)) ?? [];
  }
}

function findVocXml(e: BatchEntry, input: BatchInput): string {
  const stem = path.parse(e.file).name + '.xml';
  const dir = path.dirname(e.file);
  const candidates = input.annotations
    ? [path.join(input.annotations, stem)]
    : input.kind === 'voc-root'
      ? [path.join(input.root, 'Annotations', stem)]
      : [path.join(dir, stem), path.join(dir, '..', 'Annotations', stem)];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

/** A manifest or annotation file, read whole within the byte limit (engine/file-limits.ts). */
function readText(file: string, what: string): string {
  try {
    return readWholeText(file, what);
  } catch (err) {
    if (err instanceof BorexError) throw err;
    throw badInput(file, `cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

/** COCO detection JSON → file_name → objects (category names, bbox converted to corners). */
export function readCoco(file: string): Map<string, GtObject[]> {
  let coco: { images?: { id: number; file_name: string }[]; annotations?: { image_id: number; bbox: number[]; category_id: number }[]; categories?: { id: number; name: string }[] };
  try {
    coco = JSON.parse(readText(file, 'COCO annotations'));
  } catch (err) {
    if (err instanceof Error && err.name === 'BorexError') throw err;
    throw badInput(file, `not JSON (${err instanceof Error ? err.message : err})`);
  }
  if (!Array.isArray(coco.images) || !Array.isArray(coco.annotations)) throw badInput(file, 'not COCO detection annotations (needs "images" and "annotations" arrays)');
  const cats = new Map((coco.categories ?? []).map((c) => [c.id, c.name]));
  const names = new Map(coco.images.map((im) => [im.id, posix(path.normalize(im.file_name))]));
  const out = new Map<string, GtObject[]>();
  for (const name of names.values()) out.set(name, []);
  for (const a of coco.annotations) {
    const name = names.get(a.image_id);
    const [x, y, w, h] = a.bbox ?? [];
    if (name === undefined || ![x, y, w, h].every((v) => typeof v === 'number' && Number.isFinite(v)) || w < 0 || h < 0) {
      throw badInput(file, `annotation for image_id ${a.image_id} has no known image or an invalid bbox`);
    }
    const cat = cats.get(a.category_id);
    out.get(name)!.push(cat === undefined ? { box: [x, y, x + w, y + h] } : { name: cat, box: [x, y, x + w, y + h] });
  }
  return out;
}

/** CSV boxes `image,x0,y0,x1,y1[,class]` → image → objects. */
export function readBoxCsv(file: string): Map<string, GtObject[]> {
  const table = parseCsv(readText(file, 'box CSV'));
  const header = (table.shift() ?? []).map((h) => h.trim().toLowerCase());
  const col = (n: string) => header.indexOf(n);
  const [ci, c0, c1, c2, c3] = ['image', 'x0', 'y0', 'x1', 'y1'].map(col);
  const cc = [col('class'), col('label'), col('name')].find((i) => i >= 0) ?? -1;
  if ([ci, c0, c1, c2, c3].some((i) => i < 0)) throw badInput(file, 'a box CSV needs a header "image,x0,y0,x1,y1[,class]"');
  const out = new Map<string, GtObject[]>();
  table.forEach((r, i) => {
    if (r.every((c) => c.trim() === '')) return;
    const box = [c0, c1, c2, c3].map((c) => Number(r[c]));
    if (!box.every(Number.isFinite) || box[2] < box[0] || box[3] < box[1]) throw badInput(file, `row ${i + 2}: invalid box`);
    const image = posix(path.normalize(r[ci].trim()));
    const name = cc >= 0 && r[cc]?.trim() ? r[cc].trim() : undefined;
    const list = out.get(image) ?? [];
    list.push(name === undefined ? { box: box as PhotoBox } : { name, box: box as PhotoBox });
    out.set(image, list);
  });
  return out;
}

/** `--shard i/n`: entries whose index % n == i (round-robin, so shards are balanced). */
export function parseShard(text: string): { index: number; count: number } {
  const m = text.match(/^(\d+)\/(\d+)$/);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 0 && index < count)) throw usageError(`--shard must be i/n with 0 ≤ i < n, got "${text}"`);
  return { index, count };
}

export function inShard(entryIndex: number, shard?: { index: number; count: number }): boolean {
  return !shard || entryIndex % shard.count === shard.index;
}
