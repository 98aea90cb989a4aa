/**
 * Micro benchmark of the GP part of a BOREx run: 50 iterations on the 224×224×4 candidate set
 * with synthetic observations (no model calls), then the final mean map at every pixel.
 *
 *   node bin/run-ts.mjs bench/gp.ts [--quick]
 *
 * Each configuration reports the GP time (wall and CPU) split into: length-scale fits, posterior
 * updates over the acquisition candidates, acquisition argmax, final full-resolution mean map.
 * The loop picks points by the real acquisition (u = μ + i0 + 10σ), so the point pattern behaves
 * like in BOREx. Two kinds of targets: 'smooth' (a saliency blob + noise: ℓ soon sits at its
 * upper bound, so few refactorisations) and 'random' (uniform in [-1, 1]: ℓ keeps moving, so
 * nearly every refit forces a full rebuild — the worst case).
 *
 * The CandidatePosterior of each stride is allocated once and reused across runs, as an app
 * explaining several images would; the one-off cost of first touching its memory (large in a VM)
 * is reported separately.
 */
import { loadavg } from 'node:os';
import { CandidatePosterior, GaussianProcess, acquisitionArgmax, fitLengthScale } from '../src/engine/gp/index.ts';
import { candidatePrior, imageCandidates } from '../src/engine/methods/borex-candidates.ts';

const H = 224;
const SIZES = [30, 45, 60, 75];
const ITERATIONS = 50;
const L0 = [12, 12, 10];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Smooth prior i0 (three blobs), scaled to mean |i0| = 0.1 as BOREx does. */
function makePrior(seed: number): Float64Array {
  const r = rng(seed);
  const blobs = [0, 1, 2].map(() => ({ r: r() * H, c: r() * H, w: 20 + r() * 40, a: 0.3 + r() }));
  const p = new Float64Array(H * H);
  let sum = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < H; x++) {
      let v = 0;
      for (const b of blobs) v += b.a * Math.exp(-((y - b.r) ** 2 + (x - b.c) ** 2) / (2 * b.w * b.w));
      p[y * H + x] = v;
      sum += Math.abs(v);
    }
  }
  const k = 0.1 / (sum / p.length);
  for (let i = 0; i < p.length; i++) p[i] *= k;
  return p;
}

interface Config {
  name: string;
  targets: 'smooth' | 'random';
  /** Acquisition candidate stride (1 = all 200,704 candidates). */
  stride: number;
  /** Refit ℓ every k iterations (0 = never). */
  refitEvery: number;
  /** Start each fit from ℓ0 (public code / sklearn) or from the previous ℓ (warm). */
  start: 'l0' | 'previous';
  stdMode?: 'latent' | 'noisy';
}

interface Timing {
  total: number;
  cpu: number;
  fit: number;
  posterior: number;
  acquisition: number;
  finalMap: number;
  rebuilds: number;
  fitEvaluations: number;
  finalLengthScale: number[];
}

const grids = new Map<number, { grid: ReturnType<typeof imageCandidates>; post: CandidatePosterior }>();

/** Candidate grid and its posterior cache for a stride, created once; returns the setup ms. */
function setup(stride: number): number {
  if (grids.has(stride)) return 0;
  const t0 = performance.now();
  const grid = imageCandidates(H, H, SIZES, { stride });
  const post = new CandidatePosterior(grid.points, grid.count, 3, { capacity: ITERATIONS + 1 });
  // First touch of V's memory: one rebuild at the maximal n.
  const gp = new GaussianProcess({ dims: 3, lengthScale: L0, capacity: ITERATIONS + 1 });
  const r = rng(9);
  for (let i = 0; i <= ITERATIONS; i++) gp.addObservation([r() * H, r() * H, SIZES[i % 4]], r() - 0.5);
  post.update(gp);
  grids.set(stride, { grid, post });
  return performance.now() - t0;
}

