import { throwIfCancelled, usageError } from '../errors.ts';
import { acquisitionArgmax, type AcquisitionKind } from '../gp/acquisition.ts';
import { candidatePrior, type ImageCandidates } from './borex-candidates.ts';
import { BorexCache } from './borex-cache.ts';
import { fitLengthScale } from '../gp/fit.ts';
import { GaussianProcess } from '../gp/gaussian-process.ts';
import { ProgressReporter, type JobControl } from '../progress.ts';
import { Random } from '../random.ts';
import { aggregateMap, type Aggregate } from './borex-aggregate.ts';
import type { ExplainTarget } from './target.ts';
import { centredBox, fillBoxPair } from '../masks/box.ts';
import { elementCount, imageDims } from '../tensor/dims.ts';

/**
 * BOREx (Kikuchi et al., ACCV 2022, Algorithm 2) and, with flip off, a zero prior and the `mean`
 * aggregate, the Mokuwe et al. baseline (Algorithm 1). Pixel quantities are given for a 224×224
 * input; the GP works in those units whatever the input size (coordinates scaled by 224/H).
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
  seed: number;
  /** Send a live map with progress every this many iterations (0 = never). */
  previewEvery: number;
}

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

export interface BorexSample {
  row: number;
  col: number;
  halfSize: number;
  /** Observation after squashing. */
  y: number;
  /** GP target y − i0(c). */
  residual: number;
}

export interface BorexOutput {
  map: Float32Array;
  samples: BorexSample[];
  lengthScale: number[];
  gpMs: number;
  modelCalls: number;
}

/**
 * `prior` (H×W) may be null for no prior (i0 = 0). `cache` keeps candidate sets between runs of
 * one geometry: pass the same one for every item of a batch (borex-cache.ts).
 */
export async function borex(target: ExplainTarget, prior: Float32Array | null, params: BorexParams, control: JobControl = {}, cache: BorexCache = new BorexCache()): Promise<BorexOutput> {
  validate(params);
  const { classifier, x, baseline, dims, label } = target;
  const { height: H, width: W } = imageDims(dims);
  const plane = H * W;
  const unit = 224 / H;
  const unitW = 224 / W;
  const halfPx = params.halfSizes.map((s) => Math.max(1, Math.round(s / unit)));
  const i0 = scalePrior(prior, plane, params.priorMeanAbs);
  const random = new Random(params.seed);
  const progress = new ProgressReporter('borex', params.iterations, control.onProgress);
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

  const { search, searchPrior, posterior, full, gp } = timed(() => {
    const stride = Math.max(1, Math.round(params.candidateStride / unit));
    const { search, full, posterior } = cache.imageSets(H, W, halfPx, stride, unit, unitW);
    return {
      search,
      full,
      posterior,
      searchPrior: candidatePrior(search, i0),
      gp: new GaussianProcess({ dims: 3, lengthScale: params.lengthScale, noiseVariance: params.noiseVariance }),
    };
  });

  const inputSize = elementCount(dims);
  const images = new Float32Array(2 * inputSize);
  let unmaskedScore = 0;
  if (!params.flip) unmaskedScore = (await classifier.classify(x, 1))[label];
  const samples: BorexSample[] = [];
  const z = new Float64Array(3);

  for (let t = 0; t < params.iterations; t++) {
    throwIfCancelled(control.signal);
    let row: number;
    let col: number;
    let k: number;
    if (t === 0) {
      // First point: the prior's argmax (lowest index on ties) with the smallest square.
      const peak = argmax(i0);
      row = Math.floor(peak / W);
      col = peak % W;
      k = indexOfMin(halfPx);
    } else {
      const choice = timed(() => {
        posterior.update(gp);
        return acquisitionArgmax(posterior.mean, posterior.std, searchPrior, search.count, { kappa: params.kappa, kind: params.acquisition });
      });
      const centre = search.pixel[Math.floor(choice.index / halfPx.length)];
      row = Math.floor(centre / W);
      col = centre % W;
      k = choice.index % halfPx.length;
    }
    const s = halfPx[k];

    let y: number;
    // images[0]: only the square [row−s, row+s)×[col−s, col+s) visible (x⊙m̄); images[1]: it hidden (x⊙m).
    fillBoxPair(x, baseline, dims, centredBox([H, W], [row, col], [s, s]), images);
    if (params.flip) {
      // One batch of 2.
      const p = await classifier.classify(images, 2);
      y = p[label] - p[classifier.numClasses + label];
    } else {
      const p = await classifier.classify(images.subarray(inputSize), 1);
      y = unmaskedScore - p[label];
    }
    if (params.gain > 0) y = Math.tanh((params.gain * y) / 2);
    const residual = y - i0[row * W + col];
    samples.push({ row, col, halfSize: s, y, residual });

    timed(() => {
      // Jitter keeps repeated centres off the grid; the public code leaves the first point as is.
      const j = t === 0 ? 0 : 1;
      z[0] = row * unit + j * params.jitter[0] * random.normal();
      z[1] = col * unitW + j * params.jitter[1] * random.normal();
      z[2] = s * unit + j * params.jitter[2] * random.normal();
      gp.addObservation(z, residual);
      if ((t + 1) % params.refitEvery === 0) {
        fitLengthScale(gp, {
          initial: params.refitFrom === 'initial' ? params.lengthScale : undefined,
          lower: params.lengthScaleBounds[0],
          upper: params.lengthScaleBounds[1],
        });
      }
    });

    const preview = control.onProgress && params.previewEvery > 0 && (t + 1) % params.previewEvery === 0 && t + 1 < params.iterations;
    progress.report(t + 1, preview ? { partialMap: timed(() => finalMap(gp, full, i0, H, W, halfPx, params.aggregate)), samples: samplesArray(samples) } : {});
  }

  const map = timed(() => finalMap(gp, full, i0, H, W, halfPx, params.aggregate));
  return { map, samples, lengthScale: Array.from(gp.lengthScale), gpMs, modelCalls: classifier.calls - callsBefore };
}

