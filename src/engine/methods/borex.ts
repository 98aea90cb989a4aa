import { DELETION_CHECK_CHOICES, SHAPE_CHOICES, type DeletionCheckChoice, type PriorWeightChoice } from '../../shared/requests.ts';
import { throwIfCancelled, usageError } from '../errors.ts';
import { acquisitionArgmax, type AcquisitionKind } from '../gp/acquisition.ts';
import { addFantasy } from '../gp/q-batch.ts';
import { candidatePrior, clipCandidatePrior, clipDurations, priorFrame, type ImageCandidates } from './borex-candidates.ts';
import { BorexCache } from './borex-cache.ts';
import type { DeletionCheck } from '../../shared/results.ts';
import { checkImages, deletionCheck } from './borex-check.ts';
import { fitLengthScale } from '../gp/fit.ts';
import { fitLengthScaleAndPriorWeight, type PriorMean } from '../gp/prior-weight.ts';
import { GaussianProcess } from '../gp/gaussian-process.ts';
import { predictMeanOnGrid } from '../gp/grid-mean.ts';
import { ProgressReporter, type JobControl } from '../progress.ts';
import { Random } from '../random.ts';
import { aggregateMap, ClipAggregator, composeMap, parseComposition, priorParts, type Aggregate, type CompositionSpec } from './borex-aggregate.ts';
import type { ExplainTarget } from './target.ts';
import { centredBox, fillBoxPair } from '../masks/box.ts';
import { elementCount } from '../tensor/dims.ts';
import { rectGeometry, type MaskShape } from './borex-rects.ts';
import type { BorexSample, BoxGeometry, QueryBox } from './borex-geometry.ts';

export type { BorexSample, BoxGeometry, QueryBox } from './borex-geometry.ts';

/**
 * BOREx (Kikuchi et al., ACCV 2022, Algorithm 2) and, with flip off, a zero prior and the `mean`
 * aggregate, the Mokuwe et al. baseline (Algorithm 1). Pixel quantities are given for a 224×224
 * input; the GP works in those units whatever the input size (coordinates scaled by 224/H).
 *
 * One loop for every rank, chosen by the target's dims: an image [C,H,W] is searched with squares
 * z = (row, col, s); a clip [C,T,H,W] (paper §3.2) with boxes z = (row, col, n, s, t), a square of
 * half-width s over frames [n, n+t), whose extra parameters are `clip` (defaults CLIP_DEFAULTS).
 */
export interface BorexParams {
  iterations: number;
  /** Mask half-widths s at 224 px (squares of side 2s). */
  halfSizes: number[];
  /** UCB exploration weight κ. */
  kappa: number;
  /** Squashing gain g: y ← tanh(g·y/2); 0 turns it off. */
  gain: number;
  /** Observe M(x⊙m̄) − M(x⊙m) (true, BOREx) or M(x) − M(x⊙m) (false: Mokuwe et al., no-flip ablation). */
  flip: boolean;
  aggregate: Aggregate;
  acquisition: AcquisitionKind;
  /** Initial Matérn length scales ℓ for (row, col, s) and their fitting bounds. */
  lengthScale: [number, number, number];
  lengthScaleBounds: [number, number];
  noiseVariance: number;
  /** Standard deviations of the Gaussian jitter added to (row, col, s) of each observation. */
  jitter: [number, number, number];
  /** Re-fit ℓ every this many iterations (1 = every iteration, as the public code). */
  refitEvery: number;
  /**
   * Where each re-fit starts: 'initial' ℓ (the public code: sklearn's fit clones the unfitted
   * kernel, so every fit starts again from (12, 12, 10)) or the 'previous' optimum (warm start).
   */
  refitFrom: 'initial' | 'previous';
  /**
   * Acquisition search over every stride-th row and column at 224 px (1 = every pixel, the public
   * code); like every pixel quantity it scales with the input, never below 1.
   */
  candidateStride: number;
  /** The prior is scaled so that mean |i0| equals this. */
  priorMeanAbs: number;
  /**
   * How much the GP mean trusts the prior: 'fixed' (undefined: the paper and public code, mean
   * = i0) or 'learned' (mean = β·i0 + c_s, β ≥ 0 and one offset per mask size fitted with ℓ by
   * marginal likelihood at every refit, gp/prior-weight.ts; images only). Absent from configs
   * that do not set it.
   */
  priorWeight?: PriorWeightChoice;
  /**
   * The masks queried on an image: 'squares' (undefined: the paper and public code) or 'rects',
   * rectangles z = (row, col, s, ln aspect) of the squares' areas (borex-rects.ts). Absent from
   * configs that do not set it.
   */
  shapes?: MaskShape;
  /** With shapes 'rects': the aspect ratios height/width (default RECT_DEFAULTS.aspects, 1/2, 1, 2). */
  aspects?: number[];
  /**
   * Query points per GP round (undefined or 1: one, the paper's loop). With q > 1 the round's q
   * boxes are chosen by the kriging believer (gp/q-batch.ts), classified as 2q images in one
   * model call, and ℓ is re-fitted once per round (when the round reaches a refitEvery multiple);
   * `iterations` stays the number of observations (the last round takes the remainder). Absent
   * from configs that do not set it.
   */
  qBatch?: number;
  /**
   * How the prior enters the final map (borex-aggregate.ts composeMap, by name: 'prior-after',
   * 'prior-after*3', 'rank-sum', 'tiebreak:0.02', …): undefined or 'coverage' is the paper's and
   * public code's map, the aggregate of μ + i0; images only. Absent from configs that do not set it.
   */
  composition?: string;
  /**
   * The deletion check (borex-check.ts): the run's last model images (checkImages) delete the top
   * pixels of the final map and of alternatives — `head` (batch `+check`): the prior's top 1/16
   * followed by the map's order; `prior` (`+check-prior`): the prior itself; `both`
   * (`+check-both`): the two, the prior by a margin; `heads` (`+check-heads`): the prior's top 1/16
   * or 1/8, or the prior, on a clear gain; `uniform` (`+check-uniform`): the prior, along the whole
   * curve — and return the one whose deletion is lowest.
   * The GP gets fewer observations so the model calls stay what `iterations` gives
   * (checkIterations). `off` (or absent) is no check. Images with a prior only. Absent from
   * configs that do not set it.
   */
  check?: DeletionCheckChoice;
  seed: number;
  /** Send a live map with progress every this many iterations (0 = never). */
  previewEvery: number;
  /** Clips only: the box durations, their length scales, jitter and search grid (CLIP_DEFAULTS). */
  clip?: Partial<ClipBoxParams>;
}

