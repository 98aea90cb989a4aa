import { advancedOptions as advancedSchema, COMPOSITION_NAMES, photoBorexDefaults, type AdvancedOptions, type DeletionCheckChoice, type MethodChoice, type PresetChoice, type PriorChoice, type PriorWeightChoice, type ShapeChoice } from '../../../shared/api.ts';

/** The run settings the explain view edits; advanced fields are text ('' = the preset's value). */
export interface RunSettings {
  method: MethodChoice;
  prior: PriorChoice;
  preset: PresetChoice;
  advanced: Record<AdvancedField, string>;
  /** BOREx/BO's issue-15 options (the advanced panel's BOREx section); their defaults send nothing. */
  borex: BorexChoices;
  /** For prior 'file': the imported map. */
  priorFile?: { id: string; name: string };
}

export type CompositionName = (typeof COMPOSITION_NAMES)[number];

/** The BOREx section's controls: choices and text fields ('' = the preset's or the engine's default, not sent). */
export interface BorexChoices {
  priorWeight: PriorWeightChoice | '';
  composition: CompositionName | '';
  /** Query points per GP round, as typed ('' = 1, the paper's loop). */
  qBatch: string;
  shapes: ShapeChoice;
  /** Rectangles' height/width ratios, comma-separated ('' = 1/2, 1, 2). */
  aspects: string;
  deletionCheck: DeletionCheckChoice | '';
}

export const defaultBorexChoices = (): BorexChoices => ({ priorWeight: '', composition: '', qBatch: '', shapes: 'squares', aspects: '', deletionCheck: '' });

/** What '' (nothing sent) means for the prior's weight, the final map and the deletion check, in words (the engine's rule, photoBorexDefaults). */
export function presetBorexWords(s: Pick<RunSettings, 'preset' | 'prior' | 'borex'>): { priorWeight: string; composition: string; deletionCheck: string } {
  const d = photoBorexDefaults(s.preset, s.prior, s.borex.shapes);
  return { priorWeight: d.priorWeight ? 'learned β' : 'fixed (the paper’s)', composition: COMPOSITION_LABELS[d.composition ?? 'coverage'], deletionCheck: d.check ? `${DELETION_CHECK_LABELS[d.check]}, from 24 iterations` : DELETION_CHECK_LABELS.off };
}
/** Each composition in plain words: how the prior enters the final map (borex-aggregate.ts composeMap). */
export const COMPOSITION_LABELS: Record<CompositionName, string> = {
  coverage: 'add the prior before the aggregate (the paper’s)',
  'prior-after': 'add the prior after the aggregate',
  'rank-sum': 'sum the ranks of map and prior',
  'rank-product': 'multiply the ranks of map and prior',
  min: 'the lower rank of map and prior',
  max: 'the higher rank of map and prior',
  product: 'multiply map and prior (each scaled to 0–1)',
  tiebreak: 'order the top 5 % of the map by the prior',
};

/** Each deletion check in plain words (borex-check.ts). */
export const DELETION_CHECK_LABELS: Record<DeletionCheckChoice, string> = {
  head: 'put the prior’s top 1/16 first where that deletes better',
  prior: 'keep the prior where it deletes better',
  both: 'either, the prior only where it deletes clearly better',
  heads: 'put the prior’s top 1/16 or 1/8 first, or keep the prior, where that deletes clearly better (few images)',
  uniform: 'keep the prior where it deletes better along the whole curve (for models whose score can come back, like the demo’s)',
  off: 'none (the paper’s)',
};

/** What each BOREx control does, in one line (its tooltip). */
export const BOREX_TIPS = {
  priorWeight: 'Learned: the GP trusts the prior by a factor β ≥ 0 fitted to the observations (fixed: the prior as it is, the paper’s); the default learns it, except with the paper preset',
  composition: 'How the prior enters the final map: added to the GP mean before the coverage aggregate (the paper’s), or combined with the aggregate afterwards (the default, except with the paper preset)',
  qBatch: 'How many masks BOREx chooses per GP round (1 to 64); q masks are classified in one model call, the total number of masks stays Iterations',
  shapes: 'Squares (the paper’s) or rectangles of the same areas with height/width ratios 1/2, 1 and 2',
  aspects: 'The rectangles’ height/width ratios, separated by commas (default 0.5, 1, 2)',
  deletionCheck: 'The last 11–17 model images of the budget delete the top pixels of the refined map and of alternatives (the prior’s top 1/16 or 1/8 first, the prior itself); the map whose deletion makes the class fall soonest is kept. Squares only; the default (heads, from 24 iterations) except with the paper preset',
} as const;

