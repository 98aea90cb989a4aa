/**
 * Hyper-parameter fit of the GP's length scales: maximise the log marginal likelihood over
 * θ = log ℓ within bounds (default [1, 20] per dimension), with L-BFGS-B from a starting ℓ,
 * n_restarts_optimizer = 0: sklearn's `fmin_l_bfgs_b` procedure.
 *
 * Where to start is the caller's choice (`initial`):
 * - the GP's current ℓ (default): a warm start from the previous iteration's fit;
 * - a fixed ℓ0 such as (12, 12, 10): what sklearn actually does in the public BOREx code, since
 *   `GaussianProcessRegressor.fit` clones the constructor's kernel, so every refit starts from
 *   the initial length scales, not from the previous optimum.
 */
import type { GaussianProcess } from './gaussian-process.ts';
import { minimizeLbfgsb, type LbfgsbOptions } from './lbfgsb.ts';
import { LmlWorkspace, logMarginalLikelihood, type LmlSettings } from './log-marginal-likelihood.ts';

export interface FitOptions {
  /** Starting ℓ; default the GP's current ℓ. */
  initial?: ArrayLike<number>;
  /** Lower bound on ℓ (one number for all dims, or one per dim). Default 1. */
  lower?: number | ArrayLike<number>;
  /** Upper bound on ℓ. Default 20. */
  upper?: number | ArrayLike<number>;
  /** Optimiser settings (tolerances, limits); defaults are SciPy's. */
  optimizer?: Omit<LbfgsbOptions, 'lower' | 'upper'>;
}

export interface FitResult {
  lengthScale: Float64Array;
  /** Log marginal likelihood at the fitted ℓ. */
  logMarginalLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

function perDim(v: number | ArrayLike<number> | undefined, dims: number, fallback: number): Float64Array {
  const out = new Float64Array(dims);
  for (let j = 0; j < dims; j++) out[j] = v === undefined ? fallback : typeof v === 'number' ? v : v[j];
  return out;
}

/**
 * Fits ℓ on raw data (n points row-major, targets y). Pure: returns the result, changes nothing.
 */
export function fitLengthScaleToData(
  x: Float64Array,
  y: ArrayLike<number>,
  n: number,
  dims: number,
  initial: ArrayLike<number>,
  settings: LmlSettings = {},
  options: Omit<FitOptions, 'initial'> = {},
): FitResult {
  const ws = new LmlWorkspace();
  return fitTheta(dims, initial, options, (ls, grad) => logMarginalLikelihood(x, y, n, dims, ls, settings, grad, ws));
}

/**
 * The optimiser of every ℓ fit: maximises `lml(ℓ, gradient)` (a log likelihood; its gradient
 * written in θ = log ℓ) over θ within the bounds, from `initial`. The plain fit passes the LML,
 * the learned prior weight its profile likelihood (prior-weight.ts).
 */
export function fitTheta(dims: number, initial: ArrayLike<number>, options: Omit<FitOptions, 'initial'>, lml: (lengthScale: Float64Array, gradient: Float64Array) => number): FitResult {
  const lower = perDim(options.lower, dims, 1);
  const upper = perDim(options.upper, dims, 20);
  const lo = new Float64Array(dims);
  const hi = new Float64Array(dims);
  const theta0 = new Float64Array(dims);
  for (let j = 0; j < dims; j++) {
    if (!(lower[j] > 0) || !(upper[j] >= lower[j])) throw new Error(`bad length-scale bounds for dim ${j}`);
    lo[j] = Math.log(lower[j]);
    hi[j] = Math.log(upper[j]);
    theta0[j] = Math.log(initial[j]);
  }
  const ls = new Float64Array(dims);
  // Minimise −LML(exp θ); the gradient is already with respect to θ = log ℓ.
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    for (let j = 0; j < dims; j++) ls[j] = Math.exp(theta[j]);
    const v = lml(ls, grad);
    for (let j = 0; j < dims; j++) grad[j] = -grad[j];
    return -v;
  };
  const res = minimizeLbfgsb(objective, theta0, { ...options.optimizer, lower: lo, upper: hi });
  const lengthScale = new Float64Array(dims);
  // exp(log ℓ) is not always ℓ (exp(log 20) = 19.999999999999996, exp(log 10) = 10.000000000000002).
  // Return an active bound, or a coordinate the optimiser did not move, exactly: an ℓ that only
  // changed by an ulp would still force every posterior cache to rebuild. Clamp the rest.
  for (let j = 0; j < dims; j++) {
    const t = res.x[j];
    if (t <= lo[j]) lengthScale[j] = lower[j];
    else if (t >= hi[j]) lengthScale[j] = upper[j];
    else if (t === theta0[j]) lengthScale[j] = initial[j];
    else lengthScale[j] = Math.min(upper[j], Math.max(lower[j], Math.exp(t)));
  }
  return {
    lengthScale,
    logMarginalLikelihood: -res.f,
    iterations: res.iterations,
    evaluations: res.evaluations,
    converged: res.converged,
    message: res.message,
  };
}

/** Fits the GP's ℓ and applies it (the GP refactorises lazily, only if ℓ moved). */
export function fitLengthScale(gp: GaussianProcess, options: FitOptions = {}): FitResult {
  const initial = options.initial ?? gp.lengthScale;
  const res = fitLengthScaleToData(
    gp.observationPoints(),
    gp.observationTargets(),
    gp.size,
    gp.dims,
    initial,
    { signalVariance: gp.signalVariance, noiseVariance: gp.noiseVariance },
    options,
  );
  gp.setLengthScale(res.lengthScale);
  return res;
}