/**
 * BOREx-3D's own parameters. Frame quantities are in frames (not scaled with T), pixel ones at
 * 224 px like the image parameters. Length scales for the start frame n and the duration t:
 * - ℓ_n starts at T/2 (8 frames at T = 16), bounded to [1, T] frames: a box started a few frames
 *   later usually sees most of the same evidence (objects stay for many frames), so nearby starts
 *   should be strongly correlated (k = 0.48 at 8 frames apart); 1 frame lets the fit find a brief
 *   event; T lets it decide that time does not matter (a static object).
 * - ℓ_t starts at 4 frames, the middle duration, bounded to [1, longest duration]: 2- and
 *   8-frame boxes stay distinguishable (k = 0.34 apart) yet inform each other.
 * - jitter (0.5, 0.5) frames on (n, t), half the image rule's pixel jitter as frames are coarser.
 * - The search grid keeps every 16th row and column at 224 px (scaled with the input, ≥ 1) and
 *   every 2nd start frame: 18,816 candidates at T = 16 and 224², 16,224 at 64² — sized so the GP
 *   stays near 2 s per clip (BENCHMARKS.md); the final map is predicted at every voxel.
 */
export interface ClipBoxParams {
  /** Box durations t in frames, clipped to T (duplicates dropped). */
  durations: number[];
  /** Initial ℓ_n as a fraction of T. */
  startLengthScale: number;
  /** Initial ℓ_t in frames. */
  durationLengthScale: number;
  /** Jitter standard deviations on (n, t), in frames. */
  jitter: [number, number];
  /** Spatial search stride at 224 px. */
  candidateStride: number;
  /** Search every frameStride-th start frame. */
  frameStride: number;
}

export const CLIP_DEFAULTS: ClipBoxParams = {
  durations: [2, 4, 8],
  startLengthScale: 0.5,
  durationLengthScale: 4,
  jitter: [0.5, 0.5],
  candidateStride: 16,
  frameStride: 2,
};

export const BOREX_DEFAULTS: Omit<BorexParams, 'seed'> = {
  iterations: 50,
  halfSizes: [30, 45, 60, 75],
  kappa: 10,
  gain: 10,
  flip: true,
  aggregate: 'coverage',
  acquisition: 'ucb',
  lengthScale: [12, 12, 10],
  lengthScaleBounds: [1, 20],
  noiseVariance: 0.01,
  jitter: [1, 1, 0.5],
  refitEvery: 1,
  refitFrom: 'initial',
  candidateStride: 4,
  priorMeanAbs: 0.1,
  previewEvery: 5,
};

/** Mokuwe et al.: no prior, no flip, the plain mean over sizes. */
export const BO_DEFAULTS: Omit<BorexParams, 'seed'> = { ...BOREX_DEFAULTS, flip: false, aggregate: 'mean' };

export interface BorexOutput {
  /** [H,W] or, for a clip, [T,H,W] (frame-major). */
  map: Float32Array;
  /** With `priorWeight: 'learned'`: the final β of the GP mean β·i0 + c_s. */
  priorWeight?: number;
  /** With `priorWeight: 'learned'`: the final per-size offsets c_s (in halfSizes order). */
  priorOffsets?: number[];
  /** With `check`: which map was returned and the weighted deletion scores it compared. */
  check?: DeletionCheck;
  /**
   * When asked for: the posterior σ of the GP at every pixel and size (clips: every voxel and box
   * size × duration), aggregated like the map (uncertaintyMap; boxStd), [H,W] or [T,H,W].
   */
  uncertainty?: Float32Array;
  samples: BorexSample[];
  lengthScale: number[];
  gpMs: number;
  modelCalls: number;
}

