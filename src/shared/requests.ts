/** Requests of the API and the choices they name, with the schemas that check them wherever they arrive. */
import { COLORMAPS } from './colormaps.ts';
import { arr, int, literal, num, obj, oneOf, optional, str, tagged, tuple4, type Schema } from './schema.ts';

export const API_VERSION = 1;

/** The most BOREx/BO iterations one request may ask for: the API's schemas and the CLI's --iterations. */
export const MAX_ITERATIONS = 1000;

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
/** Occlusion baselines (engine/image/baseline.ts); `temporal-mean` is for clips only. */
export const BASELINE_CHOICES = ['mean', 'black', 'blur', 'temporal-mean'] as const;
export type BaselineChoice = (typeof BASELINE_CHOICES)[number];
/** Files a finished job offers for export. */
export const JOB_FILES = ['overlay.png', 'prior-overlay.png', 'saliency.npy', 'prior.npy', 'result.json', 'annotated.mp4', 'uncertainty.npy'] as const;
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
  iterations: optional(int(1, MAX_ITERATIONS)),
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

/** What to explain and how: the fields a photo's and a clip's explain requests share (same bounds). */
const explainChoices = {
  model: modelRef,
  /** Class index to explain; the model's top-1 when absent. */
  label: optional(int(0, 100_000)),
  method: oneOf(METHOD_CHOICES),
  prior: oneOf(PRIOR_CHOICES),
  /** For prior 'file': an imported map (see openPrior; a clip's is a [T,H,W] .npy). */
  priorFileId: optional(id),
  preset: oneOf(PRESET_CHOICES),
};

export const explainRequest = obj({
  imageId: id,
  ...explainChoices,
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
  /** Videos already opened (openVideo), in queue order: a batch of clips (the model must be a clip model). */
  videoIds: optional(arr(id, { min: 1, max: 1000 })),
  /** App only: a folder opened with openFolder, run as `borex batch FOLDER` (a VOC root brings its boxes). */
  folderId: optional(id),
  /**
   * With imageIds: VOC XML annotations of some of those photos (a VOC folder chosen in a browser,
   * whose Annotations/ come with its photos). The batch then runs over a VOC root, as `borex batch`
   * runs over one: each photo scored against its own XML (one without an XML is recorded failed).
   */
  annotations: optional(arr(obj({ imageId: id, xml: str({ max: 200_000 }), name: optional(str({ max: 200 })) }), { max: 1000 })),
  model: modelRef,
  methods: arr(oneOf(BATCH_METHOD_CHOICES), { min: 1, max: BATCH_METHOD_CHOICES.length }),
  preset: oneOf(PRESET_CHOICES),
  seed: optional(int(0, 2 ** 31 - 1)),
  iterations: optional(int(1, MAX_ITERATIONS)),
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

// ---- video (issue 12) ------------------------------------------------------------------------

/** Which file a <video> element plays: the user's own, or the engine's H.264 proxy (makeProxy). */
export const MEDIA_VARIANTS = ['original', 'proxy'] as const;
export type MediaVariant = (typeof MEDIA_VARIANTS)[number];

/** The most frames one clip may have (T), as the API's schemas check it. */
export const MAX_CLIP_FRAMES = 512;

/** A video opened with openVideo, by id. */
export const videoRequest = obj({ videoId: id });
export type VideoRequest = ReturnType<typeof videoRequest>;

/**
 * Explain a clip model on an opened video, clip by clip (as `borex video`): T frames sampled
 * uniformly (`frames`, default the model spec's), or windows of T consecutive frames every
 * `stride` frames (`window`, as --window T --stride S). `tubeId`: a tube file opened with
 * openTube scores each clip's map (recall/precision/F, pointing game).
 */
export const explainVideoRequest = obj({
  videoId: id,
  ...explainChoices,
  frames: optional(int(1, MAX_CLIP_FRAMES)),
  window: optional(obj({ frames: int(1, MAX_CLIP_FRAMES), stride: int(1, 1_000_000) })),
  advanced: optional(advancedOptions),
  tubeId: optional(id),
});
export type ExplainVideoRequest = ReturnType<typeof explainVideoRequest>;

/** Which map an export blends; how it is laid out. */
export const EXPORT_MAPS = ['refined', 'prior'] as const;
/** single: the map over the video; original-map: the plain video | the map; prior-refined: prior | refined. */
export const EXPORT_LAYOUTS = ['single', 'original-map', 'prior-refined'] as const;

/** An annotated MP4 of a finished explainVideo job (its jobId). */
export const exportVideoRequest = obj({
  jobId: id,
  map: optional(oneOf(EXPORT_MAPS)),
  layout: optional(oneOf(EXPORT_LAYOUTS)),
  opacity: optional(num({ min: 0, max: 1 })),
  colormap: optional(oneOf(COLORMAPS)),
});
export type ExportVideoRequest = ReturnType<typeof exportVideoRequest>;

/** Messages a client may send on the serve-mode WebSocket. */
export const socketMessage = tagged({
  cancel: obj({ type: literal('cancel'), jobId: id }),
  ping: obj({ type: literal('ping') }),
});
export type SocketMessage = ReturnType<typeof socketMessage>;

