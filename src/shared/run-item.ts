/**
 * The Batch view's drill-down (issue 13, finding 14): one item of a run on disk opened in the
 * Explain view, and the run's photo thumbnails. Both name the run by id and the item by its key in
 * items.jsonl (or, for thumbnails, nothing more): never a path from the client.
 */
import type { CurveMetrics, Curves, Geometry, ImageInfo, ResultSummary } from './results.ts';
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
  /** The item's result in the shape of an explain job's (no top-5: a batch does not keep it). */
  result?: ResultSummary;
  /** The map from the run's .npy (model input resolution); absent when the run kept no maps. */
  map?: Float32Array;
  /** A refinement's prior: that method's map in the same run, when the run has it. */
  priorMap?: Float32Array;
  /** Why there is no map (the run was made with `--maps none`, or its file is gone). */
  mapNote?: string;
}

/** openRunItem's reply: the photo (opened as a session photo, so imageUrl shows it), where the model's input sits in it, and each method. */
export interface OpenedRunItem {
  runId: string;
  key: string;
  image: ImageInfo;
  geometry: Geometry;
  label?: { index: number; name: string; probability: number };
  methods: RunItemMethod[];
}

/** runThumbnails' reply: a small JPEG (data: URL, longest side 64 px) per photo of the run, by its name in the run; a photo that cannot be read has none. */
export interface RunThumbnails {
  runId: string;
  thumbnails: Record<string, string>;
}

export type { CurveMetrics, Curves };