/**
 * `prior` (the map's dims: H×W, or T×H×W for a clip) may be null for no prior (i0 = 0). `cache`
 * keeps candidate sets between runs of one geometry: pass the same one for every item of a batch
 * (borex-cache.ts). Progress samples are (row, col, halfSize) triples for images and
 * (row, col, halfSize, n, t) tuples for clips.
 */
export async function borex(
  target: ExplainTarget,
  prior: Float32Array | null,
  params: BorexParams,
  control: JobControl = {},
  cache: BorexCache = new BorexCache(),
  outputs: { uncertainty?: boolean } = {},
): Promise<BorexOutput> {
  validateBorexParams(params);
  const learned = params.priorWeight === 'learned';
  if (learned && target.dims.length !== 3) throw usageError('BOREx: a learned prior weight is implemented for images only, not for clips');
  if (params.composition !== undefined && params.composition !== 'coverage') {
    if (target.dims.length !== 3) throw usageError(`BOREx: the composition ${params.composition} is implemented for images only, not for clips`);
  }
  const checking = params.check !== undefined && params.check !== 'off';
  if (checking) {
    if (target.dims.length !== 3) throw usageError('BOREx: the deletion check is implemented for images only, not for clips');
    if (!prior) throw usageError('BOREx: the deletion check compares the refinement with its prior, and this run has none');
  }
  // The observations: the budget's model images less the deletion check's.
  const iterations = params.iterations - checkIterations(params);
  const { classifier, x, baseline, dims, label } = target;
  const random = new Random(params.seed);
  const progress = new ProgressReporter('borex', iterations, control.onProgress);
  // The prior is final before the first query: a UI can show it now rather than when the run ends.
  if (prior) progress.report(0, { priorMap: prior });
  const callsBefore = classifier.calls;
  let gpMs = 0;
  const timed = <T>(f: () => T): T => {
    const t = performance.now();
    const r = f();
    gpMs += performance.now() - t;
    return r;
  };

  const geometry = timed(() => boxGeometry(dims, prior, params, cache));
  const { i0 } = geometry;
  const gp = new GaussianProcess({ dims: geometry.gpDims, lengthScale: geometry.lengthScale, noiseVariance: params.noiseVariance });

  const inputSize = elementCount(dims);
  const q = params.qBatch ?? 1;
  const images = new Float32Array(2 * q * inputSize);
  let unmaskedScore = 0;
  if (!params.flip) unmaskedScore = (await classifier.classify(x, 1))[label];
  const samples: BorexSample[] = [];
  const z = new Float64Array(geometry.gpDims);
  // The GP mean besides μ: i0 (fixed), or β·i0 + c_s re-fitted with ℓ (learned), starting at
  // β = 1, c = 0. The acquisition adds it at each candidate: the searchPrior itself while fixed.
  const groups = geometry.groups;
  let mean: PriorMean = { priorWeight: 1, offsets: new Float64Array(groups) };
  let searchPrior = geometry.searchPrior;
  const observed: number[] = [];
  const priorAt: number[] = [];
  const groupOf: number[] = [];
  const residualOf = (i: number) => observed[i] - mean.priorWeight * priorAt[i] - mean.offsets[groupOf[i]];
  const choose = (t: number): QueryBox =>
    t === 0
      ? geometry.first()
      : geometry.candidate(
          timed(() => {
            geometry.posterior.update(gp);
            return acquisitionArgmax(geometry.posterior.mean, geometry.posterior.std, searchPrior, geometry.searchCount, { kappa: params.kappa, kind: params.acquisition });
          }).index,
        );
  // q > 1: the round's boxes and raw observations, taken in order; the GP's targets (fantasies
  // until their observation comes); the round's first observation.
  const round: { box: QueryBox; y: number }[] = [];
  const targets: number[] = [];
  let roundStart = 0;

  for (let t = 0; t < iterations; t++) {
    throwIfCancelled(control.signal);
    let box: QueryBox;
    let y: number;
    if (q === 1) {
      box = choose(t);
      // images[0]: only the box visible (x⊙m̄); images[1]: it hidden (x⊙m).
      fillBoxPair(x, baseline, dims, box.box, images);
      if (params.flip) {
        // One batch of 2.
        const p = await classifier.classify(images, 2);
        y = p[label] - p[classifier.numClasses + label];
      } else {
        const p = await classifier.classify(images.subarray(inputSize), 1);
        y = unmaskedScore - p[label];
      }
    } else {
      if (round.length === 0) {
        // A new round: its boxes one by one, each with its jittered point and fantasy in the GP,
        // then all 2n images (n hidden ones without the flip) in one model call.
        roundStart = t;
        const n = Math.min(q, iterations - t);
        const boxes: QueryBox[] = [];
        for (let j = 0; j < n; j++) {
          const b = choose(t + j);
          boxes.push(b);
          targets.push(timed(() => {
            geometry.point(b, t + j === 0 ? 0 : 1, random, z);
            return addFantasy(gp, z);
          }));
          fillBoxPair(x, baseline, dims, b.box, images.subarray(2 * j * inputSize, (2 * j + 2) * inputSize));
        }
        const C = classifier.numClasses;
        if (params.flip) {
          const p = await classifier.classify(images.subarray(0, 2 * n * inputSize), 2 * n);
          boxes.forEach((b, j) => round.push({ box: b, y: p[2 * j * C + label] - p[(2 * j + 1) * C + label] }));
        } else {
          for (let j = 0; j < n; j++) images.copyWithin(j * inputSize, (2 * j + 1) * inputSize, (2 * j + 2) * inputSize);
          const p = await classifier.classify(images.subarray(0, n * inputSize), n);
          boxes.forEach((b, j) => round.push({ box: b, y: unmaskedScore - p[j * C + label] }));
        }
      }
      ({ box, y } = round.shift()!);
    }
    if (params.gain > 0) y = Math.tanh((params.gain * y) / 2);
    const h = i0[box.priorIndex];
    observed.push(y);
    priorAt.push(h);
    groupOf.push(box.group);
    const residual = learned ? residualOf(t) : y - h;
    samples.push({ ...box.sample, y, residual });

    timed(() => {
      if (q === 1) {
        // Jitter keeps repeated centres off the grid; the public code leaves the first point as is.
        geometry.point(box, t === 0 ? 0 : 1, random, z);
        gp.addObservation(z, residual);
      } else {
        // The real observation replaces its fantasy, at the same point.
        targets[t] = residual;
        gp.setTargets(targets);
      }
      // q > 1: one re-fit per round, at its end, when the round reached a multiple of refitEvery.
      const refit = q === 1 ? (t + 1) % params.refitEvery === 0 : round.length === 0 && Math.floor((t + 1) / params.refitEvery) > Math.floor(roundStart / params.refitEvery);
      if (refit) {
        const bounds = { lower: geometry.lower, upper: geometry.upper };
        const initial = params.refitFrom === 'initial' ? geometry.lengthScale : gp.lengthScale;
        if (!learned) fitLengthScale(gp, { initial: params.refitFrom === 'initial' ? geometry.lengthScale : undefined, ...bounds });
        else {
          const basis = { h: priorAt, group: groupOf, groups };
          const fit = fitLengthScaleAndPriorWeight(gp.observationPoints(), observed, basis, gp.size, gp.dims, initial, { signalVariance: gp.signalVariance, noiseVariance: gp.noiseVariance }, bounds);
          gp.setLengthScale(fit.lengthScale);
          mean = fit.mean;
          gp.setTargets(observed.map((_, i) => residualOf(i)));
          if (q > 1) for (let i = 0; i < targets.length; i++) targets[i] = residualOf(i);
          searchPrior = meanOnCandidates(geometry.searchPrior, mean, searchPrior === geometry.searchPrior ? undefined : searchPrior);
        }
      }
    });

    const preview = control.onProgress && params.previewEvery > 0 && (t + 1) % params.previewEvery === 0 && t + 1 < iterations;
    progress.report(t + 1, preview ? { partialMap: timed(() => geometry.previewMap(gp, learned ? mean : undefined)), samples: samplesArray(samples), sampleValues: samples.map((s) => s.y), ...sampleShapes(samples) } : {});
  }

  let map = timed(() => geometry.finalMap(gp, learned ? mean : undefined));
  let check: DeletionCheck | undefined;
  if (checking && prior) {
    throwIfCancelled(control.signal);
    ({ map, outcome: check } = await deletionCheck(target, map, prior, params.check as Exclude<DeletionCheckChoice, 'off'>));
  }
  const out: BorexOutput = { map, ...(check ? { check } : {}), samples, lengthScale: Array.from(gp.lengthScale), gpMs, modelCalls: classifier.calls - callsBefore };
  if (learned) {
    out.priorWeight = mean.priorWeight;
    out.priorOffsets = Array.from(mean.offsets);
    // The residuals the final GP holds (β changed after the early samples were taken).
    samples.forEach((sample, i) => (sample.residual = residualOf(i)));
  }
  if (outputs.uncertainty && geometry.uncertaintyMap) out.uncertainty = timed(() => geometry.uncertaintyMap!(gp));
  return out;
}

