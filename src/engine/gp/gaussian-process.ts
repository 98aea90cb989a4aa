/**
 * Exact GP regressor with a zero prior mean, an anisotropic Matérn 3/2 kernel, fixed signal
 * variance σ_f² and fixed noise variance on the diagonal: the model of the public BOREx code
 * (sklearn `GaussianProcessRegressor(Matern(ℓ, nu=1.5), alpha=0.01)`, normalize_y=False).
 *
 * Observations arrive one at a time. `addObservation` extends the Cholesky factor by one row
 * (O(n²)); changing ℓ invalidates it and the next use refactorises (O(n³), n ≤ 50 in BOREx).
 * Extending and refactorising run the very same arithmetic in the same order, so the factor after
 * k appends equals (bit for bit, in practice) the one a fresh factorisation gives.
 *
 * σ conventions (`stdMode`):
 * - 'latent' (default): σ² = σ_f² − k*ᵀK⁻¹k*, the uncertainty of f. This is what sklearn returns
 *   for the public BOREx model, whose noise enters through `alpha`, not a WhiteKernel.
 * - 'noisy': σ² = σ_f² + noise − k*ᵀK⁻¹k*, what sklearn returns when the noise is a WhiteKernel
 *   inside the kernel (WhiteKernel.diag adds the noise at prediction too).
 * Negative variances from rounding are clamped to 0, as sklearn does.
 */
import { choleskyAppendRow, choleskyWithJitter, solveLowerTransposed } from './cholesky.ts';
import { LmlWorkspace, logMarginalLikelihood } from './log-marginal-likelihood.ts';
import { SQRT3, maternRowScaled } from './matern.ts';
import { expNeg } from './fast-exp.ts';

export type StdMode = 'latent' | 'noisy';

export interface GaussianProcessOptions {
  /** Input dimension: 3 for images (row, col, s), 5 for video (row, col, n, s, t). */
  dims: number;
  /** Initial ℓ per dimension (default all 1). BOREx starts at (12, 12, 10). */
  lengthScale?: ArrayLike<number>;
  /** σ_f², default 1. */
  signalVariance?: number;
  /** Noise variance on the diagonal of K, default 0.01. */
  noiseVariance?: number;
  /** Which σ `predict` returns, default 'latent' (see the file header). */
  stdMode?: StdMode;
  /** Initial number of observation slots; buffers double when full. Default 64. */
  capacity?: number;
}

/**
 * Read-only view of the current factorisation for fast consumers (CandidatePosterior). Valid until
 * the next mutation of the GP. `generation` changes whenever rows 0..n−1 of L change (new ℓ,
 * jitter, clear); appending observations keeps it, so a consumer may extend cached work.
 */
export interface FactorView {
  readonly generation: number;
  /** Changes whenever the targets y change without L changing (setTargets): β is new, V is not. */
  readonly targetGeneration: number;
  readonly n: number;
  readonly dims: number;
  /** Lower-triangular L with row stride `stride`: K + (noise + jitter)·I = L·Lᵀ. */
  readonly l: Float64Array;
  readonly stride: number;
  /** β = L⁻¹·y (so that μ(z) = (L⁻¹k*)·β). */
  readonly beta: Float64Array;
  /** Observations divided by ℓ, row-major. */
  readonly scaledX: Float64Array;
  /** 1/ℓ_j, used to scale candidates the same way (bit-identical kernel values). */
  readonly inverseLengthScale: Float64Array;
  readonly signalVariance: number;
  /** Prior variance that σ² starts from: σ_f² ('latent') or σ_f² + noise ('noisy'). */
  readonly priorVariance: number;
}

export class GaussianProcess {
  readonly dims: number;
  readonly signalVariance: number;
  readonly noiseVariance: number;
  readonly stdMode: StdMode;

  private n = 0;
  private cap: number;
  private ls: Float64Array;
  private invLs: Float64Array;
  private x: Float64Array; // raw observations, n·dims
  private xs: Float64Array; // x / ℓ
  private y: Float64Array;
  private l: Float64Array; // factor, stride cap
  private beta: Float64Array; // L⁻¹ y
  private alpha: Float64Array; // K⁻¹ y (lazy)
  private kRow: Float64Array; // scratch: one kernel row / column
  private factorValid = true; // an empty factor is valid
  private alphaValid = true;
  private jitterValue = 0;
  private gen = 0;
  private targetGen = 0;
  private lmlWorkspace = new LmlWorkspace();