/** The BOREx controls' names (their labels in SettingsPanel), for problems and summaries. */
export const BOREX_LABELS = { qBatch: 'Masks per GP round', aspects: 'Rectangle aspects' } as const;

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
  return { method: 'borex', prior: 'rise', preset: 'default', advanced: Object.fromEntries(ADVANCED_FIELDS.map((f) => [f, ''])) as Record<AdvancedField, string>, borex: defaultBorexChoices() };
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

/**
 * The BOREx section as API options, for a method that uses them (borex; bo the q-batch and mask
 * shape; others send none):
 * a choice at its default is not sent, so the run is exactly the one made without it. A typed
 * value the request schema refuses is reported by its label in plain words, as advancedOptions.
 */
export function borexOptions(b: BorexChoices, method: MethodChoice): { options: AdvancedOptions; problems: string[] } {
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  if (method !== 'borex' && method !== 'bo') return { options: {}, problems };
  // BO refines no prior (i0 = 0): the prior's weight and composition are BOREx's controls only.
  if (method === 'borex' && b.priorWeight) options.priorWeight = b.priorWeight;
  if (method === 'borex' && b.composition) options.composition = b.composition;
  if (method === 'borex' && b.deletionCheck) options.deletionCheck = b.deletionCheck;
  if (b.shapes !== 'squares') options.shapes = b.shapes;
  const q = b.qBatch.trim();
  if (q) {
    if (!Number.isFinite(Number(q))) problems.push(`${BOREX_LABELS.qBatch}: "${q}" is not a number`);
    else options.qBatch = Number(q);
  }
  const aspects = b.aspects.trim();
  if (aspects && b.shapes === 'rects') {
    const values = aspects.split(',').map((v) => Number(v.trim()));
    if (values.some((v) => !Number.isFinite(v))) problems.push(`${BOREX_LABELS.aspects}: "${aspects}" is not a list of numbers`);
    else options.aspects = values;
  }
  if (problems.length) return { options: {}, problems };
  try {
    advancedSchema(options, '');
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    const field = /^(\w+)/.exec(message)?.[1];
    const expected = /expected (.*), got/.exec(message)?.[1];
    const label = field === 'qBatch' ? BOREX_LABELS.qBatch : field === 'aspects' ? BOREX_LABELS.aspects : field;
    const text = field === 'qBatch' ? q : aspects;
    problems.push(expected ? `${label}: ${text} is not allowed; use ${allowed(expected)}` : `${label}: ${message.replace(/^[\w.[\]]+: /, '')}`);
    return { options: {}, problems };
  }
  return { options: options as AdvancedOptions, problems };
}

/** The BOREx options a request sent, in words for the run history ("learned prior weight, …"); undefined when none. */
export function borexOptionsText(a: AdvancedOptions | undefined): string | undefined {
  if (!a) return undefined;
  const words: string[] = [];
  if (a.priorWeight) words.push(`${a.priorWeight} prior weight`);
  if (a.composition !== undefined) words.push((COMPOSITION_LABELS as Record<string, string>)[a.composition] ?? `composition ${a.composition}`);
  if (a.qBatch !== undefined && a.qBatch > 1) words.push(`${a.qBatch} masks per GP round`);
  if (a.shapes === 'rects') words.push(`rectangles${a.aspects ? ` (aspects ${a.aspects.join(', ')})` : ''}`);
  if (a.deletionCheck && a.deletionCheck !== 'off') words.push(`deletion check (${{ head: 'the prior’s head', prior: 'the prior', both: 'the prior’s head or the prior', heads: 'the prior’s heads or the prior', uniform: 'the prior, along the whole curve' }[a.deletionCheck]})`);
  return words.length ? words.join(', ') : undefined;
}

/** The BOREx section's controls as a run's options set them (a history run shown again). */
export function borexChoicesFrom(a: AdvancedOptions | undefined): BorexChoices {
  const d = defaultBorexChoices();
  return {
    priorWeight: a?.priorWeight ?? d.priorWeight,
    composition: ((COMPOSITION_NAMES as readonly string[]).includes(a?.composition ?? '') ? a!.composition : d.composition) as CompositionName | '',
    qBatch: a?.qBatch === undefined ? '' : String(a.qBatch),
    shapes: a?.shapes ?? d.shapes,
    aspects: a?.aspects ? a.aspects.join(',') : '',
    deletionCheck: a?.deletionCheck ?? d.deletionCheck,
  };
}