/** μ_total = μ + i0 at every pixel and size (`full` in row-major pixel order), aggregated into the map. */
function finalMap(gp: GaussianProcess, full: ImageCandidates, i0: Float32Array, H: number, W: number, halfPx: number[], aggregate: Aggregate): Float32Array {
  const totals = new Float64Array(full.count);
  gp.predictMean(full.points, full.count, totals);
  const p = halfPx.length;
  for (let q = 0; q < full.pixel.length; q++) {
    const v = i0[full.pixel[q]];
    for (let k = 0; k < p; k++) totals[q * p + k] += v;
  }
  return aggregateMap(totals, H, W, halfPx, aggregate);
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

function samplesArray(samples: BorexSample[]): Float64Array {
  const out = new Float64Array(samples.length * 3);
  samples.forEach((s, i) => out.set([s.row, s.col, s.halfSize], i * 3));
  return out;
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function indexOfMin(values: number[]): number {
  return values.indexOf(Math.min(...values));
}

function validate(p: BorexParams): void {
  const bad = (m: string) => usageError(`BOREx: ${m}`);
  if (!(Number.isInteger(p.iterations) && p.iterations > 0)) throw bad(`iterations must be a positive integer, got ${p.iterations}`);
  if (p.halfSizes.length === 0 || !p.halfSizes.every((s) => s > 0)) throw bad('mask half-sizes must be positive');
  if (!(p.kappa >= 0)) throw bad(`κ must be ≥ 0, got ${p.kappa}`);
  if (!(p.gain >= 0)) throw bad(`the gain must be ≥ 0, got ${p.gain}`);
  if (!(Number.isInteger(p.refitEvery) && p.refitEvery >= 1)) throw bad('refitEvery must be a positive integer');
  if (p.refitFrom !== 'initial' && p.refitFrom !== 'previous') throw bad(`refitFrom must be initial or previous, got ${p.refitFrom}`);
  if (!(Number.isInteger(p.candidateStride) && p.candidateStride >= 1)) throw bad('the candidate stride must be a positive integer');
  if (!(p.lengthScaleBounds[0] > 0 && p.lengthScaleBounds[1] >= p.lengthScaleBounds[0])) throw bad('length-scale bounds must satisfy 0 < lower ≤ upper');
}
