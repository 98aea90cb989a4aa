/**
 * A learned weight on BOREx's prior: the GP models
 *
 *   y = β·h + c_g + f(z) + ε,   f ~ GP(0, k_ℓ),  ε ~ N(0, noise),  β ≥ 0,
 *
 * with h = i0 at each query's centre and c_g one offset per mask size g, fitted with ℓ by
 * marginal likelihood (type-II maximum likelihood with explicit basis functions, Rasmussen &
 * Williams §2.7).
 *
 * Why the offsets: a flipped observation M(x⊙m̄) − M(x⊙m) depends first on the square's size (a
 * small visible square scores low whatever it shows: the first queries are negative on almost
 * every photo), so a regression on h alone finds β ≈ 0 for a good prior as for a bad one (measured
 * on dog.jpg: β = 0 from the first query on). With c_g soaking up the size effect, β measures only
 * how well the prior's shape explains the observations. The offsets add a constant to the map per
 * size, which changes no ranking (insertion, deletion, F); they enter the acquisition like any part
 * of the posterior mean.
 *
 * For fixed ℓ the log marginal likelihood of y − B·w (B = [h, one-hot(g)], w = (β, c)) is a
 * concave quadratic in w, maximised at the generalised least-squares w = (BᵀK⁻¹B)⁻¹BᵀK⁻¹y; under
 * β ≥ 0 the optimum is that w, or, when its β < 0, the offsets-only fit with β = 0. So ℓ is
 * fitted on the profile likelihood L(ℓ) = LML(ℓ, ŵ(ℓ)), whose gradient in log ℓ is the plain LML
 * gradient of the residual y − B·ŵ (envelope theorem), by the very L-BFGS-B of the ℓ fit. β is a
 * point estimate: its own uncertainty is not propagated.
 */
import { choleskyWithJitter, solveLower } from './cholesky.ts';
import { fitTheta, type FitOptions, type FitResult } from './fit.ts';
import { LmlWorkspace, logMarginalLikelihood, type LmlSettings } from './log-marginal-likelihood.ts';
import { maternMatrix } from './matern.ts';

/** What the GP mean is besides the prior: β·h + offsets[group]. */
export interface PriorMean {
  priorWeight: number;
  /** One per group (mask size); a group with no observation gets the mean of the others. */
  offsets: Float64Array;
}

/** Observations' basis: h (the prior at each centre) and each one's group (mask size index). */
export interface PriorBasis {
  h: ArrayLike<number>;
  group: ArrayLike<number>;
  groups: number;
}

/** Buffers of one profile evaluation. */
export class PriorWeightWorkspace {
  lml = new LmlWorkspace();
  k = new Float64Array(0);
  l = new Float64Array(0);
  a = new Float64Array(0);
  col = new Float64Array(0);
  b = new Float64Array(0);
  residual = new Float64Array(0);

  ensure(n: number, q: number): void {
    if (this.residual.length >= n && this.a.length >= n * q) return;
    this.k = new Float64Array(n * n);
    this.l = new Float64Array(n * n);
    this.a = new Float64Array(n * q);
    this.col = new Float64Array(n);
    this.b = new Float64Array(n);
    this.residual = new Float64Array(n);
  }
}

/**
 * ŵ(ℓ) for K = σ_f²·Matérn(ℓ) + noise·I through the Cholesky factor: A = L⁻¹B, b = L⁻¹y, the
 * normal equations (AᵀA)w = Aᵀb over the columns that have data (h if non-zero, each observed
 * group), β ≥ 0 enforced as above.
 */
export function priorMeanAt(x: Float64Array, y: ArrayLike<number>, basis: PriorBasis, n: number, dims: number, lengthScale: ArrayLike<number>, settings: LmlSettings = {}, ws = new PriorWeightWorkspace()): PriorMean {
  const { h, group, groups } = basis;
  const offsets = new Float64Array(groups);
  if (n === 0) return { priorWeight: 0, offsets };
  const q = 1 + groups;
  ws.ensure(n, q);
  maternMatrix(x, n, dims, lengthScale, settings.signalVariance ?? 1, settings.noiseVariance ?? 0.01, ws.k);
  choleskyWithJitter(ws.k, n, n, ws.l, n);
  // Columns with data: 0 = h (unless all zero), 1 + g for each observed group g.
  const used: number[] = [];
  if (Array.prototype.some.call(h, (v: number) => v !== 0)) used.push(0);
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) seen.add(group[i]);
  for (let g = 0; g < groups; g++) if (seen.has(g)) used.push(1 + g);
  for (const c of used) {
    for (let i = 0; i < n; i++) ws.col[i] = c === 0 ? h[i] : group[i] === c - 1 ? 1 : 0;
    solveLower(ws.l, n, n, ws.col, ws.a.subarray(c * n, c * n + n));
  }
  solveLower(ws.l, n, n, y, ws.b);
  let w = solveNormal(ws, n, used);
  if (w.get(0) !== undefined && w.get(0)! < 0) w = solveNormal(ws, n, used.filter((c) => c !== 0));
  let sum = 0;
  let count = 0;
  for (let g = 0; g < groups; g++) {
    const v = w.get(1 + g);
    if (v !== undefined) {
      offsets[g] = v;
      sum += v;
      count++;
    }
  }
  for (let g = 0; g < groups; g++) if (w.get(1 + g) === undefined) offsets[g] = count > 0 ? sum / count : 0;
  return { priorWeight: w.get(0) ?? 0, offsets };
}

