/**
 * One item of a batch run on disk, read back for the Explain view (openRunItem), and the run's
 * photo thumbnails (runThumbnails). Everything comes from the run directory: run.json (where the
 * photos are, the model's input), items.jsonl (label, metrics, curves, map file names),
 * timing.jsonl (model calls, times) and maps/*.npy. The client names a run and an item key only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseNpy } from 'npyjs';
import sharp from 'sharp';
import type { RgbImage } from '../engine/image/decode.ts';
import { inputGeometry } from '../engine/image/preprocess.ts';
import { decodeFrames } from '../engine/media/video/decode.ts';
import { probeVideo } from '../engine/media/video/probe.ts';
import type { ExplainOutcome } from '../engine/jobs/explain.ts';
import { writeExplainOutputs } from '../engine/jobs/write-outputs.ts';
import { parseMethodId } from '../engine/jobs/batch-methods.ts';
import { readRunItems, readRunManifest, readTimings, type ItemRecord, type MethodRecord, type RunManifest } from '../engine/jobs/run-store.ts';
import { CATALOGUE } from '../engine/model/catalogue.ts';
import type { ModelSpec } from '../engine/model/spec.ts';
import { ApiError } from '../shared/errors.ts';
import type { Geometry, ResultSummary } from '../shared/results.ts';
import type { JobFile } from '../shared/requests.ts';
import type { RunItemMethod, RunSettings } from '../shared/run-item.ts';

/** Longest side of a thumbnail, in pixels (the Batch table shows them at 48 px; 64 keeps them sharp at 1.33× zoom). */
export const THUMBNAIL_SIZE = 64;

type RecordedMethod = { id: string; implicit?: boolean; config?: { preset?: string; rise?: { masks?: number }; borex?: { iterations?: number } } };
type PhotoSpec = {
  input: { root?: string; path?: string };
  model?: { name?: string; sha256?: string; input?: { height: number; width: number; resize: ModelSpec['resize'] } };
  methods?: RecordedMethod[];
  baseline?: string;
  classMap?: { file: string } | null;
  maps?: 'npy' | 'none';
  medium?: string;
};

const specOf = (m: RunManifest) => m.spec as unknown as PhotoSpec;

/** What a run was made with (run.json), in the Batch sidebar's terms. */
export function runSettings(m: RunManifest): RunSettings {
  const spec = specOf(m);
  const recorded = spec.methods ?? [];
  const configs = recorded.map((x) => x.config ?? {});
  return {
    model: spec.model?.name ?? '?',
    methods: recorded.filter((x) => !x.implicit).map((x) => x.id),
    preset: configs.find((c) => c.preset)?.preset,
    iterations: configs.find((c) => c.borex?.iterations !== undefined)?.borex?.iterations,
    masks: configs.find((c) => c.rise?.masks !== undefined)?.rise?.masks,
    baseline: spec.baseline,
    classMap: spec.classMap ? path.basename(spec.classMap.file) : undefined,
    maps: spec.maps ?? 'npy',
    medium: spec.medium === 'video' ? 'video' : 'photo',
  };
}

/** The photo of an item: its name in the run under the input's root (run.json), as the batch read it. */
export function runPhotoFile(m: RunManifest, image: string): string {
  const { root, path: input } = specOf(m).input;
  return path.resolve(root ?? input ?? '.', image);
}

/** The run's record of an item, by its key; 'not-found' naming both when there is none. */
export function runItemRecord(dir: string, key: string): ItemRecord {
  const rec = readRunItems(dir).find((r) => r.key === key);
  if (!rec) throw new ApiError('not-found', `run ${path.basename(dir)} has no item ${key}`);
  return rec;
}

/**
 * Where the model's input sat in the photo. run.json keeps the input size and resize mode; the crop
 * fraction is the catalogue model's, else torchvision's 224/256 (every user model spec this build
 * reads defaults to it).
 */
export function runGeometry(m: RunManifest, photoWidth: number, photoHeight: number): Geometry {
  const model = specOf(m).model;
  if (!model?.input) throw new ApiError('bad-input', `run ${m.created}: run.json records no model input size`);
  const known = CATALOGUE.find((e) => e.name === model.name)?.spec as Partial<ModelSpec> | undefined;
  const cropFraction = known?.cropFraction ?? 224 / 256;
  return inputGeometry(photoWidth, photoHeight, { ...model.input, cropFraction } as ModelSpec);
}

/** A run's .npy map (float32, C order), checked to hold `count` values; a note instead when it cannot be read. */
function readRunMap(dir: string, file: string, count: number): Float32Array | string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(dir, file));
  } catch {
    return `${file} is missing from the run directory`;
  }
  try {
    const npy = parseNpy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
    if (npy.dtype !== 'f4' || !(npy.data instanceof Float32Array)) return `${file}: dtype ${npy.dtype}, not float32`;
    if (npy.data.length !== count) return `${file}: ${npy.data.length} values, not the model input's ${count}`;
    return npy.data;
  } catch (err) {
    return `${file}: not a readable .npy (${err instanceof Error ? err.message : String(err)})`;
  }
}

/**
 * Each method's result for one item, in the run's method order, shaped as an explain job's result
 * (ResultSummary) so the Explain view draws it as it draws its own. A refinement's prior is that
 * method's record and map in the same run (the batch computes it once and scores it as a method).
 */
