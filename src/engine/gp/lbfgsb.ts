/**
 * Bound-constrained limited-memory BFGS (L-BFGS-B; Byrd, Lu, Nocedal & Zhu 1995, with the
 * projected subspace step of Morales & Nocedal 2011, i.e. "L-BFGS-B 3.0" as in SciPy), for the
 * handful of GP hyper-parameters. No npm package offers a maintained bounded quasi-Newton method.
 *
 * It follows the reference algorithm step by step so that, started from the same point, it takes
 * the path sklearn's `fmin_l_bfgs_b` takes and stops by the same tests:
 *   1. generalized Cauchy point along the projected steepest-descent path;
 *   2. subspace minimisation of the quadratic model over the variables left free, projected
 *      back into the box (falling back to a truncated step if that is not a descent direction);
 *   3. Moré–Thuente line search (MINPACK-2 dcsrch: ftol 1e-3, gtol 0.9, xtol 0.1, ≤ 20 evals),
 *      the step capped so the iterate stays feasible;
 *   4. stop when the projected gradient's ∞-norm ≤ pgtol or the relative decrease of f
 *      ≤ ftol (SciPy's defaults 1e-5 and 2.22e-9).
 * One difference: the L-BFGS matrix is formed densely (B = θI updated with the stored pairs,
 * which is what the compact representation stands for). That is O(m·n²) per iteration and only
 * meant for small n (here n = 3 or 5).
 */
import { moreThuenteStep, type LineSearchState } from './line-search.ts';

/** f(x); must also write ∇f(x) into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsbOptions {
  /** Lower bounds per variable (-Infinity for none). */
  lower: ArrayLike<number>;
  /** Upper bounds per variable (Infinity for none). */
  upper: ArrayLike<number>;
  /** Number of correction pairs kept, default 10 (SciPy's maxcor). */
  memory?: number;
  /** Relative-decrease tolerance, default 2.220446049250313e-9 (SciPy's ftol). */
  ftol?: number;
  /** Projected-gradient tolerance, default 1e-5 (SciPy's gtol). */
  pgtol?: number;
  maxIterations?: number;
  maxEvaluations?: number;
  /** Max function evaluations per line search, default 20. */
  maxLineSearch?: number;
}

