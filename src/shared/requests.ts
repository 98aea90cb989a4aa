/** Requests of the API and the choices they name, with the schemas that check them wherever they arrive. */
import { COLORMAPS } from './colormaps.ts';
import { ApiError } from './errors.ts';
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

/** How much BOREx's GP mean trusts the prior (BorexParams.priorWeight): i0 as it is, or β·i0 with β fitted. */
export const PRIOR_WEIGHT_CHOICES = ['fixed', 'learned'] as const;
export type PriorWeightChoice = (typeof PRIOR_WEIGHT_CHOICES)[number];
/** BOREx's masks on a photo (BorexParams.shapes): the paper's squares, or rectangles of the squares' areas. */
export const SHAPE_CHOICES = ['squares', 'rects'] as const;
export type ShapeChoice = (typeof SHAPE_CHOICES)[number];
/**
 * BOREx's deletion check (BorexParams.check): its alternative is the prior's top 1/16 heading the
 * refined map (head), the prior itself (prior), either, the prior by a margin (both), or the
 * prior's top 1/16 or 1/8, or the prior itself, where it deletes clearly better, from few images
 * (heads); the prior itself, asked along the whole deletion curve (uniform: for models whose
 * curves are not decided by the first pixels, like the demo's); off: no check (the paper's).
 */
export const DELETION_CHECK_CHOICES = ['head', 'prior', 'both', 'heads', 'uniform', 'off'] as const;
export type DeletionCheckChoice = (typeof DELETION_CHECK_CHOICES)[number];
/**
 * How the prior enters BOREx's final map (BorexParams.composition): the names of the engine's
 * parser (methods/borex-aggregate.ts parseComposition reads this list),
 * `prior-after*K` (K > 0) and `tiebreak:Q` (0 < Q ≤ 1) being the parameterised ones.
 */
export const COMPOSITION_NAMES = ['coverage', 'prior-after', 'rank-sum', 'rank-product', 'min', 'max', 'product', 'tiebreak'] as const;
/**
 * What this product's BOREx does on photos beyond the public code (docs/results/borex-seeds.md,
 * "Item 7" and "`+check-heads` like for like"): the prior's weight β learned, the prior added after
 * the aggregate, and the deletion check `heads` (the prior's head, or the prior, kept where it
 * deletes clearly better). Over 77 VOC items × 3 seeds, like for like, at the public code's 100
 * model calls, it beats that code's mean over the seeds on insertion, deletion and F, and its own
 * RISE prior on all three on every seed (also with the batch defaults, 79 items).
 */
export const PHOTO_BOREX_DEFAULTS = { priorWeight: 'learned', composition: 'prior-after', check: 'heads' } as const;
/**
 * Which of PHOTO_BOREX_DEFAULTS a photo's BOREx takes when the request says nothing: none with the
 * paper preset (the public code's) or no prior (nothing to weigh, nothing to check against);
 * rectangles only the weight (prior-after and the check are defined for squares). What is absent
 * is the paper's (fixed, coverage, no check). The engine's config (methods/config.ts) and the app's
 * words for "default" both read it. Clips take none (all are implemented for photos only): callers
 * do not ask for them.
 */
export function photoBorexDefaults(preset: string, prior: string, shapes: string | undefined): Partial<typeof PHOTO_BOREX_DEFAULTS> {
  if (preset === 'paper' || prior === 'none') return {};
  return (shapes ?? 'squares') === 'squares' ? { ...PHOTO_BOREX_DEFAULTS } : { priorWeight: PHOTO_BOREX_DEFAULTS.priorWeight };
}
/** Rectangle aspects (height/width) a request may ask for, and how many. */
export const ASPECT_BOUNDS = { min: 0.05, max: 20, count: 8 } as const;
const decimal = '(\\d+(?:\\.\\d*)?|\\.\\d+)';
const COMPOSITION_PATTERN = new RegExp(`^(?:(${COMPOSITION_NAMES.join('|')})|prior-after\\*${decimal}|tiebreak:${decimal})$`);

/**
 * A composition name, checked as strictly as the engine's parser reads it: everything this lets
 * through, parseComposition accepts (test/unit/shared/borex-options.test.ts, both directions).
 */