export function runItemMethods(dir: string, m: RunManifest, rec: ItemRecord, geometry: Geometry): RunItemMethod[] {
  const spec = specOf(m);
  const count = geometry.width * geometry.height;
  const timing = readTimings(dir).find((t) => t.entry === rec.entry)?.methods ?? {};
  const maps = new Map<string, Float32Array | string>();
  const mapOf = (id: string, r: MethodRecord | undefined): Float32Array | string => {
    if (!r || r.status !== 'ok') return `${id} failed on this photo`;
    if (!r.map) return spec.maps === 'none' ? 'this run kept no maps (made with --maps none): its metrics only' : `${id} has no map file in this run`;
    if (!maps.has(id)) maps.set(id, readRunMap(dir, r.map, count));
    return maps.get(id)!;
  };
  const label = rec.label ? { index: rec.label.index, name: rec.label.name, probability: rec.label.probability } : { index: -1, name: '?', probability: 0 };
  const model = spec.model ?? {};
  const out: RunItemMethod[] = [];
  for (const [id, r] of Object.entries(rec.methods ?? {})) {
    if (r.status !== 'ok') {
      out.push({ id, status: 'failed', error: r.error?.message ?? 'failed' });
      continue;
    }
    const priorId = priorOf(id);
    const priorRec = priorId ? rec.methods?.[priorId] : undefined;
    const t = timing[id];
    const result: ResultSummary = {
      image: rec.image,
      model: { name: model.name ?? '?', sha256: model.sha256 ?? '', input: { height: geometry.height, width: geometry.width, resize: model.input?.resize ?? 'stretch' } },
      label,
      top5: [],
      method: id,
      signed: r.signed ?? false,
      metrics: r.metrics,
      curves: r.curves,
      ...(priorId ? { prior: { method: priorId, signed: priorRec?.signed ?? false, metrics: priorRec?.metrics, curves: priorRec?.curves } } : {}),
      timing: { total_ms: t?.ms ?? 0, model_ms: t?.model_ms ?? 0, gp_ms: t?.gp_ms ?? 0, model_calls: t?.model_calls ?? 0 },
    };
    const map = mapOf(id, r);
    const prior = priorId ? mapOf(priorId, priorRec) : undefined;
    out.push({
      id,
      status: 'ok',
      result,
      ...(typeof map === 'string' ? { mapNote: map } : { map }),
      ...(prior instanceof Float32Array ? { priorMap: prior } : {}),
    });
  }
  return out;
}

/** A refinement's prior method id (borex:rise → rise); none for a map method, bo or borex:none. */
function priorOf(id: string): string | undefined {
  try {
    const parsed = parseMethodId(id);
    return parsed.kind === 'refine' && parsed.prior && parsed.prior !== 'none' ? parsed.prior : undefined;
  } catch {
    return undefined; // an id this build does not know: shown without a prior
  }
}

/**
 * A clip's middle frame (the frame a player opens on halfway through), upright, scaled by ffmpeg to
 * fit THUMBNAIL_SIZE with its display aspect (sample aspect ratio applied), as a JPEG.
 */
export async function clipThumbnail(file: string): Promise<Buffer> {
  const info = await probeVideo(file);
  const aspect = info.displayWidth / info.height;
  const width = Math.max(2, Math.round(aspect >= 1 ? THUMBNAIL_SIZE : THUMBNAIL_SIZE * aspect));
  const height = Math.max(2, Math.round(aspect >= 1 ? THUMBNAIL_SIZE / aspect : THUMBNAIL_SIZE));
  const [frame] = await decodeFrames(file, [Math.floor(info.frameCount / 2)], { info, size: { width, height } });
  return sharp(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), { raw: { width, height, channels: 3 } }).jpeg({ quality: 75 }).toBuffer();
}

/**
 * A small JPEG of each photo of a run (of a clip run: its middle frame), as data: URLs by the photo's name in the run. Made once per
 * photo file (keyed by its path, size and mtime in `cache`): a reopened run costs nothing more.
 */
export async function runThumbnails(dir: string, cache: Map<string, string>): Promise<Record<string, string>> {
  const m = readRunManifest(dir);
  const video = specOf(m).medium === 'video';
  const out: Record<string, string> = {};
  for (const image of new Set(readRunItems(dir).map((r) => r.image))) {
    const file = runPhotoFile(m, image);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      continue; // the photo is gone: no thumbnail, the row still shows its scores
    }
    const cacheKey = `${file}\0${stat.size}\0${stat.mtimeMs}`;
    let url = cache.get(cacheKey);
    if (!url) {
      try {
        const jpeg = video ? await clipThumbnail(file) : await sharp(file, { limitInputPixels: 100_000_000 }).rotate().resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside' }).jpeg({ quality: 75 }).toBuffer();
        url = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
        cache.set(cacheKey, url);
      } catch {
        continue; // not decodable (the run recorded it as failed): no thumbnail
      }
    }
    out[image] = url;
  }
  return out;
}


/**
 * One method of a run item written as an explain job writes its result (write-outputs.ts): overlay.png
 * and saliency.npy, prior-overlay.png and prior.npy for a refinement whose prior the run kept, and
 * result.json. The result.json is the item's result as the Explain view shows it, with `source`
 * naming the run and item it was read from (a batch records no per-photo config or versions; run.json
 * has them). Returns the names of the files written; none for a method without a map.
 */
export async function writeRunItemFiles(outDir: string, photo: RgbImage, method: RunItemMethod, geometry: Geometry, source: { runId: string; key: string }): Promise<JobFile[]> {
  if (!method.result || !method.map) return [];
  const result = { ...method.result, source: { run: source.runId, key: source.key } };
  const outcome = { result, map: method.map, priorMap: method.priorMap, photo, geometry } as unknown as ExplainOutcome;
  const written = await writeExplainOutputs(outDir, outcome);
  return written.map((f) => path.basename(f) as JobFile);
}