  constructor(options: GaussianProcessOptions) {
    const { dims } = options;
    if (!Number.isInteger(dims) || dims < 1) throw new Error(`GP dims must be a positive integer, got ${dims}`);
    this.dims = dims;
    this.signalVariance = options.signalVariance ?? 1;
    this.noiseVariance = options.noiseVariance ?? 0.01;
    this.stdMode = options.stdMode ?? 'latent';
    if (!(this.signalVariance > 0)) throw new Error('signalVariance must be > 0');
    if (!(this.noiseVariance >= 0)) throw new Error('noiseVariance must be ≥ 0');
    this.cap = Math.max(1, options.capacity ?? 64);
    this.ls = new Float64Array(dims).fill(1);
    this.invLs = new Float64Array(dims).fill(1);
    this.x = new Float64Array(this.cap * dims);
    this.xs = new Float64Array(this.cap * dims);
    this.y = new Float64Array(this.cap);
    this.l = new Float64Array(this.cap * this.cap);
    this.beta = new Float64Array(this.cap);
    this.alpha = new Float64Array(this.cap);
    this.kRow = new Float64Array(this.cap);
    if (options.lengthScale) this.setLengthScale(options.lengthScale);
  }

  /** Number of observations. */
  get size(): number {
    return this.n;
  }

  /** Copy of the current ℓ. */
  get lengthScale(): Float64Array {
    return this.ls.slice();
  }

  /** Jitter currently added to the diagonal on top of the noise (0 unless K was singular). */
  get jitter(): number {
    this.ensureFactor();
    return this.jitterValue;
  }

  /** Prior variance σ² starts from at a far-away point: σ_f², plus the noise in 'noisy' mode. */
  get priorVariance(): number {
    return this.stdMode === 'noisy' ? this.signalVariance + this.noiseVariance : this.signalVariance;
  }

  /** Sets ℓ. Identical values keep the factor (so a refit that did not move costs nothing). */
  setLengthScale(lengthScale: ArrayLike<number>): void {
    if (lengthScale.length !== this.dims) {
      throw new Error(`lengthScale needs ${this.dims} entries, got ${lengthScale.length}`);
    }
    let same = true;
    for (let j = 0; j < this.dims; j++) {
      const v = lengthScale[j];
      if (!(v > 0) || !Number.isFinite(v)) throw new Error(`length scales must be finite and > 0, got ${v}`);
      if (v !== this.ls[j]) same = false;
    }
    if (same) return;
    for (let j = 0; j < this.dims; j++) {
      this.ls[j] = lengthScale[j];
      this.invLs[j] = 1 / lengthScale[j];
    }
    this.rescale();
    this.invalidate();
  }

  /** Adds one observation z (dims numbers) with target y. O(n²) while ℓ is unchanged. */
  addObservation(z: ArrayLike<number>, y: number): void {
    const d = this.dims;
    if (z.length < d) throw new Error(`observation needs ${d} coordinates, got ${z.length}`);
    for (let j = 0; j < d; j++) {
      if (!Number.isFinite(z[j])) throw new Error(`observation coordinate ${j} is not finite: ${z[j]}`);
    }
    if (!Number.isFinite(y)) throw new Error(`observation target is not finite: ${y}`);
    if (this.n === this.cap) this.grow(this.cap * 2);
    const n = this.n;
    for (let j = 0; j < d; j++) {
      this.x[n * d + j] = z[j];
      this.xs[n * d + j] = z[j] * this.invLs[j];
    }
    this.y[n] = y;
    this.n = n + 1;
    this.alphaValid = false;
    if (!this.factorValid) return; // the next ensureFactor() factorises everything anyway
    // New row of K: k(x_n, x_i) for i < n, then the diagonal entry.
    maternRowScaled(this.xs, n * d, this.xs, n, d, this.signalVariance, this.kRow);
    const diag = this.signalVariance + this.noiseVariance + this.jitterValue;
    if (choleskyAppendRow(this.l, this.cap, n, this.kRow, diag)) {
      this.appendBeta(n);
    } else {
      // Not positive definite (e.g. a duplicate point with zero noise): refactorise with jitter.
      this.invalidate();
    }
  }