/** β·i0 + c_s per search candidate (index = centre·p + s, as the image candidates are ordered), into `into` (allocated when absent). */
function meanOnCandidates(prior: Float64Array, mean: PriorMean, into?: Float64Array): Float64Array {
  const out = into ?? new Float64Array(prior.length);
  const p = mean.offsets.length;
  for (let i = 0; i < prior.length; i++) out[i] = mean.priorWeight * prior[i] + mean.offsets[i % p];
  return out;
}

function boxGeometry(dims: readonly number[], prior: Float32Array | null, params: BorexParams, cache: BorexCache): BoxGeometry {
  if (params.shapes === 'rects') {
    if (dims.length !== 3) throw usageError('BOREx: rectangle masks (shapes rects) are implemented for images only, not for clips');
    return rectGeometry(dims[1], dims[2], scalePrior(prior, dims[1] * dims[2], params.priorMeanAbs), params, cache);
  }
  if (dims.length === 3) return imageGeometry(dims[1], dims[2], prior, params, cache);
  if (dims.length === 4) return clipGeometry(dims[1], dims[2], dims[3], prior, params, cache);
  throw usageError(`BOREx explains images [C,H,W] and clips [C,T,H,W], not inputs of dims [${dims.join(',')}]`);
}

/** Squares z = (row, col, s) on an H×W image: the arithmetic of the public code, unchanged. */
function imageGeometry(H: number, W: number, prior: Float32Array | null, params: BorexParams, cache: BorexCache): BoxGeometry {
  const plane = H * W;
  const unit = 224 / H;
  const unitW = 224 / W;
  const halfPx = params.halfSizes.map((s) => Math.max(1, Math.round(s / unit)));
  const i0 = scalePrior(prior, plane, params.priorMeanAbs);
  const stride = Math.max(1, Math.round(params.candidateStride / unit));
  const { search, full, posterior } = cache.imageSets(H, W, halfPx, stride, unit, unitW);
  // The composition (undefined: the aggregate as it is, untouched); the prior's weight is β when learned.
  const composition: CompositionSpec | undefined = params.composition === undefined || params.composition === 'coverage' ? undefined : parseComposition(params.composition);
  const composed = (map: Float32Array, mean?: PriorMean): Float32Array => {
    if (!composition) return map;
    const parts = priorParts(i0, mean ? mean.priorWeight : 1, H, W, halfPx, params.aggregate);
    return composeMap(map, parts.blurred, parts.prior, composition);
  };
  const square = (row: number, col: number, k: number): QueryBox => {
    const s = halfPx[k];
    return { box: centredBox([H, W], [row, col], [s, s]), priorIndex: row * W + col, group: k, sample: { row, col, halfSize: s } };
  };
  return {
    i0,
    groups: halfPx.length,
    gpDims: 3,
    lengthScale: params.lengthScale,
    lower: params.lengthScaleBounds[0],
    upper: params.lengthScaleBounds[1],
    searchCount: search.count,
    searchPrior: candidatePrior(search, i0),
    posterior,
    first() {
      // First point: the prior's argmax (lowest index on ties) with the smallest square.
      const peak = argmax(i0);
      return square(Math.floor(peak / W), peak % W, indexOfMin(halfPx));
    },
    candidate(index) {
      const centre = search.pixel[Math.floor(index / halfPx.length)];
      return square(Math.floor(centre / W), centre % W, index % halfPx.length);
    },
    point({ sample }, j, random, z) {
      z[0] = sample.row * unit + j * params.jitter[0] * random.normal();
      z[1] = sample.col * unitW + j * params.jitter[1] * random.normal();
      z[2] = sample.halfSize * unit + j * params.jitter[2] * random.normal();
    },
    finalMap: (gp, mean) => composed(finalMap(gp, full, i0, mean, H, W, halfPx, params.aggregate), mean),
    previewMap: (gp, mean) => composed(finalMap(gp, full, i0, mean, H, W, halfPx, params.aggregate), mean),
    uncertaintyMap: (gp) => uncertaintyMap(gp, full, H, W, halfPx, params.aggregate),
  };
}

