/**
 * Messages between an engine host (worker_threads worker, or Electron utilityProcess) and the
 * process that owns it. One job runs at a time; `seq` numbers them. Cancellation also goes through
 * a shared Int32Array (slot 0 = seq to cancel), read by the engine between batches even while the
 * worker's event loop is busy with a long chain of model calls.
 */
import type { BatchItem, BatchRequest, BatchSummaryInfo, ClassifyResponse, ExplainRequest, Geometry, JobFile, ResultSummary } from '../../shared/api.ts';

export type HostJob =
  | { kind: 'classify'; image: string; model: string }
  | { kind: 'explain'; image: string; outDir: string; request: ExplainRequest; vocXmlFile?: string; priorFile?: string }
  | { kind: 'batch'; inputDir: string; outDir: string; request: BatchRequest };

export interface BatchJobResult {
  methods: string[];
  summary: BatchSummaryInfo;
}

export interface ExplainJobResult {
  result: ResultSummary;
  map: Float32Array;
  priorMap?: Float32Array;
  geometry: Geometry;
  files: JobFile[];
}

export type HostJobResult = ClassifyResponse | ExplainJobResult | BatchJobResult;

export interface HostProgress {
  stage: string;
  done: number;
  total: number;
  etaMs?: number;
  partialMap?: Float32Array;
  samples?: number[];
  geometry?: Geometry;
  entries?: string[];
  items?: BatchItem[];
}

export type ToHost = { type: 'job'; seq: number; job: HostJob } | { type: 'cancel'; seq: number };

export type FromHost =
  | { type: 'progress'; seq: number; progress: HostProgress }
  | { type: 'result'; seq: number; value: HostJobResult }
  | { type: 'error'; seq: number; kind: string; message: string };

/** Options the host opens models with (from the app's settings). */
export interface HostSettings {
  threads?: number;
  executionProvider?: 'cpu' | 'cuda' | 'webgpu';
}
