/**
 * The one place a method's configuration is built from options (preset + overrides): `explain`
 * (CLI), `batch` (batch-methods.ts) and the app's explain (the worker's explain handler) all call
 * `methodConfig`, so one setting means one config everywhere. The result is written to
 * result.json as is (docs/architecture.md, "Results").
 */
import { photoBorexDefaults, PRIOR_NAMES, type PriorName } from '../../shared/api.ts';
import { isPriorMapFile } from '../../shared/media.ts';
import { definedOnly } from '../defined-only.ts';
import { usageError } from '../errors.ts';
import { BO_DEFAULTS, BOREX_DEFAULTS, checkIterations, CLIP_DEFAULTS, validateBorexParams, type BorexParams } from './borex.ts';
import { RISE_PRESETS, type RiseParams } from './rise.ts';
import { RECT_DEFAULTS } from './borex-rects.ts';

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

/** What a caller may say about a method: the rest comes from the preset and the defaults. */
export interface MethodOptions {
  method: MethodName;
  preset: PresetName;
  /** Default 0. */
  seed?: number;
  rise?: Partial<RiseParams>;
  /** For borex: what it refines (default rise). bo always refines none. */
  prior?: PriorSource;
  /** For bo/borex: overrides of the method's defaults. */
  borex?: Partial<BorexParams>;
  /**
   * The input is a clip [C,T,H,W]: bo/borex's config then carries BOREx-3D's own parameters
   * (`borex.clip`: durations, frame length scales, jitter, search grid) resolved, so result.json
   * records every one. Image configs are unchanged (no `clip` key).
   */
  clip?: boolean;
}

export function methodConfig(o: MethodOptions): MethodConfig {
  const config: MethodConfig = { method: o.method, preset: o.preset, seed: o.seed ?? 0, rise: riseParamsFor(o.preset, o.rise ?? {}) };
  if (o.method === 'bo' || o.method === 'borex') {
    config.prior = o.method === 'bo' ? 'none' : (o.prior ?? 'rise');
    config.borex = borexParamsFor(o.method, o.borex ?? {}, o.preset, o.clip ? undefined : config.prior);
    if (o.clip) config.borex.clip = { ...CLIP_DEFAULTS, ...definedOnly(o.borex?.clip ?? {}) };
    if (config.borex.shapes === 'rects') config.borex.aspects ??= [...RECT_DEFAULTS.aspects];
    // Refused here, before any work (a batch's every item, the app's prior), not once BOREx starts.
    validateBorexParams(config.borex);
  }
  return config;
}

export function riseParamsFor(preset: PresetName, overrides: Partial<RiseParams> = {}): Omit<RiseParams, 'seed'> {
  return { ...RISE_PRESETS[preset === 'paper' ? 'paper-prior' : preset], ...definedOnly(overrides) };
}

/**
 * BOREx's defaults, or the baseline's (no flip, mean aggregate) for `bo`, with overrides. The
 * `paper` preset searches every candidate, as the public BOREx code does; the others search every
 * 4th row and column, which BENCHMARKS.md shows costs no quality on the VOC subset at ~1/8 of the
 * GP time (the final map is still predicted at every pixel). `photoPrior`: the prior BOREx
 * refines on a photo (undefined for a clip), for photoBorexDefaults.
 */
export function borexParamsFor(method: 'bo' | 'borex', overrides: Partial<BorexParams> = {}, preset?: PresetName, photoPrior?: PriorSource): Omit<BorexParams, 'seed'> {
  const base = method === 'bo' ? BO_DEFAULTS : BOREX_DEFAULTS;
  const params = { ...base, candidateStride: preset === 'paper' ? 1 : base.candidateStride, ...definedOnly(overrides) };
  if (method === 'borex' && photoPrior !== undefined) {
    const photo = photoBorexDefaults(preset ?? 'default', photoPrior, params.shapes);
    if (photo.priorWeight) params.priorWeight ??= photo.priorWeight;
    if (photo.composition) params.composition ??= photo.composition;
    // The check by default only where it leaves the GP most of the budget (it was measured at 44
    // of 50 rounds); a shorter run asked for is left the paper's loop rather than refused.
    if (photo.check && params.check === undefined && 4 * checkIterations({ check: photo.check, flip: params.flip }) <= params.iterations) params.check = photo.check;
  }
  return params;
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