  /**
   * Replaces the targets of the n observations (the points stay): O(n²), the factor is kept. Used
   * when the GP models a residual y − β·h whose β was just re-fitted (BOREx's learned prior weight).
   */
  setTargets(y: ArrayLike<number>): void {
    if (y.length < this.n) throw new Error(`setTargets needs ${this.n} targets, got ${y.length}`);
    let same = true;
    for (let i = 0; i < this.n; i++) {
      if (!Number.isFinite(y[i])) throw new Error(`observation target is not finite: ${y[i]}`);
      if (y[i] !== this.y[i]) same = false;
    }
    if (same) return;
    for (let i = 0; i < this.n; i++) this.y[i] = y[i];
    this.targetGen++;
    this.alphaValid = false;
    if (this.factorValid) for (let i = 0; i < this.n; i++) this.appendBeta(i);
  }

  /** Removes all observations (keeps ℓ and the settings). */
  clear(): void {
    this.n = 0;
    this.invalidate();
  }

  /** Copy of the observation inputs, n·dims row-major. */
  observationPoints(): Float64Array {
    return this.x.slice(0, this.n * this.dims);
  }

  /** Copy of the observation targets. */
  observationTargets(): Float64Array {
    return this.y.slice(0, this.n);
  }

  /** The factorisation, (re)computed if stale. See FactorView. */
  factor(): FactorView {
    this.ensureFactor();
    return {
      generation: this.gen,
      targetGeneration: this.targetGen,
      n: this.n,
      dims: this.dims,
      l: this.l,
      stride: this.cap,
      beta: this.beta,
      scaledX: this.xs,
      inverseLengthScale: this.invLs,
      signalVariance: this.signalVariance,
      priorVariance: this.priorVariance,
    };
  }

  /** α = K⁻¹·y (length ≥ n; entries past n are meaningless). */
  weights(): Float64Array {
    this.ensureAlpha();
    return this.alpha;
  }

