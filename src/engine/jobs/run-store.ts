/**
 * A run on disk (docs/architecture.md, "Runs on disk"):
 *
 *   RUN/run.json      what was run: spec (input, model, methods with every parameter, metric
 *                     options), shard, versions, creation time. Written once, atomically.
 *   RUN/items.jsonl   one line per item, appended and fdatasync'ed after each image or video (entry): all
 *                     lines of an entry go out in a single write, after its map files. Only
 *                     deterministic fields: no timings, no dates, so an interrupted-and-resumed run,
 *                     or merged shards, give byte-identical files.
 *   RUN/timing.jsonl  one line per entry: wall and model/GP milliseconds per method, store time,
 *                     pid and date. Diagnostic only; never compared.
 *   RUN/maps/…        float32 .npy maps (model input resolution; [T,H,W] for a clip), written to a
 *                     temp name and renamed.
 *   RUN/run.lock      the pid of the process working on the run (stale locks of dead processes are
 *                     taken over).
 *
 * A kill -9 at any moment loses at most the entry in flight: on open, a torn last line and the
 * lines of an entry with fewer lines than it announces (`parts`) are cut off.
 */
import fs from 'node:fs';
import type { DeletionCheck } from '../../shared/results.ts';
import os from 'node:os';
import path from 'node:path';
import { BorexError, usageError } from '../errors.ts';
import { encodeNpy } from '../render/npy.ts';
import { writeFileAtomic } from './write-outputs.ts';

export const RUN_FORMAT = 'borex-run';

/** A file of a run: raw bytes, or a float32 map written as .npy with its shape. */
export type MapFile = { file: string; data: Uint8Array } | { file: string; map: Float32Array; shape: number[] };
export const RUN_VERSION = 1;

/** One line of items.jsonl. Fields appear in this order. */
export interface ItemRecord {
  /** Index of the image in the run's full entry list. */
  entry: number;
  /** This line's position among the entry's lines, and how many lines the entry has. */
  part: number;
  parts: number;
  /**
   * Unique in the run: the image, plus `#CLASS` when the item is one class of the image; for a
   * video, the video, plus `#wN` for window N when its model samples windows.
   */
  key: string;
  /** The entry's file as the input lists it (a photo, or a video). */
  image: string;
  status: 'ok' | 'failed' | 'no-item';
  /** For 'failed': why (the item as a whole). */
  error?: { kind: string; message: string };
  /** For 'no-item': why this image yields no item. */
  reason?: string;
  label?: { index: number; name: string; probability: number; choice: 'explicit' | 'class-map' | 'top1' };
  /** The dataset class whose boxes are the ground truth. */
  class?: string;
  /** A clip's frames: the video frame indices (decode order) the model saw. */
  frames?: number[];
  /**
   * A photo: boxes of that class in model-input pixels, and their union's area. A clip: the
   * voxels of its tube on the model's input (0 when no box falls on a sampled frame: no F then).
   */
  groundTruth?: { boxes: [number, number, number, number][]; pixels: number; voxels?: never } | { voxels: number; boxes?: never; pixels?: never };
  methods?: Record<string, MethodRecord>;
}

export interface MethodRecord {
  status: 'ok' | 'failed';
  error?: { kind: string; message: string };
  signed?: boolean;
  metrics?: { insertion?: number; deletion?: number; fRp?: number; f1?: number; pointingGame?: boolean; pointingGameTolerant?: boolean };
  /** Insertion/deletion curves, rounded to 6 decimals. */
  curves?: { insertion: number[]; deletion: number[] };
  /** The map's file, relative to the run directory. */
  map?: string;
  /** The seed the map was made with, where it is not its method's config seed (per-item streams). */
  seed?: number;
  /** BOREx with a learned prior weight: the fitted β of the GP mean β·i0 + c_s. */
  priorWeight?: number;
  /** BOREx with the deletion check: the map kept and the weighted deletion scores it compared. */
  check?: DeletionCheck;
  /** batch --uncertainty: the map's posterior σ map file (image BOREx/BO), relative to the run directory. */
  uncertainty?: string;
}