/** Clips up to this many pixels a side get BOREx-3D's σ at every voxel; larger ones on a k-px grid. */
export const SIGMA_EXACT_SIDE = 64;

/** The clip parameters of a run, defaults filled in. */
export function clipParams(params: BorexParams): ClipBoxParams {
  return { ...CLIP_DEFAULTS, ...params.clip };
}

/**
 * Boxes z = (row, col, n, s, t) on a T×H×W clip: rows, columns and s in 224-px units as for
 * images, n and t in frames.
 */
function clipGeometry(T: number, H: number, W: number, prior: Float32Array | null, params: BorexParams, cache: BorexCache): BoxGeometry {
  const clip = clipParams(params);
  validateClip(clip);
  const plane = H * W;
  const unit = 224 / H;
  const unitW = 224 / W;
  const halfPx = params.halfSizes.map((s) => Math.max(1, Math.round(s / unit)));
  const durations = clipDurations(clip.durations, T);
  const D = durations.length;
  const P = halfPx.length * D;
  const i0 = scalePrior(prior, T * plane, params.priorMeanAbs);
  const stride = Math.max(1, Math.round(clip.candidateStride / unit));
  const { search, posterior } = cache.clipSets(T, H, W, halfPx, durations, stride, clip.frameStride, unit, unitW);
  const longest = durations[D - 1];
  const [lower, upper] = params.lengthScaleBounds;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const lengthScale = [params.lengthScale[0], params.lengthScale[1], clamp(clip.startLengthScale * T, 1, T), params.lengthScale[2], clamp(clip.durationLengthScale, 1, longest)];
  const tube = (row: number, col: number, n: number, k: number, d: number): QueryBox => {
    const s = halfPx[k];
    const t = durations[d];
    const square = centredBox([H, W], [row, col], [s, s]);
    return {
      box: { start: [n, ...square.start], end: [Math.min(T, n + t), ...square.end] },
      priorIndex: priorFrame(n, t, T) * plane + row * W + col,
      group: k * D + d,
      sample: { row, col, halfSize: s, frame: n, frames: t },
    };
  };
  const rowAxis = Float64Array.from({ length: H }, (_, r) => r * unit);
  const colAxis = Float64Array.from({ length: W }, (_, c) => c * unitW);
  const frameAxis = Float64Array.from({ length: T }, (_, n) => n);
  /**
   * The map from μ at every step-th row and column of every frame (step 1: every voxel, the final
   * map), one (s, t) layer at a time, aggregated as it comes (borex-aggregate.ts), then repeated
   * over each step×step block. `values` 'std': the same loop over the GP's posterior σ of each box
   * instead of μ + i0 (uncertaintyMap below).
   */
  const clipMap = (gp: GaussianProcess, step: number, values: 'mean' | 'std' = 'mean'): Float32Array => {
    const h = Math.ceil(H / step);
    const w = Math.ceil(W / step);
    const rows = step === 1 ? rowAxis : Float64Array.from({ length: h }, (_, r) => r * step * unit);
    const cols = step === 1 ? colAxis : Float64Array.from({ length: w }, (_, c) => c * step * unitW);
    const aggregator = new ClipAggregator(T, h, w, params.aggregate);
    const layer = new Float64Array(T * h * w);
    const sAxis = new Float64Array(1);
    const tAxis = new Float64Array(1);
    for (let k = 0; k < halfPx.length; k++) {
      for (const t of durations) {
        sAxis[0] = halfPx[k] * unit;
        tAxis[0] = t;
        if (values === 'std') {
          boxStd(gp, rows, cols, sAxis[0], t, layer);
          aggregator.add(layer, halfPx[k], t, Math.round(halfPx[k] / step));
          continue;
        }
        // Loop order s, t, n, row, col: the output is the [T,h,w] layer, columns innermost.
        predictMeanOnGrid(gp, [rows, cols, frameAxis, sAxis, tAxis], [3, 4, 2, 0, 1], layer);
        for (let n = 0; n < T; n++) {
          const from = priorFrame(n, t, T) * plane;
          for (let r = 0; r < h; r++) {
            const to = (n * h + r) * w;
            const src = from + r * step * W;
            for (let c = 0; c < w; c++) layer[to + c] += i0[src + c * step];
          }
        }
        aggregator.add(layer, halfPx[k], t, Math.round(halfPx[k] / step));
      }
    }
    const coarse = aggregator.result();
    if (step === 1) return coarse;
    const map = new Float32Array(T * plane);
    for (let n = 0; n < T; n++) {
      for (let r = 0; r < H; r++) {
        const src = (n * h + Math.floor(r / step)) * w;
        const dst = (n * H + r) * W;
        for (let c = 0; c < W; c++) map[dst + c] = coarse[src + Math.floor(c / step)];
      }
    }
    return map;
  };
  return {
    i0,
    groups: P,
    gpDims: 5,
    lengthScale,
    lower: [lower, lower, 1, lower, 1],
    upper: [upper, upper, Math.max(1, T), upper, Math.max(1, longest)],
    searchCount: search.count,
    searchPrior: clipCandidatePrior(search, i0, T, H, W),
    posterior,
    first() {
      // The prior's peak voxel (lowest index on ties) with the smallest square and the shortest
      // box, started so that its centre frame is the peak's frame.
      const peak = argmax(i0);
      const f = Math.floor(peak / plane);
      const within = peak - f * plane;
      const d = 0;
      return tube(Math.floor(within / W), within % W, Math.max(0, f - Math.floor(durations[d] / 2)), indexOfMin(halfPx), d);
    },
    candidate(index) {
      const v = search.voxel[Math.floor(index / P)];
      const n = Math.floor(v / plane);
      const within = v - n * plane;
      const combo = index % P;
      return tube(Math.floor(within / W), within % W, n, Math.floor(combo / D), combo % D);
    },
    point({ sample }, j, random, z) {
      // Drawn in the GP's dim order (row, col, n, s, t).
      z[0] = sample.row * unit + j * params.jitter[0] * random.normal();
      z[1] = sample.col * unitW + j * params.jitter[1] * random.normal();
      z[2] = sample.frame! + j * clip.jitter[0] * random.normal();
      z[3] = sample.halfSize * unit + j * params.jitter[2] * random.normal();
      z[4] = sample.frames! + j * clip.jitter[1] * random.normal();
    },
    finalMap: (gp) => clipMap(gp, 1),
    // Previews predict every stride-th row and column only (the search grid's spacing) and repeat
    // them: the exact map costs ~T·H·W·12·n kernel values, too many to send every few iterations.
    previewMap: (gp) => clipMap(gp, stride),
    // σ costs O(n²) per box where μ costs O(n): exact at every voxel up to 64 px a side (~5 s at
    // 16×64², n = 50), above that at every k-th row and column (k = ⌈max(H, W)/64⌉, repeated over
    // each k×k block as the previews are), which keeps 16×224² at ~1/16 of the exact ~50 s. σ varies
    // on the GP's length scales (≥ 1 and ~12 in 224-px units), far wider than k·224/H ≤ 4.
    uncertaintyMap: (gp) => clipMap(gp, Math.max(1, Math.ceil(Math.max(H, W) / SIGMA_EXACT_SIDE)), 'std'),
  };
}

