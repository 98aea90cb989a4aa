/** Replies, results and job events of the API, as every process reads them. */
import type { ErrorInfo } from './errors.ts';
import type { JobFile, MethodChoice, PresetChoice, PriorChoice } from './requests.ts';
import type { VideoMediaInfo } from './media.ts';

export interface ModelListing {
  /** What requests send: a catalogue name, or `user:<id>`. */
  name: string;
  description: string;
  /** Found on this machine (offline directory, cache or bundled). */
  available: boolean;
  /** A model the user opened (openModel): already opened once by the engine. */
  user?: UserModelInfo;
  /** A clip model (input layout NCTHW, NTCHW or NTHWC): it explains videos, not photos. */
  clip?: boolean;
}

/** What the engine found when it opened a user's model. */
export interface UserModelInfo {
  /** The .onnx file's name as the user knows it. */
  fileName: string;
  /** The model's name in results (the file's stem, or its catalogue name). */
  modelName: string;
  classes: number;
  input: { height: number; width: number; layout: string; resize: string };
  /** Where the preprocessing came from: the sidecar spec, the catalogue, or the defaults. */
  specSource: string;
  /** The labels file used, or undefined when classes are shown by index. */
  labels?: string;
  /** Non-fatal notices (labels that do not fit, a provider fallen back to CPU). */
  warnings: string[];
}

/** App only: a folder opened for a batch (its photos listed as `borex batch` lists them). */
export interface OpenedFolder {
  id: string;
  name: string;
  /** A PASCAL VOC root (JPEGImages/ + Annotations/) brings its boxes. */
  kind: 'folder' | 'voc-root';
  /** The photos in run order, relative to the folder. */
  images: string[];
}

/** App only: what main opened itself (menu, open-with, a second launch, a recent file). */
export type OpenedItem =
  | { type: 'image'; image: ImageInfo }
  | { type: 'model'; model: ModelListing }
  | { type: 'folder'; folder: OpenedFolder }
  /** A VOC annotation for the photo in the explain view. */
  | { type: 'annotation'; name: string; xml: string }
  /** A video, registered with the engine (probe and pts), for the Video view. */
  | { type: 'video'; video: OpenedVideo };

export interface AppInfo {
  apiVersion: number;
  version: string;
  transport: 'http' | 'ipc';
  models: ModelListing[];
  defaultModel: string;
  methods: readonly MethodChoice[];
  priors: readonly PriorChoice[];
  presets: readonly PresetChoice[];
  /** Each preset's RISE parameters and the BOREx defaults, shown as the advanced panel's placeholders. */
  presetParams: Record<PresetChoice, { masks: number; gridSize: number; keepProbability: number }>;
  borexDefaults: { iterations: number; kappa: number; gain: number; halfSizes: number[] };
}

/** The desktop app's settings (src/main/settings.ts validates and persists them). */
export interface AppSettings {
  modelDir?: string;
  executionProvider: 'cpu' | 'cuda' | 'webgpu';
  threads?: number;
  defaultMethod: MethodChoice;
  defaultPreset: PresetChoice;
  /** The model last chosen in the Explain or Batch view (a catalogue name); the engine's default when absent. */
  defaultModel?: string;
  recent: string[];
}

export interface ImageInfo {
  id: string;
  name: string;
  width: number;
  height: number;
}

export interface ClassEntry {
  index: number;
  name: string;
  probability: number;
}

export interface ClassifyResponse {
  model: string;
  top5: ClassEntry[];
  numClasses: number;
  /** Every class's name, by index (the class search offers all of them, not only the top 5). */
  labels: string[];
  /** The photo's probability of every class, by index. */
  probabilities: number[];
}

export interface JobStarted {
  jobId: string;
}

/** A batch job started (new or resumed), and the run directory it writes: an id as runs() lists it. */
export interface BatchStarted extends JobStarted {
  runId: string;
  /**
   * A batch of imageIds: each photo's name in the run (as the run's `entries` list it), in
   * imageIds order. The batch links photos under their own names; two with the same name get
   * distinct ones (`a.jpg`, `a-2.jpg`), so the queue matches the run by these, never by guessing.
   */
  inputs?: string[];
}