export interface TimingRecord {
  entry: number;
  image: string;
  total_ms: number;
  /** Decode, preprocess, classify and class choice. */
  prepare_ms: number;
  store_ms: number;
  methods: Record<string, { ms: number; model_ms: number; gp_ms: number; model_calls: number; metrics_ms: number }>;
  pid: number;
  at: string;
}

export interface RunManifest {
  format: typeof RUN_FORMAT;
  version: number;
  kind: 'batch';
  /** Everything that decides the contents of items.jsonl. */
  spec: Record<string, unknown> & { input: Record<string, unknown> & { entries: number; entriesSha256: string } };
  shard: { index: number; count: number } | null;
  created: string;
  versions: Record<string, string>;
  /** The command line that created the run (informative). */
  command?: string;
  mergedFrom?: string[];
}

/** Spec fields that name places, not contents: ignored when deciding whether two runs are alike. */
const LOCATION_FIELDS = new Set(['path', 'root', 'annotations', 'file']);

/** Canonical JSON of a spec without its location fields (for resume and merge checks). */
export function specFingerprint(spec: unknown): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => !LOCATION_FIELDS.has(k))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, x]) => [k, strip(x)]),
      );
    }
    return v;
  };
  return JSON.stringify(strip(spec));
}

/**
 * The first differing field between two specs' fingerprints, for error messages: objects and
 * equal-length arrays are followed down to the leaf that differs (spec.methods[1].config.seed), and
 * both sides of that leaf are shown in full, never cut (a cut used to make both sides look equal).
 */