export const composition: Schema<string> = (v, p) => {
  const text = str({ max: 32 })(v, p);
  const m = COMPOSITION_PATTERN.exec(text);
  const k = m?.[2] === undefined ? undefined : Number(m[2]);
  const q = m?.[3] === undefined ? undefined : Number(m[3]);
  if (!m || (k !== undefined && !(k > 0)) || (q !== undefined && !(q > 0 && q <= 1))) {
    throw new ApiError('bad-request', `${p || 'composition'}: expected one of ${COMPOSITION_NAMES.join(', ')}, prior-after*K (K > 0) or tiebreak:Q (0 < Q ≤ 1), got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return text;
};

const advancedFields = obj({
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
  // BOREx/BO on a photo (issue 15); absent, the run is today's, bit for bit.
  priorWeight: optional(oneOf(PRIOR_WEIGHT_CHOICES)),
  composition: optional(composition),
  qBatch: optional(int(1, 64)),
  shapes: optional(oneOf(SHAPE_CHOICES)),
  aspects: optional(arr(num({ min: ASPECT_BOUNDS.min, max: ASPECT_BOUNDS.max }), { min: 1, max: ASPECT_BOUNDS.count })),
  deletionCheck: optional(oneOf(DELETION_CHECK_CHOICES)),
});
export type AdvancedOptions = ReturnType<typeof advancedFields>;

/** The advanced options, with the rules that tie fields together (aspects are the rectangles'). */
export const advancedOptions: Schema<AdvancedOptions> = (v, p) => {
  const a = advancedFields(v, p);
  const at = (f: string) => (p ? `${p}.${f}` : f);
  if (a.aspects !== undefined && a.shapes !== 'rects') throw new ApiError('bad-request', `${at('aspects')}: the rectangles' height/width ratios need shapes "rects"`);
  if (a.aspects !== undefined && new Set(a.aspects).size !== a.aspects.length) throw new ApiError('bad-request', `${at('aspects')}: an aspect is repeated (${a.aspects.join(', ')})`);
  return a;
};

/** The advanced options a photo's BOREx/BO takes that a clip's (BOREx-3D in the app) does not. */
export const PHOTO_ONLY_OPTIONS = ['priorWeight', 'composition', 'qBatch', 'shapes', 'aspects', 'deletionCheck'] as const;

/** A clip's advanced options: the photo-only ones are refused by name rather than ignored. */
const clipAdvancedOptions: Schema<AdvancedOptions> = (v, p) => {
  const a = advancedOptions(v, p);
  const extra = PHOTO_ONLY_OPTIONS.filter((f) => a[f] !== undefined);
  if (extra.length) throw new ApiError('bad-request', `${p ? `${p}.` : ''}${extra.join(', ')}: photos only; a video's explain does not take ${extra.length > 1 ? 'them' : 'it'}`);
  return a;
};

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
/**
 * BOREx's batch modifiers as the app offers them (`borex:rise+learned+pa`, `+rects`, `+qN`; the
 * grammar is the engine's, jobs/batch-methods.ts parseMethodId, which ApiBackend.batch applies to
 * every id this schema lets through).
 */
export const BATCH_MODIFIER_CHOICES = ['learned', 'fixed', 'pa', 'no-pa', 'rects'] as const;
/**
 * Each deletion check's batch modifier (`borex:rise+check-heads`), the one table the engine's id
 * parser, the CLI's help and the app read; in the order the app offers them (the default preset's
 * `heads` first, then the others, and off).
 */
export const CHECK_MODIFIERS = { 'check-heads': 'heads', check: 'head', 'check-both': 'both', 'check-prior': 'prior', 'check-uniform': 'uniform', 'no-check': 'off' } as const satisfies Record<string, DeletionCheckChoice>;
export type BatchCheckModifier = keyof typeof CHECK_MODIFIERS;
export const BATCH_CHECK_MODIFIER_CHOICES = Object.keys(CHECK_MODIFIERS) as BatchCheckModifier[];
/** The most method ids one batch may list. */
export const MAX_BATCH_METHODS = 32;
/**
 * A batch method id: one of the choices, or a BOREx id with modifiers in the shape of the CLI's
 * (`borex[:PRIOR](+MOD)*`); which priors and modifiers exist, their order and repeats are the
 * engine parser's to say, with the CLI's words.
 */
export const batchMethodId: Schema<string> = (v, p) => {
  if (typeof v === 'string' && ((BATCH_METHOD_CHOICES as readonly string[]).includes(v) || /^borex(?::[a-z-]{1,20})?(?:\+[a-z0-9-]{1,20}){1,8}$/.test(v))) return v;
  throw new ApiError('bad-request', `${p || 'method'}: expected one of ${BATCH_METHOD_CHOICES.join(', ')}, or borex:PRIOR with modifiers (+${BATCH_MODIFIER_CHOICES.join(', +')}, +qN), got ${typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v}`);
};

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
  methods: arr(batchMethodId, { min: 1, max: MAX_BATCH_METHODS }),
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
  advanced: optional(clipAdvancedOptions),
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