/** A map's scores (result.json's `metrics`); the engine's ExplainResult uses this very type. */
export interface CurveMetrics {
  insertion?: number;
  deletion?: number;
  fRp?: number;
  f1?: number;
  pointingGame?: boolean;
  pointingGameTolerant?: boolean;
}

export interface Curves {
  insertion: number[];
  deletion: number[];
}

/** Where the model's input window sits in the photo (engine/image/preprocess.ts computes it, as its InputGeometry). */
export interface Geometry {
  photoWidth: number;
  photoHeight: number;
  resizedWidth: number;
  resizedHeight: number;
  cropLeft: number;
  cropTop: number;
  width: number;
  height: number;
}

/** The part of result.json the UI reads (the engine's ExplainResult is checked to fit it). */
export interface ResultSummary {
  image: string;
  model: { name: string; sha256: string; input: { height: number; width: number; resize: string } };
  label: { index: number; name: string; probability: number };
  top5: ClassEntry[];
  method: string;
  signed: boolean;
  metrics?: CurveMetrics;
  curves?: Curves;
  prior?: { method: string; signed: boolean; metrics?: CurveMetrics; curves?: Curves };
  /**
   * BOREx/BO: the samples (with rectangles, each one's half-sides in model-input pixels) and, with a
   * learned prior weight, the fitted β (`priorWeight`) and per-size offsets.
   */
  borex?: { samples: { row: number; col: number; halfSize: number; halfHeight?: number; halfWidth?: number; y: number }[]; modelCalls: number; priorWeight?: number; priorOffsets?: number[]; check?: DeletionCheck };
  groundTruth?: { source: string; class?: string; boxes: [number, number, number, number][] };
  timing: { total_ms: number; model_ms: number; gp_ms: number; model_calls: number };
}

/** One finished item of a batch, as the queue and results table show it. */
export interface BatchItem {
  key: string;
  image: string;
  /** The image's index in the run, and how many items it has (one per class explained, or one). */
  entry: number;
  parts: number;
  status: 'ok' | 'failed' | 'no-item';
  label?: string;
  /** Why the item failed or has no item. */
  note?: string;
  methods: Record<string, { status: 'ok' | 'failed'; insertion?: number; deletion?: number; fRp?: number; pointingGame?: boolean; error?: string }>;
}

/** A batch run on disk (made here or by `borex batch`), as the list of past runs shows it. */
export interface RunListing {
  runId: string;
  created: string;
  model: string;
  methods: string[];
  entries: number;
  /** Images finished so far. */
  items: number;
  /** Images still to do: a run stopped early (cancelled, crashed) can be resumed (resumeRun). */
  remaining: number;
}

/** One row of a run's paired tests (the engine's compare rows carry more: statistic, warnings, differences). */
export interface ComparisonRow {
  table: string;
  /** The row's name in the paper's tables ("RISE", "no-flip", …). */
  name: string;
  baseline: string;
  candidate: string;
  subset?: string;
  metric: 'fRp' | 'f1' | 'insertion' | 'deletion';
  alternative: 'greater' | 'less';
  n: number;
  meanBaseline?: number;
  meanCandidate?: number;
  medianDifference?: number;
  /** Share of pairs improved in the test's direction. */
  shareImproved?: number;
  pValue?: number;
  /** Why there is no test (no pairs, all differences zero). */
  note?: string;
}

/**
 * A run's paired tests, as `borex compare RUN_DIR` computes them (src/engine/jobs/compare.ts): the
 * rows of the paper's Tables 1 and 2 its methods allow, one per pair and metric, each a one-sided
 * Wilcoxon signed-rank test of candidate against baseline over the items where both succeeded.
 */
export interface RunComparison {
  runId: string;
  rows: ComparisonRow[];
  /** Why there are no rows (the run has no method paired with its refinement). */
  note?: string;
}

export interface OpenedRun {
  runId: string;
  methods: string[];
  items: BatchItem[];
}