export function specDifference(a: unknown, b: unknown, at = 'spec'): string | undefined {
  if (specFingerprint(a) === specFingerprint(b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: ${a.length} entries ≠ ${b.length} entries (${JSON.stringify(a)} ≠ ${JSON.stringify(b)})`;
    for (let i = 0; i < a.length; i++) {
      const d = specDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
  } else if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !LOCATION_FIELDS.has(k)).sort();
    for (const k of keys) {
      const d = specDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: ${JSON.stringify(a) ?? 'absent'} ≠ ${JSON.stringify(b) ?? 'absent'}`;
}

export class RunStore {
  private itemsFd: number | undefined;
  private timingFd: number | undefined;
  private locked = false;
  /** Milliseconds spent writing maps and lines (the store's overhead). */
  storeMs = 0;

  private constructor(
    readonly dir: string,
    readonly manifest: RunManifest,
  ) {}

  get itemsFile(): string {
    return path.join(this.dir, 'items.jsonl');
  }

  get timingFile(): string {
    return path.join(this.dir, 'timing.jsonl');
  }

  static exists(dir: string): boolean {
    return fs.existsSync(path.join(dir, 'run.json'));
  }

  /** A new run directory (refuses one that already holds a run). */
  static create(dir: string, manifest: RunManifest): RunStore {
    if (RunStore.exists(dir)) throw usageError(`${dir} already holds a run; use --resume to continue it, or another --out`);
    fs.mkdirSync(dir, { recursive: true });
    writeFileAtomic(path.join(dir, 'run.json'), JSON.stringify(manifest, null, 2) + '\n');
    return new RunStore(dir, manifest);
  }

  static open(dir: string): RunStore {
    return new RunStore(dir, readRunManifest(dir));
  }

  /**
   * Takes the run's lock file; a lock held by a live process on this host refuses, and so does a
   * lock from another host unless `takeOver` (for schedulers that never run one shard twice at
   * once, e.g. a Slurm array task requeued on another node).
   */
  lock(takeOver = false): void {
    const file = path.join(this.dir, 'run.lock');
    const mine = JSON.stringify({ pid: process.pid, host: os.hostname() });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, mine, { flag: 'wx' });
        this.locked = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          // 'wx' created it, then the write failed (a full disk): the torn lock is ours to remove.
          fs.rmSync(file, { force: true });
          throw err;
        }
        const holder = lockHolder(this.dir);
        if (holder?.host === os.hostname()) throw usageError(`${this.dir} is being worked on by process ${holder.pid}; wait for it or stop it first`);
        if (holder && !takeOver) throw usageError(`${this.dir} is locked by process ${holder.pid} on ${holder.host}; if that process is gone, run again with --take-over-lock`);
        fs.rmSync(file, { force: true });
      }
    }
    throw new BorexError('runtime', `could not take the lock ${file}`);
  }

  close(): void {
    for (const fd of [this.itemsFd, this.timingFd]) if (fd !== undefined) fs.closeSync(fd);
    this.itemsFd = this.timingFd = undefined;
    if (this.locked) fs.rmSync(path.join(this.dir, 'run.lock'), { force: true });
    this.locked = false;
  }

  /**
   * The finished items. Cuts a torn last line and an incomplete last entry off items.jsonl
   * (rewriting it atomically) and removes stale temp files, so appending can go on.
   */
  recover(): ItemRecord[] {
    const { records, cleanText, changed } = readItemsText(this.itemsFile);
    if (changed) writeFileAtomic(this.itemsFile, cleanText);
    for (const f of walk(this.dir)) if (/^\..*\.tmp$/.test(path.basename(f))) fs.rmSync(f, { force: true });
    return records;
  }

  /**
   * `--retry-failed`: removes the lines of every entry with a failed item or a failed method
   * (rewriting items.jsonl atomically, after `recover`), so the loop redoes them as if never
   * done. Their maps are replaced when they are redone. Returns how many entries were removed.
   */
  dropFailedEntries(): number {
    const { records, lines } = readItemsText(this.itemsFile);
    const failed = failedEntries(records);
    if (failed.size === 0) return 0;
    writeFileAtomic(this.itemsFile, lines.filter((_, i) => !failed.has(records[i].entry)).map((l) => l + '\n').join(''));
    return failed.size;
  }

  /**
   * Rewrites items.jsonl in entry order when it is not (redone entries were appended at the end),
   * so a run whose failures were retried reads as one made in a single pass would.
   */
  sortByEntry(): void {
    if (this.itemsFd !== undefined) fs.closeSync(this.itemsFd);
    this.itemsFd = undefined;
    const { records, lines } = readItemsText(this.itemsFile);
    const order = records.map((_, i) => i).sort((a, b) => records[a].entry - records[b].entry || records[a].part - records[b].part);
    if (order.every((o, i) => o === i)) return;
    writeFileAtomic(this.itemsFile, order.map((i) => lines[i] + '\n').join(''));
  }

  /**
   * Writes an entry's map files (float32 maps are encoded as .npy here), atomically, then appends
   * its lines in one write and syncs. Everything it does counts in `storeMs`.
   */
  commitEntry(records: ItemRecord[], maps: MapFile[], timing?: TimingRecord): void {
    const started = performance.now();
    for (const m of maps) {
      const abs = path.join(this.dir, m.file);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      writeFileAtomic(abs, 'data' in m ? m.data : encodeNpy(m.map, m.shape));
    }
    this.itemsFd ??= fs.openSync(this.itemsFile, 'a');
    appendWhole(this.itemsFd, records.map((r) => JSON.stringify(r) + '\n').join(''), true);
    const ms = performance.now() - started;
    this.storeMs += ms;
    if (timing) {
      timing.store_ms = ms;
      this.timingFd ??= fs.openSync(this.timingFile, 'a');
      appendWhole(this.timingFd, JSON.stringify(timing) + '\n', false);
    }
  }
}

/**
 * Appends `text` to an append-mode file in full or not at all: a write that fails part way (ENOSPC,
 * a quota, EIO) or is short is cut back to the file's size before it, so a full disk never leaves
 * a torn line for the next append to run into. `sync`: fdatasync before returning.
 */
function appendWhole(fd: number, text: string, sync: boolean): void {
  const before = fs.fstatSync(fd).size;
  const bytes = Buffer.from(text);
  try {
    let written = 0;
    while (written < bytes.length) {
      const n = fs.writeSync(fd, bytes, written, bytes.length - written);
      if (n <= 0) throw new BorexError('runtime', `short write (${written} of ${bytes.length} bytes)`);
      written += n;
    }
    if (sync) fs.fdatasyncSync(fd);
  } catch (err) {
    try {
      fs.ftruncateSync(fd, before);
    } catch {
      /* the cut itself failed: the next --resume cuts the torn line (readItemsText) */
    }
    throw err;
  }
}

