import { definedOnly } from '../defined-only.ts';
import { BorexError, usageError } from '../errors.ts';
import type { JobControl } from '../progress.ts';
import { borex, BO_DEFAULTS, BOREX_DEFAULTS, type BorexParams, type BorexSample } from './borex.ts';
import { rise, RISE_PRESETS, type RiseParams } from './rise.ts';
import type { ExplainTarget } from './target.ts';
import { whiteBoxMap } from './white-box.ts';
import { priorOnInput, readPriorFile } from './imported-prior.ts';
import { PRIOR_NAMES, type PriorName } from '../../shared/api.ts';
import { isPriorMapFile } from '../../shared/media.ts';

export const METHODS = ['rise', 'pn-rise', 'gradcam', 'gradcampp', 'bo', 'borex'] as const;
export type MethodName = (typeof METHODS)[number];
export const PRESETS = ['paper', 'default', 'quality'] as const;
export type PresetName = (typeof PRESETS)[number];
/** Priors BOREx can refine: a method's map, none (i0 = 0), or a map imported from a file. */
export { PRIOR_NAMES as PRIORS, type PriorName };
/** A named prior, or the path of an imported map (.npy, .png, .tif, .json): not the API's PriorChoice, which names 'file' instead of a path. */
export type PriorSource = PriorName | string;

/** Every parameter of a run, resolved from preset + overrides; written to result.json as is. */
export interface MethodConfig {
  method: MethodName;
  preset: PresetName;
  seed: number;
  rise: Omit<RiseParams, 'seed'>;
  /** For bo/borex: the prior refined (bo always uses none). */
  prior?: PriorSource;
  /** For bo/borex. */
  borex?: Omit<BorexParams, 'seed'>;
}

export function riseParamsFor(preset: PresetName, overrides: Partial<RiseParams> = {}): Omit<RiseParams, 'seed'> {
  return { ...RISE_PRESETS[preset === 'paper' ? 'paper-prior' : preset], ...definedOnly(overrides) };
}

/**
 * BOREx's defaults, or the baseline's (no flip, mean aggregate) for `bo`, with overrides. The
 * `paper` preset searches every candidate, as the public BOREx code does; the others search every
 * 4th row and column, which BENCHMARKS.md shows costs no quality on the VOC subset at ~1/8 of the
 * GP time (the final map is still predicted at every pixel).
 */
export function borexParamsFor(method: 'bo' | 'borex', overrides: Partial<BorexParams> = {}, preset?: PresetName): Omit<BorexParams, 'seed'> {
  const base = method === 'bo' ? BO_DEFAULTS : BOREX_DEFAULTS;
  return { ...base, candidateStride: preset === 'paper' ? 1 : base.candidateStride, ...definedOnly(overrides) };
}

export function parseMethod(name: string): MethodName {
  if (!(METHODS as readonly string[]).includes(name)) throw usageError(`unknown method "${name}"; one of ${METHODS.join(', ')}`);
  return name as MethodName;
}

export function parsePreset(name: string): PresetName {
  if (!(PRESETS as readonly string[]).includes(name)) throw usageError(`unknown preset "${name}"; one of ${PRESETS.join(', ')}`);
  return name as PresetName;
}

export function parsePrior(name: string): PriorSource {
  if ((PRIOR_NAMES as readonly string[]).includes(name) || isPriorMapFile(name)) return name;
  throw usageError(`unknown prior "${name}"; one of ${PRIOR_NAMES.join(', ')}, or a map file (.npy, .png, .tif, .json)`);
}

export interface MethodOutput {
  map: Float32Array;
  /** Signed maps (PN-RISE) are drawn symmetric about 0. */
  signed: boolean;
  /** For refinements: the prior that was refined. */
  prior?: { method: PriorSource; map: Float32Array; signed: boolean };
  borex?: { samples: BorexSample[]; lengthScale: number[]; gpMs: number; modelCalls: number };
}

export async function computeMap(target: ExplainTarget, config: MethodConfig, control: JobControl = {}): Promise<MethodOutput> {
  switch (config.method) {
    case 'rise':
    case 'pn-rise':
      return { map: await rise(target, { ...config.rise, seed: config.seed }, config.method === 'pn-rise', control), signed: config.method === 'pn-rise' };
    case 'bo':
    case 'borex': {
      const params = { ...(config.borex ?? borexParamsFor(config.method, {}, config.preset)), seed: config.seed };
      const priorName: PriorSource = config.method === 'bo' ? 'none' : (config.prior ?? 'rise');
      const prior = priorName === 'none' ? undefined : isPriorMapFile(priorName) ? await importedPrior(target, priorName) : await computeMap(target, { ...config, method: priorName as MethodName }, control);
      const out = await borex(target, prior?.map ?? null, params, control);
      return {
        map: out.map,
        signed: prior?.signed ?? false,
        prior: prior && { method: priorName, map: prior.map, signed: prior.signed },
        borex: { samples: out.samples, lengthScale: out.lengthScale, gpMs: out.gpMs, modelCalls: out.modelCalls },
      };
    }
    case 'gradcam':
    case 'gradcampp':
      return { map: await whiteBoxMap(target, config.method === 'gradcam' ? 'gradcam' : 'gradcam++'), signed: false };
  }
}

async function importedPrior(target: ExplainTarget, file: string): Promise<MethodOutput> {
  if (!target.geometry) throw new BorexError('runtime', 'an imported prior needs the image geometry');
  const map = priorOnInput(await readPriorFile(file), target.geometry);
  return { map, signed: map.some((v) => v < 0) };
}
