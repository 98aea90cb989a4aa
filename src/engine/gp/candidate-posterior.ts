/**
 * Posterior mean and σ over one large, fixed candidate set (BOREx: every pixel × every mask size,
 * 224·224·4 = 200,704 points), kept up to date across BO iterations.
 *
 * It stores V = L⁻¹·K(X, C), candidate-major (each candidate's column of V is contiguous, so its
 * forward substitution streams through memory), and accumulates
 *
 *   μ(c) = Σ_i V_i(c)·β_i  with β = L⁻¹y,      σ²(c) = prior − Σ_i V_i(c)².
 *
 * Because L is lower triangular, a new observation only appends row n of L, hence one new row of
 * V and one new term of each sum: O(m·n) per iteration instead of O(m·n²/2), as long as ℓ did not
 * change. When ℓ changes (a refit moved it), everything is recomputed. Both paths run the same
 * arithmetic in the same order, so an extended cache equals a freshly built one bit for bit.
 *
 * Memory: 8·m bytes per observation slot (1.6 MB per slot for 200,704 candidates; 80 MB for the
 * default 50 slots). Reuse one instance across images (update() notices a new GP and rebuilds):
 * first touching that much memory costs more than a whole run in a VM.
 */
import type { FactorView, GaussianProcess } from './gaussian-process.ts';
import { SQRT3 } from './matern.ts';
import { expNeg } from './fast-exp.ts';

export type PosteriorUpdate = 'unchanged' | 'incremental' | 'rebuild';

export interface CandidatePosteriorOptions {
  /**
   * Observations V has room for before it grows (doubling, with a copy). Default 50, BOREx's
   * iteration count. Memory is 8·m·capacity bytes, all of it touched by the first update.
   */
  capacity?: number;
}

export class CandidatePosterior {
  readonly m: number;
  readonly dims: number;
  /** Posterior mean per candidate (valid after update()). */
  readonly mean: Float64Array;
  /** Posterior σ per candidate, in the GP's stdMode (valid after update()). */
  readonly std: Float64Array;
  /** What the last update() did. */
  lastUpdate: PosteriorUpdate = 'unchanged';
  /** Counters for benchmarks: full rebuilds, and V rows computed in total. */
  readonly stats = { rebuilds: 0, rowsComputed: 0 };

  private readonly candidates: Float64Array;
  private readonly scaled: Float64Array;
  private readonly scaledFor: Float64Array; // the 1/ℓ `scaled` was computed with
  private readonly sumSq: Float64Array;
  private v = new Float64Array(0);
  private vCap = 0;
  private kBuf = new Float64Array(0);
  private readonly initialCapacity: number;
  private cachedGp: GaussianProcess | null = null;
  private cachedGeneration = -1;
  private cachedTargetGeneration = -1;
  private cachedN = 0;

  /** `candidates`: m points row-major (dims numbers each); kept by reference, must not change. */
  constructor(candidates: Float64Array, m: number, dims: number, options: CandidatePosteriorOptions = {}) {
    if (candidates.length < m * dims) throw new Error(`candidates hold ${candidates.length} numbers, need ${m * dims}`);
    this.m = m;
    this.dims = dims;
    this.candidates = candidates;
    this.scaled = new Float64Array(m * dims);
    this.scaledFor = new Float64Array(dims);
    this.mean = new Float64Array(m);
    this.std = new Float64Array(m);
    this.sumSq = new Float64Array(m);
    this.initialCapacity = Math.max(1, options.capacity ?? 50);
  }

  /** Brings mean and std up to date with the GP's current observations and ℓ. */
  update(gp: GaussianProcess): PosteriorUpdate {
    if (gp.dims !== this.dims) throw new Error(`GP has ${gp.dims} dims, candidates ${this.dims}`);
    const f = gp.factor();
    let from: number;
    // Reusable across GPs (e.g. one per image: the buffers, ~8·m·capacity bytes, are the costly
    // part to allocate), but cached rows only extend the very GP they came from.
    if (gp === this.cachedGp && f.generation === this.cachedGeneration && f.n >= this.cachedN) {
      // New targets, same L (a re-fitted prior weight): V stands, μ is summed again from it.
      if (f.targetGeneration !== this.cachedTargetGeneration) {
        this.remean(f);
        this.cachedTargetGeneration = f.targetGeneration;
        if (f.n === this.cachedN) {
          this.lastUpdate = 'incremental';
          return this.lastUpdate;
        }
      }
      if (f.n === this.cachedN) {
        this.lastUpdate = 'unchanged';
        return this.lastUpdate;
      }
      from = this.cachedN;
      this.lastUpdate = 'incremental';
    } else {
      from = 0;
      this.lastUpdate = 'rebuild';
      this.stats.rebuilds++;
      this.rescaleIfNeeded(f.inverseLengthScale);
      this.mean.fill(0);
      this.sumSq.fill(0);
    }
    this.computeRows(f, from, f.n);
    this.stats.rowsComputed += f.n - from;
    this.cachedGp = gp;
    this.cachedGeneration = f.generation;
    this.cachedTargetGeneration = f.targetGeneration;
    this.cachedN = f.n;
    const prior = f.priorVariance;
    const { std, sumSq, m } = this;
    for (let t = 0; t < m; t++) {
      const v = prior - sumSq[t];
      std[t] = v > 0 ? Math.sqrt(v) : 0;
    }
    return this.lastUpdate;
  }

