import type { AdvancedOptions, MethodChoice, PresetChoice, PriorChoice } from '../../../shared/api.ts';

/** The run settings the explain view edits; advanced fields are text ('' = the preset's value). */
export interface RunSettings {
  method: MethodChoice;
  prior: PriorChoice;
  preset: PresetChoice;
  advanced: Record<AdvancedField, string>;
  /** For prior 'file': the imported map. */
  priorFile?: { id: string; name: string };
}

export const ADVANCED_FIELDS = ['seed', 'masks', 'gridSize', 'keepProbability', 'iterations', 'kappa', 'gain', 'halfSizes', 'metricStep'] as const;
export type AdvancedField = (typeof ADVANCED_FIELDS)[number];

export const METHOD_LABELS: Record<MethodChoice, string> = {
  borex: 'BOREx (refine a prior)',
  bo: 'BO (Mokuwe et al., no prior)',
  rise: 'RISE only',
  'pn-rise': 'PN-RISE only',
  gradcam: 'Grad-CAM only',
  gradcampp: 'Grad-CAM++ only',
};

export const PRIOR_LABELS: Record<PriorChoice, string> = {
  rise: 'RISE',
  'pn-rise': 'PN-RISE',
  gradcampp: 'Grad-CAM++',
  none: 'none (BOREx from zero)',
  file: 'Import a map file…',
};

export function defaultSettings(): RunSettings {
  return { method: 'borex', prior: 'rise', preset: 'default', advanced: Object.fromEntries(ADVANCED_FIELDS.map((f) => [f, ''])) as Record<AdvancedField, string> };
}

/** The advanced text fields as API options; a field that is not a number is reported, not sent. */
export function advancedOptions(a: Record<AdvancedField, string>): { options: AdvancedOptions; problems: string[] } {
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const f of ADVANCED_FIELDS) {
    const text = a[f].trim();
    if (!text) continue;
    const value = f === 'halfSizes' ? text.split(',').map((v) => Number(v.trim())) : Number(text);
    if ((Array.isArray(value) ? value : [value]).some((v) => !Number.isFinite(v))) problems.push(`${f}: "${text}" is not a number`);
    else options[f] = value;
  }
  return { options: options as AdvancedOptions, problems };
}
