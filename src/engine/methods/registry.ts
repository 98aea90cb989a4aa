import { BorexError, usageError } from '../errors.ts';
import type { JobControl } from '../progress.ts';
import { rise, RISE_PRESETS, type RiseParams } from './rise.ts';
import type { ExplainTarget } from './target.ts';

export const METHODS = ['rise', 'pn-rise', 'gradcam', 'gradcampp', 'bo', 'borex'] as const;
export type MethodName = (typeof METHODS)[number];
export const PRESETS = ['paper', 'default', 'quality'] as const;
export type PresetName = (typeof PRESETS)[number];

/** Every parameter of a run, resolved from preset + overrides; written to result.json as is. */
export interface MethodConfig {
  method: MethodName;
  preset: PresetName;
  seed: number;
  rise: Omit<RiseParams, 'seed'>;
}

export function riseParamsFor(preset: PresetName, overrides: Partial<RiseParams> = {}): Omit<RiseParams, 'seed'> {
  const base = RISE_PRESETS[preset === 'paper' ? 'paper-prior' : preset];
  return { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
}

export function parseMethod(name: string): MethodName {
  if (!(METHODS as readonly string[]).includes(name)) throw usageError(`unknown method "${name}"; one of ${METHODS.join(', ')}`);
  return name as MethodName;
}

export function parsePreset(name: string): PresetName {
  if (!(PRESETS as readonly string[]).includes(name)) throw usageError(`unknown preset "${name}"; one of ${PRESETS.join(', ')}`);
  return name as PresetName;
}

export interface MethodOutput {
  map: Float32Array;
  /** Signed maps (PN-RISE) are drawn symmetric about 0. */
  signed: boolean;
}

export async function computeMap(target: ExplainTarget, config: MethodConfig, control: JobControl = {}): Promise<MethodOutput> {
  switch (config.method) {
    case 'rise':
      return { map: await rise(target, { ...config.rise, seed: config.seed }, false, control), signed: false };
    case 'pn-rise':
      return { map: await rise(target, { ...config.rise, seed: config.seed }, true, control), signed: true };
    default:
      throw new BorexError('runtime', `method "${config.method}" is not available in this build yet`);
  }
}
