/**
 * The one API of BOREx Studio, shared by both transports: Electron IPC (preload → main) and
 * HTTP + WebSocket (`borex serve`). Requests are validated with the schemas below wherever they
 * arrive; results and job events flow back. Maps travel as Float32Array (structured clone over IPC,
 * base64 over HTTP: see wire.ts).
 */
import { arr, int, literal, num, obj, oneOf, optional, str, tagged, tuple4, type Schema } from './schema.ts';

export const API_VERSION = 1;

export const METHOD_CHOICES = ['borex', 'bo', 'rise', 'pn-rise', 'gradcam', 'gradcampp'] as const;
export type MethodChoice = (typeof METHOD_CHOICES)[number];
/** Priors BOREx can refine: a method's map, or none (i0 = 0). */
export const PRIOR_NAMES = ['rise', 'pn-rise', 'gradcampp', 'none'] as const;
export type PriorName = (typeof PRIOR_NAMES)[number];
/** What BOREx refines: a named prior, or (with `priorFileId`) a map imported from a file. */
export const PRIOR_CHOICES = [...PRIOR_NAMES, 'file'] as const;
export type PriorChoice = (typeof PRIOR_CHOICES)[number];
export const PRESET_CHOICES = ['paper', 'default', 'quality'] as const;
export type PresetChoice = (typeof PRESET_CHOICES)[number];
export const BASELINE_CHOICES = ['mean', 'black', 'blur'] as const;
/** Files a finished job offers for export. */
export const JOB_FILES = ['overlay.png', 'prior-overlay.png', 'saliency.npy', 'prior.npy', 'result.json'] as const;
export type JobFile = (typeof JOB_FILES)[number];