export interface LbfgsbResult {
  x: Float64Array;
  f: number;
  gradient: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

const EPS = 2.220446049250313e-16;

export function minimizeLbfgsb(fun: Objective, x0: ArrayLike<number>, options: LbfgsbOptions): LbfgsbResult {
  const n = x0.length;
  const lo = Float64Array.from(options.lower);
  const hi = Float64Array.from(options.upper);
  if (lo.length !== n || hi.length !== n) throw new Error('bounds must have one entry per variable');
  for (let i = 0; i < n; i++) if (!(lo[i] <= hi[i])) throw new Error(`empty bounds for variable ${i}`);
  const memory = options.memory ?? 10;
  const ftol = options.ftol ?? 2.220446049250313e-9;
  const pgtol = options.pgtol ?? 1e-5;
  const maxIter = options.maxIterations ?? 15000;
  const maxEval = options.maxEvaluations ?? 15000;
  const maxLs = options.maxLineSearch ?? 20;
  const boxed = Array.from(lo).every(Number.isFinite) && Array.from(hi).every(Number.isFinite);

  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.min(hi[i], Math.max(lo[i], x0[i]));
  const g = new Float64Array(n);
  let f = fun(x, g);
  let evaluations = 1;
  checkFinite(f, g);

  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  let theta = 1;
  let iterations = 0;
  const b = new Float64Array(n * n);
  const xc = new Float64Array(n);
  const xbar = new Float64Array(n);
  const d = new Float64Array(n);
  const free = new Uint8Array(n);
  const xOld = new Float64Array(n);
  const gOld = new Float64Array(n);

  const done = (converged: boolean, message: string): LbfgsbResult => ({
    x,
    f,
    gradient: g,
    iterations,
    evaluations,
    converged,
    message,
  });

  if (projectedGradientNorm(x, g, lo, hi) <= pgtol) {
    return done(true, 'CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL');
  }

  for (;;) {
    buildLbfgsMatrix(sList, yList, theta, n, b);
    cauchyPoint(x, g, b, lo, hi, xc, free);
    let nFree = 0;
    for (let i = 0; i < n; i++) nFree += free[i];
    xbar.set(xc);
    if (sList.length > 0 && nFree > 0) subspaceStep(x, g, b, lo, hi, xc, free, xbar);
    let gd = 0;
    let dnorm2 = 0;
    for (let i = 0; i < n; i++) {
      d[i] = xbar[i] - x[i];
      gd += g[i] * d[i];
      dnorm2 += d[i] * d[i];
    }

    // Line search along d from x, keeping the iterate feasible.
    let ok = gd < 0;
    const fOld = f;
    xOld.set(x);
    gOld.set(g);
    let stp = 1;
    const gdOld = gd;
    let stpmax = 1e10;
    if (ok) {
      if (iterations === 0) {
        stpmax = 1;
      } else {
        for (let i = 0; i < n; i++) {
          if (d[i] < 0 && Number.isFinite(lo[i])) {
            const a = lo[i] - x[i];
            if (a >= 0) stpmax = 0;
            else if (a > d[i] * stpmax) stpmax = a / d[i];
          } else if (d[i] > 0 && Number.isFinite(hi[i])) {
            const a = hi[i] - x[i];
            if (a <= 0) stpmax = 0;
            else if (a < d[i] * stpmax) stpmax = a / d[i];
          }
        }
      }
      stp = iterations === 0 && !boxed ? Math.min(1 / Math.sqrt(dnorm2), stpmax) : 1;
      // x̄ is feasible, so stpmax ≥ 1 up to rounding; never start outside [0, stpmax].
      if (stp > stpmax) stp = stpmax;
      if (!(stp > 0)) ok = false;
    }
    if (ok) {
      const ls: LineSearchState = moreThuenteStep.start(f, gd, stp, 1e-3, 0.9, 0.1, 0, stpmax);
      let lsEvals = 0;
      for (;;) {
        if (lsEvals >= maxLs || evaluations >= maxEval) {
          ok = false;
          break;
        }
        stp = ls.stp;
        if (stp === 1) x.set(xbar);
        else for (let i = 0; i < n; i++) x[i] = stp * d[i] + xOld[i];
        f = fun(x, g);
        evaluations++;
        lsEvals++;
        checkFinite(f, g);
        gd = 0;
        for (let i = 0; i < n; i++) gd += g[i] * d[i];
        const task = moreThuenteStep.next(ls, f, gd);
        if (task !== 'FG') break; // converged, or a warning: accept the current point
      }
    }
    if (!ok) {
      // Restore the previous iterate; restart from steepest descent unless already there.
      x.set(xOld);
      g.set(gOld);
      f = fOld;
      if (sList.length === 0) {
        return done(false, evaluations >= maxEval ? 'STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT' : 'ABNORMAL_TERMINATION_IN_LNSRCH');
      }
      sList.length = 0;
      yList.length = 0;
      theta = 1;
      continue;
    }

    iterations++;
    if (projectedGradientNorm(x, g, lo, hi) <= pgtol) {
      return done(true, 'CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL');
    }
    if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) {
      return done(true, 'CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH');
    }
    if (iterations >= maxIter) return done(false, 'STOP: TOTAL NO. of ITERATIONS REACHED LIMIT');
    if (evaluations >= maxEval) return done(false, 'STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT');

    // Correction pair s = stp·d, y = Δg; skipped unless sᵀy is safely positive (keeps B SPD).
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = stp * d[i];
      y[i] = g[i] - gOld[i];
      yy += y[i] * y[i];
    }
    const dr = (gd - gdOld) * stp;
    if (dr > EPS * (-gdOld * stp)) {
      if (sList.length === memory) {
        sList.shift();
        yList.shift();
      }
      sList.push(s);
      yList.push(y);
      theta = yy / dr;
    }
  }
}