/**
 * μ_total = μ + i0 (or μ + β·i0 + c_s with a learned `mean`) at every pixel and size (`full` in
 * row-major pixel order), aggregated into the map.
 */
function finalMap(gp: GaussianProcess, full: ImageCandidates, i0: Float32Array, mean: PriorMean | undefined, H: number, W: number, halfPx: number[], aggregate: Aggregate): Float32Array {
  const totals = new Float64Array(full.count);
  gp.predictMean(full.points, full.count, totals);
  const p = halfPx.length;
  for (let q = 0; q < full.pixel.length; q++) {
    if (mean) {
      const v = mean.priorWeight * i0[full.pixel[q]];
      for (let k = 0; k < p; k++) totals[q * p + k] += v + mean.offsets[k];
      continue;
    }
    // Fixed: i0 itself, the public code's arithmetic, bit for bit.
    const v = i0[full.pixel[q]];
    for (let k = 0; k < p; k++) totals[q * p + k] += v;
  }
  return aggregateMap(totals, H, W, halfPx, aggregate);
}

/**
 * The map's uncertainty: the GP's posterior σ(λ, s) of the square centred at every pixel λ and
 * half-width s, aggregated with the map's own rule. The map is a non-negative weighted sum of
 * μ(c, s) over squares (every aggregate is linear), so this σ-weighted sum is an upper bound on
 * the posterior σ of the map's value at λ (Minkowski: sd(Σ w_j f_j) ≤ Σ w_j sd(f_j)), reached when
 * the squares it averages are fully correlated, as neighbouring squares nearly are at ℓ ≈ 12 px.
 * The exact σ would need every pair of the ~10⁵ squares behind a pixel; the bound needs σ at each
 * square once: O(H·W·p·n²/2), ~0.4 s at 224² and n = 50. σ is the latent σ (no noise), in the
 * units of the map (the squashed observation, before any display scaling).
 */
