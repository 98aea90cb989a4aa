// Loads the sklearn reference values written by tools/gp/make_gp_fixtures.py.
import { readFileSync } from 'node:fs';

export interface LmlRecord {
  theta: number[];
  value: number;
  gradient: number[];
}

export interface Dataset {
  name: string;
  dims: number;
  n: number;
  X: number[][];
  y: number[];
  lengthScale: number[];
  test: { X: number[][]; mean: number[]; stdLatent: number[]; stdNoisy: number[] };
  lml: LmlRecord[];
  fit: { initial: number[]; bounds: [number, number]; lengthScale: number[]; lml: number };
  /** sklearn fits (from `fit.initial`) on the first n points, for several n. */
  prefixFits: { n: number; lengthScale: number[]; lml: number }[];
}

export interface OptimizerCase {
  name: string;
  x0: number[];
  lower: number[];
  upper: number[];
  x: number[];
  f: number;
  nit: number;
  nfev: number;
}

export interface Fixture {
  sklearn: string;
  noiseVariance: number;
  signalVariance: number;
  datasets: Dataset[];
  optimizer: OptimizerCase[];
}

export const fixture: Fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/gp/sklearn-gp.json', import.meta.url), 'utf8'),
) as Fixture;

export function flat(rows: number[][]): Float64Array {
  return Float64Array.from(rows.flat());
}