function checkFinite(f: number, g: Float64Array): void {
  if (!Number.isFinite(f)) throw new Error(`objective is not finite: ${f}`);
  for (let i = 0; i < g.length; i++) if (!Number.isFinite(g[i])) throw new Error(`gradient is not finite at ${i}`);
}

/** ∞-norm of the projected gradient P(x − g) − x. */
export function projectedGradientNorm(x: Float64Array, g: Float64Array, lo: Float64Array, hi: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    let gi = g[i];
    if (gi < 0) gi = Math.max(x[i] - hi[i], gi);
    else gi = Math.min(x[i] - lo[i], gi);
    norm = Math.max(norm, Math.abs(gi));
  }
  return norm;
}

/** Dense L-BFGS matrix: θI updated by BFGS with the stored pairs, oldest first. */
function buildLbfgsMatrix(sList: Float64Array[], yList: Float64Array[], theta: number, n: number, b: Float64Array): void {
  b.fill(0);
  for (let i = 0; i < n; i++) b[i * n + i] = theta;
  const bs = new Float64Array(n);
  for (let p = 0; p < sList.length; p++) {
    const s = sList[p];
    const y = yList[p];
    let sbs = 0;
    let ys = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += b[i * n + j] * s[j];
      bs[i] = v;
      sbs += s[i] * v;
      ys += y[i] * s[i];
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) b[i * n + j] += (y[i] * y[j]) / ys - (bs[i] * bs[j]) / sbs;
    }
  }
}

/**
 * Generalized Cauchy point: first local minimiser of the quadratic model along the projected
 * steepest-descent path x(t) = P(x − t·g). Writes it to `xc`; free[i] = 1 for variables not
 * fixed at a bound on the way (those enter the subspace step).
 */
function cauchyPoint(
  x: Float64Array,
  g: Float64Array,
  b: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  xc: Float64Array,
  free: Uint8Array,
): void {
  const n = x.length;
  xc.set(x);
  const d = new Float64Array(n);
  const z = new Float64Array(n);
  const breaks: { t: number; i: number }[] = [];
  for (let i = 0; i < n; i++) {
    const atLower = x[i] - lo[i] <= 0;
    const atUpper = hi[i] - x[i] <= 0;
    free[i] = 1;
    // A variable at a bound whose descent direction points out of the box stays put.
    if ((atLower && g[i] >= 0) || (atUpper && g[i] <= 0)) {
      free[i] = 0;
      continue;
    }
    d[i] = -g[i];
    if (d[i] < 0 && Number.isFinite(lo[i])) breaks.push({ t: (x[i] - lo[i]) / -d[i], i });
    else if (d[i] > 0 && Number.isFinite(hi[i])) breaks.push({ t: (hi[i] - x[i]) / d[i], i });
  }
  if (projectedGradientNorm(x, g, lo, hi) <= 0) return;
  breaks.sort((p, q) => p.t - q.t || p.i - q.i);

  const bd = new Float64Array(n);
  const slopes = (): [number, number] => {
    // m(τ) = gᵀ(z + τd) + ½(z + τd)ᵀB(z + τd): m'(0) = gᵀd + dᵀBz, m''(0) = dᵀBd.
    let f1 = 0;
    let f2 = 0;
    for (let i = 0; i < n; i++) {
      let bz = 0;
      let bdi = 0;
      for (let j = 0; j < n; j++) {
        bz += b[i * n + j] * z[j];
        bdi += b[i * n + j] * d[j];
      }
      bd[i] = bdi;
      f1 += d[i] * (g[i] + bz);
      f2 += d[i] * bdi;
    }
    return [f1, f2];
  };
  let [f1, f2] = slopes();
  const f2Org = f2;
  let tPrev = 0;
  let dtm = -f1 / f2;
  for (const br of breaks) {
    if (f1 >= 0) {
      dtm = 0;
      break;
    }
    const dt = br.t - tPrev;
    if (dtm < dt) break; // the minimiser lies inside this segment
    // Move to the breakpoint and fix variable br.i at its bound.
    for (let i = 0; i < n; i++) z[i] += dt * d[i];
    const i = br.i;
    xc[i] = d[i] > 0 ? hi[i] : lo[i];
    z[i] = xc[i] - x[i];
    d[i] = 0;
    free[i] = 0;
    tPrev = br.t;
    [f1, f2] = slopes();
    f2 = Math.max(EPS * f2Org, f2);
    dtm = f2 > 0 ? -f1 / f2 : 0;
  }
  dtm = Math.max(0, dtm);
  for (let i = 0; i < n; i++) {
    if (free[i] && d[i] !== 0) xc[i] = x[i] + z[i] + dtm * d[i];
  }
}