function run(cfg: Config, prior: Float64Array, seed: number): Timing {
  const r = rng(seed);
  const { grid, post } = grids.get(cfg.stride)!;
  const acqPrior = candidatePrior(grid, prior);
  const gp = new GaussianProcess({ dims: 3, lengthScale: L0, stdMode: cfg.stdMode ?? 'latent', capacity: ITERATIONS + 1 });
  const rebuilds0 = post.stats.rebuilds;
  // Synthetic "true" flip score: a blob whose response falls with the mask size.
  const tr = 60 + r() * 100;
  const tc = 60 + r() * 100;
  const observe = (row: number, col: number, s: number): number => {
    if (cfg.targets === 'random') return 2 * r() - 1;
    const v = Math.exp(-((row - tr) ** 2 + (col - tc) ** 2) / (2 * 35 * 35)) * (45 / s) - 0.2 + 0.05 * gauss(r);
    return Math.tanh((10 * v) / 2);
  };
  const t = { fit: 0, posterior: 0, acquisition: 0, finalMap: 0 };
  let fitEvaluations = 0;
  // First point: argmax of i0 with the smallest s.
  let best = 0;
  for (let i = 1; i < prior.length; i++) if (prior[i] > prior[best]) best = i;
  let state = [Math.floor(best / H), best % H, SIZES[0]];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let it = 0; it < ITERATIONS; it++) {
    const z = [state[0] + gauss(r), state[1] + gauss(r), state[2] + 0.5 * gauss(r)];
    const y = observe(state[0], state[1], state[2]) - prior[state[0] * H + state[1]];
    let a = performance.now();
    gp.addObservation(z, y);
    if (cfg.refitEvery > 0 && it % cfg.refitEvery === 0) {
      const res = fitLengthScale(gp, cfg.start === 'l0' ? { initial: L0 } : {});
      fitEvaluations += res.evaluations;
    }
    let b = performance.now();
    t.fit += b - a;
    post.update(gp);
    a = performance.now();
    t.posterior += a - b;
    const { index } = acquisitionArgmax(post.mean, post.std, acqPrior, grid.count, { kappa: 10 });
    b = performance.now();
    t.acquisition += b - a;
    state = [grid.points[index * 3], grid.points[index * 3 + 1], grid.points[index * 3 + 2]];
  }
  // Final map: mean at every pixel and every s (no σ needed). With stride 1 the posterior cache
  // already holds it.
  const a = performance.now();
  if (cfg.stride !== 1) {
    const full = fullGrid;
    const mapMean = new Float64Array(full.count);
    gp.predictMean(full.points, full.count, mapMean);
  }
  t.finalMap = performance.now() - a;
  const c1 = process.cpuUsage(c0);
  return {
    total: performance.now() - t0,
    cpu: (c1.user + c1.system) / 1000,
    ...t,
    rebuilds: post.stats.rebuilds - rebuilds0,
    fitEvaluations,
    finalLengthScale: Array.from(gp.lengthScale, (v) => Math.round(v * 100) / 100),
  };
}

const quick = process.argv.includes('--quick');
const configs: Config[] = [];
for (const targets of ['smooth', 'random'] as const) {
  configs.push(
    { name: `${targets}: exact (refit every it from l0, all cand.)`, targets, stride: 1, refitEvery: 1, start: 'l0' },
    { name: `${targets}: refit every it from l0, stride 2`, targets, stride: 2, refitEvery: 1, start: 'l0' },
    { name: `${targets}: refit every it from l0, stride 4`, targets, stride: 4, refitEvery: 1, start: 'l0' },
    { name: `${targets}: refit every it warm-started, stride 4`, targets, stride: 4, refitEvery: 1, start: 'previous' },
    { name: `${targets}: refit every 10 it from l0, all cand.`, targets, stride: 1, refitEvery: 10, start: 'l0' },
    { name: `${targets}: fixed l = (12,12,10), all cand.`, targets, stride: 1, refitEvery: 0, start: 'l0' },
  );
}

const fullGrid = imageCandidates(H, H, SIZES);
const prior = makePrior(1);
const selected = quick ? configs.filter((c) => c.stride === 4) : configs;
const setupMs = [...new Set(selected.map((c) => c.stride))].map((st) => `stride ${st}: ${setup(st).toFixed(0)} ms`);
// Warm the JIT on a short run so the first configuration is not penalised.
setup(8);
run({ name: 'warm-up', targets: 'random', stride: 8, refitEvery: 1, start: 'l0' }, prior, 3);
console.log(
  `GP part of a ${ITERATIONS}-iteration BOREx loop, 224×224×4 candidates (${new Date().toISOString()}, ` +
    `load average ${loadavg()[0].toFixed(1)}: with other work on the machine wall > cpu)`,
);
console.log(`one-off CandidatePosterior allocation + first touch: ${setupMs.join(', ')}`);
console.log('config'.padEnd(50), 'wall ms | cpu ms | fit | posterior | argmax | final map | rebuilds | fit evals | final l');
for (const cfg of selected) {
  const t = run(cfg, prior, 2);
  const f = (v: number): string => v.toFixed(0).padStart(6);
  console.log(
    cfg.name.padEnd(50),
    f(t.total),
    '|',
    f(t.cpu),
    '  |',
    f(t.fit),
    '|',
    f(t.posterior),
    '|',
    f(t.acquisition),
    '|',
    f(t.finalMap),
    '|',
    String(t.rebuilds).padStart(4),
    '|',
    String(t.fitEvaluations).padStart(5),
    '|',
    t.finalLengthScale.join(','),
  );
}