  /**
   * Posterior mean (and σ if `outStd` is given) at m points (row-major, dims numbers each),
   * written into the caller's buffers. O(m·n) for the mean plus O(m·n²/2) for σ; no allocation.
   * For σ over one large fixed candidate set across iterations use CandidatePosterior, which
   * reuses work between calls.
   */
  predict(candidates: Float64Array, m: number, outMean: Float64Array, outStd?: Float64Array): void {
    this.checkBuffers(candidates, m, outMean, outStd);
    this.ensureAlpha();
    const { n, dims, l, invLs, xs, alpha, kRow, cap } = this;
    const sf2 = this.signalVariance;
    const prior = this.priorVariance;
    const z = new Float64Array(dims); // one small buffer per call, not per point
    for (let t = 0; t < m; t++) {
      for (let j = 0; j < dims; j++) z[j] = candidates[t * dims + j] * invLs[j];
      maternRowScaled(z, 0, xs, n, dims, sf2, kRow);
      let mu = 0;
      for (let i = 0; i < n; i++) mu += kRow[i] * alpha[i];
      outMean[t] = mu;
      if (!outStd) continue;
      // v = L⁻¹k* in place; σ² = prior − |v|².
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const ri = i * cap;
        let s = kRow[i];
        for (let j = 0; j < i; j++) s -= l[ri + j] * kRow[j];
        const v = s / l[ri + i];
        kRow[i] = v;
        ss += v * v;
      }
      const v2 = prior - ss;
      outStd[t] = v2 > 0 ? Math.sqrt(v2) : 0;
    }
  }

  /**
   * Posterior mean only: O(m·n), e.g. for the final map at every pixel. Same values as predict()
   * (same operations in the same order), computed in cache-sized blocks of candidates with the
   * observation loop outside, which keeps the inner loop free of calls.
   */
  predictMean(candidates: Float64Array, m: number, outMean: Float64Array): void {
    this.checkBuffers(candidates, m, outMean);
    this.ensureAlpha();
    const { n, dims, invLs, xs, alpha } = this;
    const sf2 = this.signalVariance;
    const block = 512;
    const zs = new Float64Array(block * dims);
    for (let b0 = 0; b0 < m; b0 += block) {
      const len = Math.min(block, m - b0);
      for (let t = 0; t < len; t++) {
        outMean[b0 + t] = 0;
        for (let j = 0; j < dims; j++) zs[t * dims + j] = candidates[(b0 + t) * dims + j] * invLs[j];
      }
      for (let i = 0; i < n; i++) {
        const ai = alpha[i];
        if (dims === 3) {
          const x0 = xs[i * 3];
          const x1 = xs[i * 3 + 1];
          const x2 = xs[i * 3 + 2];
          for (let t = 0, o = 0; t < len; t++, o += 3) {
            const a = zs[o] - x0;
            const b = zs[o + 1] - x1;
            const c = zs[o + 2] - x2;
            const r = SQRT3 * Math.sqrt(a * a + b * b + c * c);
            outMean[b0 + t] += sf2 * ((1 + r) * expNeg(r)) * ai;
          }
        } else {
          for (let t = 0; t < len; t++) {
            let d2 = 0;
            for (let j = 0; j < dims; j++) {
              const a = zs[t * dims + j] - xs[i * dims + j];
              d2 += a * a;
            }
            const r = SQRT3 * Math.sqrt(d2);
            outMean[b0 + t] += sf2 * ((1 + r) * expNeg(r)) * ai;
          }
        }
      }
    }
  }

  /**
   * Log marginal likelihood at the current ℓ (or at `lengthScale` if given); with `gradient`,
   * also ∂/∂log ℓ_j. Does not change the GP.
   */
  logMarginalLikelihood(gradient?: Float64Array, lengthScale: ArrayLike<number> = this.ls): number {
    return logMarginalLikelihood(
      this.x,
      this.y,
      this.n,
      this.dims,
      lengthScale,
      { signalVariance: this.signalVariance, noiseVariance: this.noiseVariance },
      gradient,
      this.lmlWorkspace,
    );
  }

  /** Out-of-range typed-array reads give NaN silently: refuse short buffers up front. */
  private checkBuffers(candidates: Float64Array, m: number, outMean: Float64Array, outStd?: Float64Array): void {
    if (!Number.isInteger(m) || m < 0) throw new Error(`candidate count must be a non-negative integer, got ${m}`);
    if (candidates.length < m * this.dims) {
      throw new Error(`${m} candidates of ${this.dims} dims need ${m * this.dims} numbers, got ${candidates.length}`);
    }
    if (outMean.length < m || (outStd && outStd.length < m)) throw new Error(`output buffers need ${m} entries`);
  }

  private invalidate(): void {
    this.factorValid = false;
    this.alphaValid = false;
    this.gen++;
  }

  private rescale(): void {
    const { n, dims, x, xs, invLs } = this;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dims; j++) xs[i * dims + j] = x[i * dims + j] * invLs[j];
    }
  }

  /** Full refactorisation: K built row by row with the same kernel code as the appends. */
  private ensureFactor(): void {
    if (this.factorValid) return;
    const { n, dims, cap, xs, l } = this;
    const diag = this.signalVariance + this.noiseVariance;
    // Build K's lower triangle in place in l, then factorise (with jitter if needed). The
    // jitter-free attempt reproduces the appends' arithmetic exactly: row i of the in-place
    // Cholesky performs the same operations as choleskyAppendRow(i).
    const k = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      maternRowScaled(xs, i * dims, xs, i, dims, this.signalVariance, this.kRow);
      for (let j = 0; j < i; j++) k[i * n + j] = this.kRow[j];
      k[i * n + i] = diag;
    }
    this.jitterValue = choleskyWithJitter(k, n, n, l, cap);
    for (let i = 0; i < n; i++) this.appendBeta(i);
    this.factorValid = true;
    this.alphaValid = false;
  }

  private appendBeta(i: number): void {
    const ri = i * this.cap;
    let s = this.y[i];
    for (let j = 0; j < i; j++) s -= this.l[ri + j] * this.beta[j];
    this.beta[i] = s / this.l[ri + i];
  }

  private ensureAlpha(): void {
    this.ensureFactor();
    if (this.alphaValid) return;
    solveLowerTransposed(this.l, this.cap, this.n, this.beta, this.alpha);
    this.alphaValid = true;
  }

  private grow(newCap: number): void {
    const { dims, n, cap } = this;
    const copy = (a: Float64Array, size: number): Float64Array => {
      const b = new Float64Array(size);
      b.set(a.subarray(0, Math.min(a.length, size)));
      return b;
    };
    this.x = copy(this.x, newCap * dims);
    this.xs = copy(this.xs, newCap * dims);
    this.y = copy(this.y, newCap);
    this.beta = copy(this.beta, newCap);
    this.alpha = copy(this.alpha, newCap);
    this.kRow = new Float64Array(newCap);
    const l = new Float64Array(newCap * newCap);
    for (let i = 0; i < n; i++) l.set(this.l.subarray(i * cap, i * cap + i + 1), i * newCap);
    this.l = l;
    this.cap = newCap;
    // The stride changed, so views handed out before are stale: same values, new layout.
    this.gen++;
  }
}