const id = str({ max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
/** Requests name a user's own model (opened with openModel) as `user:<id>`. */
export const USER_MODEL_PREFIX = 'user:';
/** A catalogue model's name, or `user:<id>` of a model the user opened; never a path. */
const modelRef = str({ max: 200, pattern: /^(?:[A-Za-z0-9._-]+|user:[A-Za-z0-9_-]{1,64})$/ });

// ---- requests -------------------------------------------------------------------------------

export const classifyRequest = obj({ imageId: id, model: modelRef });
export type ClassifyRequest = ReturnType<typeof classifyRequest>;

export const advancedOptions = obj({
  seed: optional(int(0, 2 ** 31 - 1)),
  masks: optional(int(1, 50_000)),
  gridSize: optional(int(2, 64)),
  keepProbability: optional(num({ min: 0.01, max: 0.99 })),
  iterations: optional(int(1, 1000)),
  kappa: optional(num({ min: 0, max: 1000 })),
  gain: optional(num({ min: 0, max: 1000 })),
  halfSizes: optional(arr(num({ min: 1, max: 224 }), { min: 1, max: 8 })),
  metricStep: optional(int(1, 100_000)),
  baseline: optional(oneOf(BASELINE_CHOICES)),
});
export type AdvancedOptions = ReturnType<typeof advancedOptions>;

/** A box [x0, y0, x1, y1) in photo pixels. */
export type PhotoBox = [number, number, number, number];
const photoBox = tuple4(num({ min: 0, max: 100_000 }));

export const groundTruth = tagged({
  boxes: obj({ type: literal('boxes'), boxes: arr(photoBox, { min: 1, max: 100 }) }),
  voc: obj({ type: literal('voc'), xml: str({ max: 200_000 }), name: optional(str({ max: 200 })) }),
});
export type GroundTruthInput = ReturnType<typeof groundTruth>;

export const explainRequest = obj({
  imageId: id,
  model: modelRef,
  /** Class index to explain; the model's top-1 when absent. */
  label: optional(int(0, 100_000)),
  method: oneOf(METHOD_CHOICES),
  prior: oneOf(PRIOR_CHOICES),
  /** For prior 'file': an imported map (see openPrior). */
  priorFileId: optional(id),
  preset: oneOf(PRESET_CHOICES),
  advanced: optional(advancedOptions),
  groundTruth: optional(groundTruth),
});
export type ExplainRequest = ReturnType<typeof explainRequest>;

export const jobRequest = obj({ jobId: id });

/** A run directory's name inside the runs directory (no paths): an id from runs(). */
const runId = str({ max: 200, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/ });
export const runRequest = obj({ runId });
export type RunRequest = ReturnType<typeof runRequest>;

/**
 * Continue a past batch run that did not finish, in its own run directory: the run is named by its
 * id only; everything else (input, model, methods) is what its run.json recorded.
 */
export const resumeRunRequest = obj({ runId });
export type ResumeRunRequest = ReturnType<typeof resumeRunRequest>;
export type JobRequest = ReturnType<typeof jobRequest>;

export const fileRequest = obj({ jobId: id, file: oneOf(JOB_FILES) });
export type FileRequest = ReturnType<typeof fileRequest>;

/** Method ids a batch can run (as `borex batch --methods`); a refinement's prior is added if absent. */
export const BATCH_METHOD_CHOICES = ['rise', 'pn-rise', 'gradcam', 'gradcampp', 'borex:rise', 'borex:pn-rise', 'borex:gradcampp', 'borex:none', 'bo'] as const;

export const batchRequest = obj({
  /** Photos already opened (uploaded or opened by path), in queue order; or else `folderId`. */
  imageIds: optional(arr(id, { min: 1, max: 1000 })),
  /** App only: a folder opened with openFolder, run as `borex batch FOLDER` (a VOC root brings its boxes). */
  folderId: optional(id),
  model: modelRef,
  methods: arr(oneOf(BATCH_METHOD_CHOICES), { min: 1, max: BATCH_METHOD_CHOICES.length }),
  preset: oneOf(PRESET_CHOICES),
  seed: optional(int(0, 2 ** 31 - 1)),
  iterations: optional(int(1, 1000)),
});
export type BatchRequest = ReturnType<typeof batchRequest>;

/**
 * App only: a model chosen or dropped by the user, by path (main re-checks every path). The spec
 * is read from beside the model (NAME.borex.json), so `spec`, if given, must be that very file;
 * `labels` may be anywhere.
 */
export const openModelPaths = obj({
  model: str({ max: 4096 }),
  spec: optional(str({ max: 4096 })),
  labels: optional(str({ max: 4096 })),
});
export type OpenModelPaths = ReturnType<typeof openModelPaths>;

/** Serve only: the query of a model upload (the body is the .onnx; spec and labels uploaded first, by id). */
export const modelUpload = obj({
  name: str({ max: 200, pattern: /^[^/\\\0]+\.onnx$/i }),
  spec: optional(id),
  labels: optional(id),
});

/** Messages a client may send on the serve-mode WebSocket. */
export const socketMessage = tagged({
  cancel: obj({ type: literal('cancel'), jobId: id }),
  ping: obj({ type: literal('ping') }),
});
export type SocketMessage = ReturnType<typeof socketMessage>;

// ---- responses and events -------------------------------------------------------------------

export interface ModelListing {
  /** What requests send: a catalogue name, or `user:<id>`. */
  name: string;
  description: string;
  /** Found on this machine (offline directory, cache or bundled). */
  available: boolean;
  /** A model the user opened (openModel): already opened once by the engine. */
  user?: UserModelInfo;
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
  | { type: 'annotation'; name: string; xml: string };

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
}

export interface JobStarted {
  jobId: string;
}

/** A batch job started (new or resumed), and the run directory it writes: an id as runs() lists it. */
export interface BatchStarted extends JobStarted {
  runId: string;
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
  borex?: { samples: { row: number; col: number; halfSize: number; y: number }[]; modelCalls: number };
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
  methods: Record<string, { status: 'ok' | 'failed'; insertion?: number; deletion?: number; fRp?: number; error?: string }>;
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

export type JobEvent =
  | {
      type: 'progress';
      jobId: string;
      stage: string;
      done: number;
      total: number;
      etaMs?: number;
      /** BOREx: the refined map so far (model input resolution). */
      partialMap?: Float32Array;
      /** BOREx: sampled squares as (row, col, halfSize) triples in model-input pixels. */
      samples?: number[];
      /** BOREx: the prior being refined, sent once as soon as it is computed (model input resolution). */
      priorMap?: Float32Array;
      /** Sent once, first: where the model's input sits in the photo (to draw live maps). */
      geometry?: Geometry;
      /** Batch: sent once, first: the run's images in run order (position = BatchItem.entry). */
      entries?: string[];
      /** Batch: items just finished; a resumed run sends the items already done with `entries`. */
      items?: BatchItem[];
    }
  | { type: 'batch-done'; jobId: string; methods: string[]; summary: BatchSummaryInfo }
  | {
      type: 'done';
      jobId: string;
      result: ResultSummary;
      map: Float32Array;
      priorMap?: Float32Array;
      geometry: Geometry;
      files: JobFile[];
    }
  | { type: 'failed'; jobId: string; kind: string; message: string };

// ---- the API --------------------------------------------------------------------------------

/** What the renderer sees, whichever transport carries it. */
export interface BorexApi {
  info(): Promise<AppInfo>;
  /** A photo chosen or dropped by the user: uploaded (serve) or passed by path to main (app). */
  openImage(file: File): Promise<ImageInfo>;
  /** A saliency map to refine (.npy, .png, .tif, .json), uploaded or passed by path like a photo. */
  openPrior(file: File): Promise<{ id: string; name: string }>;
  /**
   * The user's own .onnx model with, optionally, its spec (NAME.borex.json) and labels (.txt):
   * uploaded (serve) or passed by path (app). The engine opens it at once, so a file that is not
   * an image classifier is refused here with the engine's reason.
   */
  openModel(files: File[]): Promise<ModelListing>;
  /** App only: a dropped folder, for a batch over it. */
  openFolder?(folder: File): Promise<OpenedFolder>;
  /** A URL the UI can show the registered photo from. */
  imageUrl(imageId: string): string;
  classify(request: ClassifyRequest): Promise<ClassifyResponse>;
  explain(request: ExplainRequest): Promise<JobStarted>;
  batch(request: BatchRequest): Promise<BatchStarted>;
  /** Batch runs in the runs directory, newest first. */
  runs(): Promise<{ dir: string; runs: RunListing[] }>;
  openRun(request: RunRequest): Promise<OpenedRun>;
  /**
   * Continues a run that did not finish in its own directory, skipping finished images; its job
   * first reports every image of the run (`entries`) with the items already done, then goes on as
   * a batch does. Refused, naming what is missing, when the run's inputs or model are gone.
   */
  resumeRun(request: ResumeRunRequest): Promise<BatchStarted>;
  cancel(request: JobRequest): Promise<{ cancelled: boolean }>;
  /** Saves (app) or downloads (browser) one of a finished job's files. */
  exportFile(request: FileRequest): Promise<void>;
  /** URL of a finished job's file, for links and for tests. */
  fileUrl(request: FileRequest): string;
  onJobEvent(listener: (event: JobEvent) => void): () => void;
  /** App only: a photo, model, folder or annotation opened by the menu, open-with, a second launch or a recent file. */
  onOpened?(listener: (item: OpenedItem) => void): () => void;
  /** App only: the persisted settings (validated and saved by main). */
  getSettings?(): Promise<AppSettings>;
  setSettings?(patch: Partial<Omit<AppSettings, 'recent'>>): Promise<AppSettings>;
  /** App only: menu commands (run, cancel, reset-zoom, shortcuts, open). */
  onCommand?(listener: (command: string) => void): () => void;
}