export interface BatchSummaryInfo {
  entries: number;
  /** Images finished before this job (a resumed run), and finished by it. */
  skipped: number;
  processed: number;
  ok: number;
  failed: number;
  noItem: number;
  elapsedMs: number;
}

/**
 * A job's progress as every process sees it: the stage, counts and ETA, plus what the job can show
 * while it runs. The engine reports the first fields (engine/progress.ts); the worker adds the rest.
 */
export interface JobProgress {
  stage: string;
  done: number;
  total: number;
  /** Estimated milliseconds left for this stage, when known. */
  etaMs?: number;
  /** BOREx: the refined map so far (model input resolution). */
  partialMap?: Float32Array;
  /** BOREx: sampled squares as (row, col, halfSize) triples in model-input pixels. */
  samples?: number[];
  /** BOREx: each sample's observed value y, in the order of `samples` (the live squares are coloured by it). */
  sampleValues?: number[];
  /**
   * BOREx with rectangle masks (shapes rects): each sample's (halfHeight, halfWidth) in model-input
   * pixels, in the order of `samples` (whose halfSize is then the rectangle's size s, the
   * half-width of the square of the same area). The app draws each as its rectangle.
   */
  sampleShapes?: number[];
  /** BOREx: the prior being refined, sent once as soon as it is computed (model input resolution). */
  priorMap?: Float32Array;
  /** Sent once, first: where the model's input sits in the photo (to draw live maps). */
  geometry?: Geometry;
  /** Batch: sent once, first: the run's images in run order (position = BatchItem.entry). */
  entries?: string[];
  /** Batch: items just finished; a resumed run sends the items already done with `entries`. */
  items?: BatchItem[];
  /** explainVideo: sent once, first (with `geometry`): every clip's frames and the map dims [T,H,W]. */
  video?: VideoJobPlan;
  /**
   * explainVideo: the clip (index into `video.clips`) that `priorMap`, `partialMap` and `samples`
   * belong to. For a clip, maps are [T,H,W] and `samples` are (row, col, halfSize, firstFrame,
   * frameCount) quintuples: a square in model-input pixels over clip positions [firstFrame,
   * firstFrame + frameCount) (positions index `clips[clip].frames`).
   */
  clip?: number;
}

/** What an explainVideo job will compute, known before the first model call. */
export interface VideoJobPlan {
  clips: { window: number; frames: number[]; pts: number[] }[];
  /** One clip's map dims: [T, H, W] at the model's input resolution. */
  dims: [number, number, number];
}

/** What a finished explain job hands back: the result, its maps and the files it wrote. */
export interface ExplainDone {
  result: ResultSummary;
  map: Float32Array;
  priorMap?: Float32Array;
  /** BOREx/BO: the posterior σ per pixel, aggregated like the map (uncertainty.npy; the map's dims). */
  uncertainty?: Float32Array;
  geometry: Geometry;
  files: JobFile[];
}

// ---- video (issue 12) ------------------------------------------------------------------------

/** A video opened with openVideo: the probe, every decoded frame's time, and its id for calls and media URLs. */
export interface OpenedVideo extends VideoMediaInfo {
  id: string;
  /** Presentation time (s) of every decoded frame, in decode-output order (frame k = pts[k]), from ffprobe. */
  pts: number[];
  /** Each frame's duration (s): frame k shows over [pts[k], pts[k] + durations[k]). */
  durations: number[];
  /** An H.264 proxy is ready (variant 'proxy' plays); false until a makeProxy job finishes. */
  proxyReady: boolean;
}

/** A tube file (ground truth per frame) opened with openTube; checked against the video when a job uses it. */
export interface OpenedTube {
  id: string;
  name: string;
}

/** One clip's explanation as clients read it (the engine's ClipResult is checked to fit it). */
export interface ClipSummary {
  window: number;
  /** The video frames the model saw (decode-order indices) and their pts (s). */
  frames: number[];
  pts: number[];
  /** Mean saliency of each sampled frame, in the order of `frames`. */
  frameImportance: number[];
  label: { index: number; name: string; fullName: string; probability: number };
  top5: ClassEntry[];
  signed: boolean;
  /** Voxel insertion/deletion AUCs; with a tube, F/recall/precision and the pointing game. */
  metrics?: CurveMetrics;
  curves?: Curves;
  prior?: { method: string; signed: boolean; frameImportance: number[]; metrics?: CurveMetrics; curves?: Curves };
  borex?: { modelCalls: number };
  groundTruth?: { source: string; voxels: number };
}

