import { advancedOptions as advancedSchema, type AdvancedOptions, type MethodChoice, type PresetChoice, type PriorChoice } from '../../../shared/api.ts';

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

/** How the advanced panel names each field (the words of SettingsPanel's labels). */
export const ADVANCED_LABELS: Record<AdvancedField, string> = {
  seed: 'Seed',
  masks: 'RISE masks N',
  gridSize: 'Grid s',
  keepProbability: 'Keep p₁',
  iterations: 'Iterations',
  kappa: 'UCB κ',
  gain: 'Squash gain',
  halfSizes: 'Mask half-sizes',
  metricStep: 'Metric step',
};

/** The request schema's "expected an integer ≥ 1 ≤ 1000" in a user's words. */
function allowed(expected: string): string {
  const range = /(an integer|a number) ≥ (\S+) ≤ (\S+)/.exec(expected);
  if (range) return `${range[1] === 'an integer' ? 'a whole number' : 'a number'} from ${range[2]} to ${range[3]}`;
  const count = /an array of (\d+)–(\d+) items/.exec(expected);
  if (count) return `${count[1]} to ${count[2]} numbers separated by commas`;
  return expected;
}

/**
 * The advanced text fields as API options. A field that is not a number, or is outside what the
 * engine accepts (the request schema itself is asked), is reported by its label in plain words and
 * not sent.
 */
export function advancedOptions(a: Record<AdvancedField, string>): { options: AdvancedOptions; problems: string[] } {
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const f of ADVANCED_FIELDS) {
    const text = a[f].trim();
    if (!text) continue;
    const value = f === 'halfSizes' ? text.split(',').map((v) => Number(v.trim())) : Number(text);
    if ((Array.isArray(value) ? value : [value]).some((v) => !Number.isFinite(v))) {
      problems.push(`${ADVANCED_LABELS[f]}: "${text}" is not a number`);
      continue;
    }
    try {
      advancedSchema({ [f]: value }, '');
      options[f] = value;
    } catch (err) {
      const expected = /expected (.*), got/.exec(err instanceof Error ? err.message : '')?.[1] ?? 'another value';
      problems.push(`${ADVANCED_LABELS[f]}: ${text} is not allowed; use ${allowed(expected)}`);
    }
  }
  return { options: options as AdvancedOptions, problems };
}