  /** μ from the stored rows of V and the new β, in computeRows' order (so equal to a rebuild's μ bit for bit). */
  private remean(f: FactorView): void {
    const { m, mean, v } = this;
    const cap = this.vCap;
    const n = this.cachedN;
    const beta = f.beta;
    for (let t = 0; t < m; t++) {
      const base = t * cap;
      let mu = 0;
      for (let i = 0; i < n; i++) mu += v[base + i] * beta[i];
      mean[t] = mu;
    }
  }

  private rescaleIfNeeded(invLs: Float64Array): void {
    let same = true;
    for (let j = 0; j < this.dims; j++) if (this.scaledFor[j] !== invLs[j]) same = false;
    if (same) return;
    const { m, dims, candidates, scaled } = this;
    for (let j = 0; j < dims; j++) {
      const s = invLs[j];
      this.scaledFor[j] = s;
      for (let t = 0, o = j; t < m; t++, o += dims) scaled[o] = candidates[o] * s;
    }
  }

  /** Rows [from, to) of V, with their μ and Σv² contributions, candidate by candidate. */
  private computeRows(f: FactorView, from: number, to: number): void {
    const { m, dims, scaled, mean, sumSq } = this;
    const { l, stride, beta, scaledX, signalVariance: sf2 } = f;
    this.ensureCapacity(to);
    const v = this.v;
    const cap = this.vCap;
    const k = this.kBuf;
    for (let t = 0; t < m; t++) {
      const base = t * cap;
      // Kernel values k(x_i, c_t), same formula and operation order as maternRowScaled.
      if (dims === 3) {
        const c0 = scaled[t * 3];
        const c1 = scaled[t * 3 + 1];
        const c2 = scaled[t * 3 + 2];
        for (let i = from, o = from * 3; i < to; i++, o += 3) {
          const a = c0 - scaledX[o];
          const b = c1 - scaledX[o + 1];
          const c = c2 - scaledX[o + 2];
          const r = SQRT3 * Math.sqrt(a * a + b * b + c * c);
          k[i] = sf2 * ((1 + r) * expNeg(r));
        }
      } else {
        for (let i = from; i < to; i++) {
          let d2 = 0;
          for (let j = 0; j < dims; j++) {
            const a = scaled[t * dims + j] - scaledX[i * dims + j];
            d2 += a * a;
          }
          const r = SQRT3 * Math.sqrt(d2);
          k[i] = sf2 * ((1 + r) * expNeg(r));
        }
      }
      // Forward substitution rows from..to−1: V_i = (k_i − Σ_{j<i} L_ij·V_j) / L_ii.
      let mu = mean[t];
      let ss = sumSq[t];
      for (let i = from; i < to; i++) {
        const ri = i * stride;
        // Σ_j L_ij·V_j with four partial sums: a single running sum is one long chain of
        // dependent additions, latency-bound; four independent chains run ~3× faster. The order
        // is fixed, so incremental and rebuilt rows stay bit-identical.
        let p0 = 0;
        let p1 = 0;
        let p2 = 0;
        let p3 = 0;
        let j = 0;
        for (; j + 3 < i; j += 4) {
          p0 += l[ri + j] * v[base + j];
          p1 += l[ri + j + 1] * v[base + j + 1];
          p2 += l[ri + j + 2] * v[base + j + 2];
          p3 += l[ri + j + 3] * v[base + j + 3];
        }
        for (; j < i; j++) p0 += l[ri + j] * v[base + j];
        const vi = (k[i] - (p0 + p1 + (p2 + p3))) / l[ri + i];
        v[base + i] = vi;
        mu += vi * beta[i];
        ss += vi * vi;
      }
      mean[t] = mu;
      sumSq[t] = ss;
    }
  }

  /** V is stored candidate-major (m × vCap) so each candidate's solve reads contiguous memory. */
  private ensureCapacity(n: number): void {
    if (n <= this.vCap) return;
    let cap = Math.max(this.vCap, this.initialCapacity);
    while (cap < n) cap *= 2;
    const v = new Float64Array(this.m * cap);
    if (this.vCap > 0) {
      for (let t = 0; t < this.m; t++) v.set(this.v.subarray(t * this.vCap, t * this.vCap + this.cachedN), t * cap);
    }
    this.v = v;
    this.vCap = cap;
    this.kBuf = new Float64Array(cap);
  }
}