export function uncertaintyMap(gp: GaussianProcess, full: ImageCandidates, H: number, W: number, halfPx: number[], aggregate: Aggregate): Float32Array {
  const mean = new Float64Array(full.count);
  const std = new Float64Array(full.count);
  gp.predict(full.points, full.count, mean, std);
  return aggregateMap(std, H, W, halfPx, aggregate);
}

/**
 * BOREx-3D's σ layer for boxes of half-width `s` (224-px units) and `t` frames: the GP's posterior
 * σ of the box z = (rows[r], cols[c], n, s, t) at out[(n·h + r)·w + c] for every start frame n
 * (the layer order of clipMap), one frame's h·w points at a time, so at most h·w·5 coordinates
 * are held. clipMap aggregates these layers with the map's own rule, which makes the clip's σ the
 * image's bound (uncertaintyMap above) one rank up: the map at a voxel is a non-negative weighted
 * sum of μ over the boxes (s, t, start n, centre) that cover it, so the same sum of their σ bounds
 * its σ (Minkowski), reached when those boxes are fully correlated. The exact σ would need the
 * covariance of every pair of boxes behind a voxel; the bound needs σ at each box once: T·H·W·p·k
 * points at O(n²/2) each (every voxel × size × duration: 786,432 points at 16×64×64 and 12 boxes,
 * ~9.6·10⁶ at 16×224×224), against the map's O(n) per point: at n = 50 ~5 s at 16×64² and ~50 s
 * at 16×224² on a loaded 2-core machine (the whole run's GP: ~4.5 s and ~10 s), so it is computed
 * once, after the loop, never for previews, and past SIGMA_EXACT_SIDE on a coarser grid.
 */
function boxStd(gp: GaussianProcess, rows: Float64Array, cols: Float64Array, s: number, t: number, out: Float64Array): void {
  const h = rows.length;
  const w = cols.length;
  const frames = out.length / (h * w);
  const points = new Float64Array(h * w * 5);
  const mean = new Float64Array(h * w);
  for (let n = 0; n < frames; n++) {
    for (let r = 0, i = 0; r < h; r++) {
      for (let c = 0; c < w; c++, i += 5) {
        points[i] = rows[r];
        points[i + 1] = cols[c];
        points[i + 2] = n;
        points[i + 3] = s;
        points[i + 4] = t;
      }
    }
    gp.predict(points, h * w, mean, out.subarray(n * h * w, (n + 1) * h * w));
  }
}

/** i0 scaled so that mean |i0| = target; all-zero or absent priors stay zero. */
export function scalePrior(prior: Float32Array | null, plane: number, target: number): Float32Array {
  const out = new Float32Array(plane);
  if (!prior) return out;
  let sumAbs = 0;
  for (let i = 0; i < plane; i++) sumAbs += Math.abs(prior[i]);
  if (sumAbs === 0) return out;
  const k = (target * plane) / sumAbs;
  for (let i = 0; i < plane; i++) out[i] = prior[i] * k;
  return out;
}

