/**
 * Messages between an engine host (worker_threads worker, or Electron utilityProcess) and the
 * process that owns it. One job runs at a time; `seq` numbers them. Cancellation also goes through
 * a shared Int32Array (slot 0 = seq to cancel), read by the engine between batches even while the
 * worker's event loop is busy with a long chain of model calls.
 */
import type { ErrorInfo } from '../../shared/errors.ts';
import type { BatchDone, BatchRequest, ClassifyResponse, ExplainDone, ExplainRequest, ExplainVideoRequest, ExportDone, ExportVideoRequest, Geometry, JobProgress, ProxyDone, VideoExplainDone } from '../../shared/api.ts';

/**
 * The model a job uses: a catalogue name (`key`), or a user's .onnx by path (`key` = `user:<id>`),
 * whose spec is its sidecar and whose labels, when the user gave a file, come from `labelsFile`.
 */
export interface ModelSource {
  key: string;
  file?: string;
  labelsFile?: string;
  /** Clip models: frames per clip (T) and windowing, as `borex video --frames/--window --stride`. */
  clip?: { frames?: number; sampling?: { window: number; stride: number } };
}

/** What a video job needs of the video: where it is and the name the user knows it by (in messages). */
export interface VideoSource {
  file: string;
  name: string;
}

export type HostJob =
  | { kind: 'classify'; image: string; model: ModelSource }
  | { kind: 'explain'; image: string; outDir: string; request: ExplainRequest; model: ModelSource; vocXmlFile?: string; priorFile?: string }
  | { kind: 'batch'; inputDir: string; outDir: string; request: BatchRequest; model: ModelSource }
  /** Continues the run in `runDir` (its spec from its run.json); the model is the one the run used, found again. */
  | { kind: 'resume'; runDir: string; model: ModelSource }
  /** Opens a user's model afresh (and runs it once), so a file that is not a classifier is refused at once. */
  | { kind: 'open-model'; model: ModelSource }
  /** A clip model on a video, clip by clip, into outDir (result.json, saliency.npy, prior.npy). */
  | { kind: 'explain-video'; video: VideoSource; outDir: string; request: ExplainVideoRequest; model: ModelSource; tubeFile?: string; tubeName?: string; priorFile?: string }
  /** The H.264 proxy of a video, written to `out`. */
  | { kind: 'proxy'; video: VideoSource; out: string; videoId: string }
  /** The annotated MP4 of a finished explain-video job (its maps as it handed them back), written to `out`. */
  | { kind: 'export-video'; video: VideoSource; out: string; request: ExportVideoRequest; done: ExportSource };

/** The parts of a finished explain-video job an export needs. */
export interface ExportSource {
  clips: { frames: number[]; label: { name: string; probability: number }; signed: boolean }[];
  method: string;
  priorMethod?: string;
  maps: Float32Array[];
  priorMaps?: Float32Array[];
  dims: [number, number, number];
  geometry: Geometry;
}

/** What opening a model found (UserModelInfo without the user's own file name). */
export interface OpenedModel {
  name: string;
  file: string;
  classes: number;
  input: { height: number; width: number; layout: string; resize: string };
  specSource: string;
  labelsFile?: string;
  warnings: string[];
}

export type HostJobResult = ClassifyResponse | ExplainDone | BatchDone | OpenedModel | VideoExplainDone | ProxyDone | ExportDone;

export type ToHost = { type: 'job'; seq: number; job: HostJob } | { type: 'cancel'; seq: number };

export type FromHost =
  | { type: 'progress'; seq: number; progress: JobProgress }
  | { type: 'result'; seq: number; value: HostJobResult }
  | ({ type: 'error'; seq: number } & ErrorInfo);

/** Options the host opens models with (from the app's settings). */
export interface HostSettings {
  threads?: number;
  executionProvider?: 'cpu' | 'cuda' | 'webgpu';
}
