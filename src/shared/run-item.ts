/**
 * The Batch view's drill-down (issue 13, finding 14): one item of a run on disk opened in the
 * Explain view, and the run's photo thumbnails. Both name the run by id and the item by its key in
 * items.jsonl (or, for thumbnails, nothing more): never a path from the client.
 */
import type { JobFile } from './requests.ts';
import type { ClassEntry, CurveMetrics, Curves, Geometry, ImageInfo, OpenedRun, ResultSummary } from './results.ts';
import { obj, str } from './schema.ts';

const runId = str({ max: 200, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/ });
/** An item's key as items.jsonl has it (a photo's name, `#CLASS` for one of its classes). */
const key = str({ max: 4096 });

export const runItemRequest = obj({ runId, key });
export type RunItemRequest = ReturnType<typeof runItemRequest>;
export const runThumbnailsRequest = obj({ runId });
export type RunThumbnailsRequest = ReturnType<typeof runThumbnailsRequest>;

/** One method's result for the item, as the Explain view draws a finished one. */
export interface RunItemMethod {
  id: string;
  status: 'ok' | 'failed';
  error?: string;
  /** The item's result in the shape of an explain job's; its top5 is the item's (OpenedRunItem.top5), empty when it could not be made. */
  result?: ResultSummary;
  /** The map from the run's .npy (model input resolution); absent when the run kept no maps. */
  map?: Float32Array;
  /** A refinement's prior: that method's map in the same run, when the run has it. */
  priorMap?: Float32Array;
  /** Why there is no map (the run was made with `--maps none`, or its file is gone). */
  mapNote?: string;
  /**
   * A method with a map is exported like a fresh result: its files (overlay.png, saliency.npy,
   * prior-overlay.png, prior.npy, result.json) are written when the item is opened and offered by
   * `exportFile` / `fileUrl` under this id, as a finished explain job's are.
   */
  jobId?: string;
  files?: JobFile[];
}

/** openRunItem's reply: the photo (opened as a session photo, so imageUrl shows it), where the model's input sits in it, and each method. */
export interface OpenedRunItem {
  runId: string;
  key: string;
  image: ImageInfo;
  geometry: Geometry;
  label?: { index: number; name: string; probability: number };
  /**
   * The photo's top 5 under the run's model. A batch keeps only the explained class, so they are
   * computed when the item is opened (one model call, the batch's own preprocessing).
   */
  top5: ClassEntry[];
  /** Why there is no top 5 (the run's model is not on this machine or not opened in this session). */
  top5Note?: string;
  methods: RunItemMethod[];
}

/** runThumbnails' reply: a small JPEG (data: URL, longest side 64 px) per photo of the run (a clip run: each clip's middle frame), by its name in the run; a photo that cannot be read has none. */
export interface RunThumbnails {
  runId: string;
  thumbnails: Record<string, string>;
}

/** What a run was made with, as run.json records it: the Batch view's sidebar shows it for a reopened run. */
export interface RunSettings {
  model: string;
  /** The methods asked for (a refinement's prior, computed for it, left out). */
  methods: string[];
  preset?: string;
  /** BOREx's iterations, RISE's masks (of the first method that has them). */
  iterations?: number;
  masks?: number;
  baseline?: string;
  /** The VOC → model class map's file name, when the run had one (else each item is the top-1 class). */
  classMap?: string;
  maps: 'npy' | 'none';
  medium: 'photo' | 'video';
}

/** openRun's reply: the run's items and what it was made with. */
export interface ReopenedRun extends OpenedRun {
  settings: RunSettings;
}

export type { CurveMetrics, Curves };