/** The part of a video job's result.json the UI reads (the engine's VideoExplainResult is checked to fit it). */
export interface VideoResultSummary {
  video: string;
  videoInfo: { codec: string; width: number; height: number; /** The file's rotation (clockwise degrees), already applied: width × height are upright. */ rotation: number; sar: [number, number]; frameCount: number; duration: number; variableFrameRate: boolean; browserPlayable: boolean };
  model: { name: string; sha256: string; input: { frames: number; height: number; width: number; layout: string; resize: string } };
  method: string;
  sampling: 'uniform' | { window: number; stride: number };
  clips: ClipSummary[];
  warnings: string[];
  timing: { total_ms: number; model_ms: number; gp_ms: number; model_calls: number };
}

/** What a finished explainVideo job hands back: the summary, each clip's maps, and the files it wrote. */
export interface VideoExplainDone {
  result: VideoResultSummary;
  /** One [T,H,W] map per clip (model-input resolution, frame-major), in the order of result.clips. */
  maps: Float32Array[];
  /** Refinements: each clip's prior, the same way. */
  priorMaps?: Float32Array[];
  dims: [number, number, number];
  geometry: Geometry;
  files: JobFile[];
  /**
   * Set when the maps were too large to inline in the event (over the backend's bound, 2 MiB of
   * float32 by default): `maps` is then empty and `priorMaps` absent, and the client reads them from
   * the job's saliency.npy (and prior.npy) through fileUrl — the same values, [T,H,W] or [clips,T,H,W].
   */
  mapsOmitted?: { bytes: number; limit: number };
}

/** A finished makeProxy job: variant 'proxy' of the video now plays; `pts` are the proxy's own frame times. */
export interface ProxyDone {
  videoId: string;
  frames: number;
  pts: number[];
}

/** A finished exportVideo job: its annotated.mp4 (exportFile with this job's id), frames and duration as ffprobe reads them. */
export interface ExportDone {
  files: JobFile[];
  frames: number;
  duration: number;
}

/** What a finished batch job (new or resumed) hands back. */
export interface BatchDone {
  methods: string[];
  summary: BatchSummaryInfo;
}

/** Every type of job event, the one stream every client listens to. */
export const JOB_EVENT_TYPES = ['progress', 'batch-done', 'done', 'video-done', 'proxy-done', 'export-done', 'failed'] as const;

export type JobEvent =
  | ({ type: 'progress'; jobId: string } & JobProgress)
  | ({ type: 'batch-done'; jobId: string } & BatchDone)
  | ({ type: 'done'; jobId: string } & ExplainDone)
  | ({ type: 'video-done'; jobId: string } & VideoExplainDone)
  | ({ type: 'proxy-done'; jobId: string } & ProxyDone)
  | ({ type: 'export-done'; jobId: string } & ExportDone)
  | ({ type: 'failed'; jobId: string } & ErrorInfo);

/**
 * BOREx's deletion check (engine/methods/borex-check.ts): which map the run returned — the refined
 * one, the prior's head over it, or the prior — and the weighted deletion scores of those it
 * compared (lower is better: the class falls sooner as the map's top pixels go).
 */
export interface DeletionCheck {
  kept: 'refined' | 'head' | 'prior';
  refined: number;
  /** The lowest score among the prior's heads, and that head's share of the pixels (the one kept when kept is `head`). */
  head?: number;
  share?: number;
  prior?: number;
}

/** The map a deletion check kept, in words (the app's caption, the CLI's and the demo's lines). */
export function deletionCheckKept(check: DeletionCheck): string {
  return { refined: 'the refinement', head: `the prior’s top 1/${Math.round(1 / (check.share ?? 1 / 16))} first`, prior: 'the prior' }[check.kept];
}