/** Least squares min |A_used·w − b| by the normal equations (q ≤ 5: Gaussian elimination with pivoting). */
function solveNormal(ws: PriorWeightWorkspace, n: number, used: number[]): Map<number, number> {
  const q = used.length;
  const m = new Float64Array(q * (q + 1));
  for (let r = 0; r < q; r++) {
    const ar = ws.a.subarray(used[r] * n, used[r] * n + n);
    for (let c = 0; c < q; c++) {
      const ac = ws.a.subarray(used[c] * n, used[c] * n + n);
      let s = 0;
      for (let i = 0; i < n; i++) s += ar[i] * ac[i];
      m[r * (q + 1) + c] = s;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += ar[i] * ws.b[i];
    m[r * (q + 1) + q] = s;
  }
  // A tiny ridge keeps a nearly collinear h and offsets solvable (relative 1e-10 of the diagonal).
  for (let r = 0; r < q; r++) m[r * (q + 1) + r] *= 1 + 1e-10;
  for (let col = 0; col < q; col++) {
    let piv = col;
    for (let r = col + 1; r < q; r++) if (Math.abs(m[r * (q + 1) + col]) > Math.abs(m[piv * (q + 1) + col])) piv = r;
    if (piv !== col) for (let c = 0; c <= q; c++) [m[col * (q + 1) + c], m[piv * (q + 1) + c]] = [m[piv * (q + 1) + c], m[col * (q + 1) + c]];
    const d = m[col * (q + 1) + col];
    if (d === 0) continue;
    for (let r = 0; r < q; r++) {
      if (r === col) continue;
      const f = m[r * (q + 1) + col] / d;
      if (f !== 0) for (let c = col; c <= q; c++) m[r * (q + 1) + c] -= f * m[col * (q + 1) + c];
    }
  }
  const w = new Map<number, number>();
  used.forEach((c, r) => {
    const d = m[r * (q + 1) + r];
    w.set(c, d === 0 ? 0 : m[r * (q + 1) + q] / d);
  });
  return w;
}

/** The residual y − β·h − c_g of each observation. */
export function priorMeanResidual(y: ArrayLike<number>, basis: PriorBasis, mean: PriorMean, n: number, out = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) out[i] = y[i] - mean.priorWeight * basis.h[i] - mean.offsets[basis.group[i]];
  return out;
}

/** The profile log likelihood LML(ℓ, ŵ(ℓ)) and its gradient in log ℓ; returns ŵ too. */
export function profileLogLikelihood(
  x: Float64Array,
  y: ArrayLike<number>,
  basis: PriorBasis,
  n: number,
  dims: number,
  lengthScale: ArrayLike<number>,
  settings: LmlSettings = {},
  gradient?: Float64Array,
  ws = new PriorWeightWorkspace(),
): { value: number; mean: PriorMean } {
  const mean = priorMeanAt(x, y, basis, n, dims, lengthScale, settings, ws);
  const r = priorMeanResidual(y, basis, mean, n, ws.residual);
  return { value: logMarginalLikelihood(x, r, n, dims, lengthScale, settings, gradient, ws.lml), mean };
}

export interface PriorWeightFit extends FitResult {
  mean: PriorMean;
}

/** Fits ℓ (L-BFGS-B in log ℓ within bounds, from `initial`) on the profile likelihood, then ŵ at that ℓ. */
export function fitLengthScaleAndPriorWeight(
  x: Float64Array,
  y: ArrayLike<number>,
  basis: PriorBasis,
  n: number,
  dims: number,
  initial: ArrayLike<number>,
  settings: LmlSettings = {},
  options: Omit<FitOptions, 'initial'> = {},
): PriorWeightFit {
  const ws = new PriorWeightWorkspace();
  const fit = fitTheta(dims, initial, options, (ls, grad) => profileLogLikelihood(x, y, basis, n, dims, ls, settings, grad, ws).value);
  return { ...fit, mean: priorMeanAt(x, y, basis, n, dims, fit.lengthScale, settings, ws) };
}