/**
 * Who holds the run's lock, when that stops another process from working on it: a live process on
 * this host other than this one, or a process on another host (whose liveness cannot be seen from
 * here). Undefined for no lock, a torn one, or a stale one (a dead process, or this process).
 */
export function lockHolder(dir: string): { pid: number; host: string } | undefined {
  let holder: { pid?: unknown; host?: unknown } = {};
  try {
    holder = JSON.parse(fs.readFileSync(path.join(dir, 'run.lock'), 'utf8'));
  } catch {
    return undefined; // no lock file, or a torn one: stale
  }
  const { pid, host } = holder;
  if (typeof pid !== 'number' || !pid || typeof host !== 'string' || !host) return undefined;
  if (host !== os.hostname()) return { pid, host };
  return pid !== process.pid && alive(pid) ? { pid, host } : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

export function readRunManifest(dir: string): RunManifest {
  const file = path.join(dir, 'run.json');
  let m: RunManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as RunManifest;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BorexError('bad-input', `${dir}: not a run directory (${code === 'ENOENT' ? 'no run.json' : 'run.json is not readable JSON'})`);
  }
  if (m.format !== RUN_FORMAT) throw new BorexError('bad-input', `${file}: not a borex run (format "${String(m.format)}")`);
  if (m.version !== RUN_VERSION) throw new BorexError('bad-input', `${file}: run format version ${m.version}; this build reads version ${RUN_VERSION}`);
  return m;
}

/**
 * Parses items.jsonl, keeping only complete entries: a torn last line and an entry with fewer
 * lines than its `parts` are dropped (only the tail can be incomplete: entries are appended whole).
 */
export function readItemsText(file: string): { records: ItemRecord[]; lines: string[]; cleanText: string; changed: boolean } {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { records: [], lines: [], cleanText: '', changed: false };
  }
  const lastNewline = text.lastIndexOf('\n');
  const lines = text.slice(0, lastNewline + 1).split('\n').slice(0, -1);
  const records: ItemRecord[] = [];
  const kept: string[] = [];
  let pending: { records: ItemRecord[]; lines: string[] } = { records: [], lines: [] };
  for (let i = 0; i < lines.length; i++) {
    let r: ItemRecord;
    try {
      r = JSON.parse(lines[i]) as ItemRecord;
    } catch {
      // A line torn by a crash can only be the last; anything earlier means the file was damaged.
      if (i === lines.length - 1) break;
      throw new BorexError('bad-input', `${file}: line ${i + 1} is not JSON; the run is damaged`);
    }
    const open = pending.records[0];
    if (open && (r.entry !== open.entry || r.part !== pending.records.length)) pending = { records: [], lines: [] };
    if (r.part !== pending.records.length) continue;
    pending.records.push(r);
    pending.lines.push(lines[i]);
    if (pending.records.length === r.parts) {
      records.push(...pending.records);
      kept.push(...pending.lines);
      pending = { records: [], lines: [] };
    }
  }
  const cleanText = kept.map((l) => l + '\n').join('');
  return { records, lines: kept, cleanText, changed: cleanText !== text };
}

/** The entries with a failed item or a failed method (what `--retry-failed` redoes). */
export function failedEntries(records: readonly ItemRecord[]): Set<number> {
  const failed = new Set<number>();
  for (const r of records) if (r.status === 'failed' || Object.values(r.methods ?? {}).some((m) => m.status === 'failed')) failed.add(r.entry);
  return failed;
}

/** Reads a run's finished items (read-only: does not repair the file). */
export function readRunItems(dir: string): ItemRecord[] {
  return readItemsText(path.join(dir, 'items.jsonl')).records;
}

export function readTimings(dir: string): TimingRecord[] {
  let text = '';
  try {
    text = fs.readFileSync(path.join(dir, 'timing.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const out: TimingRecord[] = [];
  for (const line of text.split('\n')) {
    try {
      if (line.trim()) out.push(JSON.parse(line) as TimingRecord);
    } catch {
      /* torn last line */
    }
  }
  return out;
}
