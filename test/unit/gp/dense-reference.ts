// The GP tests' independent reference: a dense solve, and their deterministic random numbers.

/** Deterministic pseudo-random numbers (tests must not depend on Math.random). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Independent reference: dense K, Gaussian elimination with partial pivoting. */
export function denseReference(z: number[][], y: number[], ls: number[], test: number[][]): { mean: number[]; std: number[] } {
  const k = (a: number[], b: number[]): number => {
    let d2 = 0;
    for (let j = 0; j < a.length; j++) d2 += ((a[j] - b[j]) / ls[j]) ** 2;
    const r = Math.sqrt(3 * d2);
    return (1 + r) * Math.exp(-r);
  };
  const n = z.length;
  const solve = (rhs: number[]): number[] => {
    const a = z.map((zi, i) => [...z.map((zj, j) => k(zi, zj) + (i === j ? 0.01 : 0)), rhs[i]]);
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
      [a[c], a[p]] = [a[p], a[c]];
      for (let r = c + 1; r < n; r++) {
        const f = a[r][c] / a[c][c];
        for (let q = c; q <= n; q++) a[r][q] -= f * a[c][q];
      }
    }
    const x = new Array<number>(n).fill(0);
    for (let r = n - 1; r >= 0; r--) {
      let s = a[r][n];
      for (let q = r + 1; q < n; q++) s -= a[r][q] * x[q];
      x[r] = s / a[r][r];
    }
    return x;
  };
  const alpha = solve(y);
  const mean: number[] = [];
  const std: number[] = [];
  for (const t of test) {
    const ks = z.map((zi) => k(zi, t));
    mean.push(ks.reduce((s, v, i) => s + v * alpha[i], 0));
    const w = solve(ks);
    std.push(Math.sqrt(Math.max(0, 1 - ks.reduce((s, v, i) => s + v * w[i], 0))));
  }
  return { mean, std };
}
