/**
 * Log marginal likelihood of the zero-mean GP and its gradient with respect to θ = log ℓ,
 * computed exactly as sklearn's `GaussianProcessRegressor.log_marginal_likelihood`
 * (Rasmussen & Williams, Alg. 2.1 and eq. 5.9):
 *
 *   K = σ_f²·Matérn(ℓ) + (noise + jitter)·I,   K = L·Lᵀ,   α = K⁻¹·y
 *   log p(y | X, ℓ) = −½·yᵀα − Σ log L_ii − (n/2)·log 2π
 *   ∂/∂θ_j = ½·tr((α·αᵀ − K⁻¹) · ∂K/∂θ_j)
 *
 * Only ℓ is a hyper-parameter: σ_f² and the noise are fixed, as in the public BOREx code, so the
 * gradient has one entry per input dimension. Where sklearn would give up on a non-positive-
 * definite K (it returns −inf), we add a growing jitter instead, so the optimiser never sees NaN.
 */
import { choleskyInverse, choleskyWithJitter, solveLower, solveLowerTransposed } from './cholesky.ts';
import { SQRT3, maternMatrix } from './matern.ts';
import { expNeg } from './fast-exp.ts';

const LOG_2PI = Math.log(2 * Math.PI);

export interface LmlSettings {
  /** σ_f², default 1. */
  signalVariance?: number;
  /** Variance added on the diagonal, default 0.01. */
  noiseVariance?: number;
}

/** Reusable buffers so that an optimiser's many evaluations do not allocate. */
export class LmlWorkspace {
  private capacity = 0;
  k = new Float64Array(0);
  l = new Float64Array(0);
  kInv = new Float64Array(0);
  alpha = new Float64Array(0);
  work = new Float64Array(0);
  invLengthScale = new Float64Array(0);
  /** Jitter used by the last evaluation (0 if none was needed). */
  jitter = 0;

  ensure(n: number, dims: number): void {
    if (this.invLengthScale.length < dims) this.invLengthScale = new Float64Array(dims);
    if (n <= this.capacity) return;
    this.capacity = n;
    this.k = new Float64Array(n * n);
    this.l = new Float64Array(n * n);
    this.kInv = new Float64Array(n * n);
    this.alpha = new Float64Array(n);
    this.work = new Float64Array(n);
  }
}

/**
 * Returns log p(y | X, ℓ); if `gradient` is given, writes ∂/∂log ℓ_j into gradient[0..dims).
 * `x` holds n points row-major (dims numbers each), `y` the n targets (used as is: no mean
 * removal or scaling, i.e. sklearn's normalize_y=False).
 */
export function logMarginalLikelihood(
  x: Float64Array,
  y: ArrayLike<number>,
  n: number,
  dims: number,
  lengthScale: ArrayLike<number>,
  settings: LmlSettings = {},
  gradient?: Float64Array,
  workspace: LmlWorkspace = new LmlWorkspace(),
): number {
  const sf2 = settings.signalVariance ?? 1;
  const noise = settings.noiseVariance ?? 0.01;
  const ws = workspace;
  ws.ensure(Math.max(n, 1), dims);
  if (gradient) gradient.fill(0, 0, dims);
  if (n === 0) {
    ws.jitter = 0;
    return 0;
  }
  maternMatrix(x, n, dims, lengthScale, sf2, noise, ws.k);
  ws.jitter = choleskyWithJitter(ws.k, n, n, ws.l, n);
  const l = ws.l;
  const alpha = ws.alpha;
  solveLower(l, n, n, y, alpha);
  solveLowerTransposed(l, n, n, alpha, alpha);

  let yAlpha = 0;
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    yAlpha += y[i] * alpha[i];
    logDet += Math.log(l[i * n + i]);
  }
  const value = -0.5 * yAlpha - logDet - 0.5 * n * LOG_2PI;
  if (!gradient) return value;

  // ½·Σ_ab W_ab·G_ab with W = ααᵀ − K⁻¹ symmetric and G_aa = 0: sum the strict lower triangle
  // once (the ½ and the symmetric double count cancel). ∂K/∂θ_j is formed on the fly, never
  // stored: G_ab = 3·σ_f²·t_j·exp(−√3·d) with t_j = ((x_aj − x_bj)/ℓ_j)².
  const kInv = choleskyInverse(l, n, n, ws.kInv, ws.work);
  const inv = ws.invLengthScale;
  for (let j = 0; j < dims; j++) inv[j] = 1 / lengthScale[j];
  for (let a = 1; a < n; a++) {
    for (let b = 0; b < a; b++) {
      const w = alpha[a] * alpha[b] - kInv[a * n + b];
      let d2 = 0;
      for (let j = 0; j < dims; j++) {
        const u = (x[a * dims + j] - x[b * dims + j]) * inv[j];
        d2 += u * u;
      }
      const e = 3 * sf2 * w * expNeg(SQRT3 * Math.sqrt(d2));
      for (let j = 0; j < dims; j++) {
        const u = (x[a * dims + j] - x[b * dims + j]) * inv[j];
        gradient[j] += e * u * u;
      }
    }
  }
  return value;
}