/**
 * Minimises the quadratic model over the free variables from the Cauchy point (Newton step on
 * B_FF), then projects into the box; if the projected point is not a descent direction from x,
 * truncates the step at the first bound instead (L-BFGS-B 3.0's subsm).
 */
function subspaceStep(
  x: Float64Array,
  g: Float64Array,
  b: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  xc: Float64Array,
  free: Uint8Array,
  out: Float64Array,
): void {
  const n = x.length;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (free[i]) idx.push(i);
  const k = idx.length;
  // Reduced gradient at xc: r = g + B(xc − x).
  const r = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    const i = idx[a];
    let v = g[i];
    for (let j = 0; j < n; j++) v += b[i * n + j] * (xc[j] - x[j]);
    r[a] = v;
  }
  const h = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) h[a * k + c] = b[idx[a] * n + idx[c]];
  const du = solveSpd(h, r, k);
  if (!du) return; // keep the Cauchy point
  out.set(xc);
  let ddp = 0;
  for (let a = 0; a < k; a++) {
    const i = idx[a];
    out[i] = Math.min(hi[i], Math.max(lo[i], xc[i] - du[a]));
  }
  for (let i = 0; i < n; i++) ddp += (out[i] - x[i]) * g[i];
  if (ddp <= 0) return;
  // Truncated step: largest α ≤ 1 with xc + α·(−du) feasible.
  out.set(xc);
  let alpha = 1;
  let hit = -1;
  for (let a = 0; a < k; a++) {
    const i = idx[a];
    const dk = -du[a];
    if (dk < 0 && Number.isFinite(lo[i])) {
      const t = lo[i] - xc[i];
      const cand = t >= 0 ? 0 : dk * alpha < t ? t / dk : alpha;
      if (cand < alpha) {
        alpha = cand;
        hit = a;
      }
    } else if (dk > 0 && Number.isFinite(hi[i])) {
      const t = hi[i] - xc[i];
      const cand = t <= 0 ? 0 : dk * alpha > t ? t / dk : alpha;
      if (cand < alpha) {
        alpha = cand;
        hit = a;
      }
    }
  }
  for (let a = 0; a < k; a++) out[idx[a]] = xc[idx[a]] - alpha * du[a];
  if (hit >= 0 && alpha < 1) {
    const i = idx[hit];
    out[i] = -du[hit] > 0 ? hi[i] : lo[i];
  }
}

/** Solves H·u = r for symmetric positive definite H (k×k) by Cholesky; null if not SPD. */
function solveSpd(h: Float64Array, r: Float64Array, k: number): Float64Array | null {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = h[i * k + j];
      for (let p = 0; p < j; p++) s -= l[i * k + p] * l[j * k + p];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * k + i] = Math.sqrt(s);
      } else {
        l[i * k + j] = s / l[j * k + j];
      }
    }
  }
  const u = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = r[i];
    for (let p = 0; p < i; p++) s -= l[i * k + p] * u[p];
    u[i] = s / l[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = u[i];
    for (let p = i + 1; p < k; p++) s -= l[p * k + i] * u[p];
    u[i] = s / l[i * k + i];
  }
  return u;
}