/** Progress samples: (row, col, halfSize) per image sample, (row, col, halfSize, n, t) per clip sample. */
function samplesArray(samples: BorexSample[]): Float64Array {
  const clip = samples[0]?.frame !== undefined;
  const width = clip ? 5 : 3;
  const out = new Float64Array(samples.length * width);
  samples.forEach((s, i) => out.set(clip ? [s.row, s.col, s.halfSize, s.frame!, s.frames!] : [s.row, s.col, s.halfSize], i * width));
  return out;
}

/** Rectangles: the (halfHeight, halfWidth) of each sample, for a UI that draws them (squares: nothing). */
function sampleShapes(samples: BorexSample[]): { sampleShapes?: number[] } {
  if (samples[0]?.halfHeight === undefined) return {};
  return { sampleShapes: samples.flatMap((s) => [s.halfHeight!, s.halfWidth!]) };
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function indexOfMin(values: number[]): number {
  return values.indexOf(Math.min(...values));
}

/**
 * The GP rounds the deletion check's model images take from the budget: checkImages at two
 * images a round, rounded up (one without the flip, which also classifies x once: 2·iterations
 * vs 1 + iterations calls at most).
 */
export function checkIterations(p: Pick<BorexParams, 'check' | 'flip'>): number {
  const images = checkImages(p.check ?? 'off');
  return p.flip ? Math.ceil(images / 2) : images;
}

/** Refuses parameters BOREx cannot run, whatever the input: also called before any work (batch ids, the app's requests). */
export function validateBorexParams(p: Omit<BorexParams, 'seed'>): void {
  const bad = (m: string) => usageError(`BOREx: ${m}`);
  if (!(Number.isInteger(p.iterations) && p.iterations > 0)) throw bad(`iterations must be a positive integer, got ${p.iterations}`);
  if (p.halfSizes.length === 0 || !p.halfSizes.every((s) => s > 0)) throw bad('mask half-sizes must be positive');
  if (!(p.kappa >= 0)) throw bad(`κ must be ≥ 0, got ${p.kappa}`);
  if (!(p.gain >= 0)) throw bad(`the gain must be ≥ 0, got ${p.gain}`);
  if (!(Number.isInteger(p.refitEvery) && p.refitEvery >= 1)) throw bad('refitEvery must be a positive integer');
  if (p.refitFrom !== 'initial' && p.refitFrom !== 'previous') throw bad(`refitFrom must be initial or previous, got ${p.refitFrom}`);
  if (p.qBatch !== undefined && !(Number.isInteger(p.qBatch) && p.qBatch >= 1 && p.qBatch <= 64)) throw bad(`the q-batch size must be an integer from 1 to 64, got ${p.qBatch}`);
  if (p.priorWeight !== undefined && p.priorWeight !== 'fixed' && p.priorWeight !== 'learned') throw bad(`the prior weight must be fixed or learned, got ${p.priorWeight}`);
  if (p.shapes !== undefined && !(SHAPE_CHOICES as readonly string[]).includes(p.shapes)) throw bad(`the mask shapes must be ${SHAPE_CHOICES.join(' or ')}, got ${p.shapes}`);
  if (p.check !== undefined && !(DELETION_CHECK_CHOICES as readonly string[]).includes(p.check)) throw bad(`the deletion check must be ${DELETION_CHECK_CHOICES.join(', ')}, got ${p.check}`);
  if (checkIterations(p) > 0 && !(p.iterations > checkIterations(p))) throw bad(`the deletion check takes ${checkIterations(p)} of the iterations' model images; it needs more than ${checkIterations(p)} iterations, got ${p.iterations}`);
  if (checkIterations(p) > 0 && p.shapes === 'rects') throw bad('the deletion check is implemented for square masks only, not for rectangles');
  if (!(Number.isInteger(p.candidateStride) && p.candidateStride >= 1)) throw bad('the candidate stride must be a positive integer');
  if (p.composition !== undefined) {
    try {
      parseComposition(p.composition);
    } catch (err) {
      throw bad((err as Error).message);
    }
    if (p.composition !== 'coverage' && p.shapes === 'rects') throw bad(`the composition ${p.composition} is implemented for square masks only, not for rectangles`);
  }
  if (!(p.lengthScaleBounds[0] > 0 && p.lengthScaleBounds[1] >= p.lengthScaleBounds[0])) throw bad('length-scale bounds must satisfy 0 < lower ≤ upper');
}

function validateClip(c: ClipBoxParams): void {
  const bad = (m: string) => usageError(`BOREx-3D: ${m}`);
  if (c.durations.length === 0 || !c.durations.every((t) => Number.isInteger(t) && t > 0)) throw bad('box durations must be positive integers (frames)');
  if (!(c.startLengthScale > 0) || !(c.durationLengthScale > 0)) throw bad('the start and duration length scales must be positive');
  if (!c.jitter.every((v) => v >= 0)) throw bad('the frame jitter must be ≥ 0');
  for (const [name, v] of [['candidate stride', c.candidateStride], ['frame stride', c.frameStride]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw bad(`the ${name} must be a positive integer, got ${v}`);
  }
}
