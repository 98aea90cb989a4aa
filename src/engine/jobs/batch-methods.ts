/**
 * Method ids of a batch (`borex batch --methods ...`), one string per saliency map computed for
 * every item:
 *
 *   rise | pn-rise | gradcam | gradcampp      a map method on its own (also usable as a prior)
 *   bo                                        Mokuwe et al. (i0 = 0, no flip, mean aggregate)
 *   borex:PRIOR[+MOD...]                      BOREx refining PRIOR ∈ rise | pn-rise | gradcampp | none
 *       MOD: no-flip      observe M(x) − M(x⊙m) (paper Table 2 "no-flip")
 *            simple-avg   aggregate `mean` (paper Table 2 "simple-avg")
 *            area         aggregate `area` (the paper's Alg. 2 line 12)
 *            learned      GP mean β·i0 with β ≥ 0 fitted by marginal likelihood (priorWeight learned)
 *            fixed        GP mean i0, the paper's (priorWeight fixed)
 *            rects        rectangle masks z = (row, col, s, ln aspect), aspects 1/2, 1, 2 (shapes rects)
 *            pa           the prior added after the aggregate: coverage(μ) + w·i0 (composition prior-after)
 *            no-pa        the aggregate as it is, the paper's (composition coverage)
 *            check        the deletion check: the prior's top 1/16 heads the map where deleting it
 *                         hurts the class more (check head; 14 images of the same budget)
 *            check-prior  the same with the prior itself as the alternative (check prior)
 *            check-both   the head, or the prior by a margin (check both; 17 images)
 *            check-heads  the prior's top 1/16 or 1/8 heads the map, or the prior replaces it,
 *                         where that deletes clearly better; 4 fractions (check heads; 11 images)
 *            check-uniform  the prior replaces the map where it deletes better along the whole
 *                         curve, 15 even fractions (check uniform; 30 images)
 *            no-check     no deletion check, the paper's (check off)
 *            qN           N query points per GP round, 2N images per model call (qBatch N, 2–64; last)
 *   borex                                     shorthand for borex:rise
 *
 * `borex:none` is the paper's "no-prior" ablation. Ids are normalised (modifiers in the order
 * above) so one configuration has one name. Outside the paper preset a photo's BOREx already
 * learns the weight, adds the prior after and checks with `heads` (PHOTO_BOREX_DEFAULTS): there
 * +fixed, +no-pa and +no-check are its ablations, and +learned, +pa, +check-heads change nothing.
 *
 * Seeds as an axis (`--seeds 0,1,2`): every method whose map depends on the seed (RISE masks,
 * BOREx jitter) is run once per seed under the id `ID@sSEED` (`rise@s1`, `borex:rise@s1`, its
 * prior `rise@s1`), so each seed is a separate result per item and method in one run directory,
 * resumable like any other method. Grad-CAM/Grad-CAM++ draw no random numbers: they keep their
 * plain id and are computed once, shared by every seed (compare pairs them with each seed). A refinement's prior is computed once per item and
 * shared: with the same preset and seed it is exactly the map of the method of that name, so the
 * prior is added to the run's methods (before its first refinement) when it is not listed.
 */
import { BATCH_CHECK_MODIFIER_CHOICES, CHECK_MODIFIERS, type BatchCheckModifier } from '../../shared/requests.ts';
import { usageError } from '../errors.ts';
import { methodConfig, type MethodConfig, type MethodName, type PresetName, type PriorName } from '../methods/config.ts';
import type { BorexParams } from '../methods/borex.ts';
import type { RiseParams } from '../methods/rise.ts';

export const MAP_METHODS = ['rise', 'pn-rise', 'gradcam', 'gradcampp'] as const;
export type MapMethod = (typeof MAP_METHODS)[number];
export const REFINE_PRIORS = ['rise', 'pn-rise', 'gradcampp', 'none'] as const;
// The deletion checks' modifiers come from their one table (shared/requests.ts CHECK_MODIFIERS).
export const MODIFIERS = ['no-flip', 'simple-avg', 'area', 'learned', 'fixed', 'rects', 'pa', 'no-pa', ...BATCH_CHECK_MODIFIER_CHOICES] as const;
/** Map methods that use no random numbers: one map serves every seed of a run. */
export const SEED_FREE: readonly string[] = ['gradcam', 'gradcampp'];
export type Modifier = (typeof MODIFIERS)[number];
/** A BOREx id's grammar, in the CLI's words (its help and the parser's refusal). */
export const BOREX_ID_GRAMMAR = `borex:PRIOR[+no-flip][+simple-avg][+area][+learned|+fixed][+rects][+pa|+no-pa][+${BATCH_CHECK_MODIFIER_CHOICES.join('|+')}][+qN]`;

export interface BatchMethod {
  /** The normalised id, e.g. `borex:rise+no-flip`. */
  id: string;
  kind: 'map' | 'refine';
  /** For refinements: the prior (a map method's id, or 'none'). */
  prior?: PriorName;
  /** For refinements: the id of the prior's method in this run (`rise`, or `rise@s1` with --seeds). */
  priorId?: string;
  /** With --seeds: the seed of this method's results (its config's seed); undefined for a one-seed run or a seed-free method. */
  seed?: number;
  /** Added because a refinement needs it as its prior (not listed by the user). */
  implicit: boolean;
  /** Exactly the config `explain` would use for the same settings (result.json's `config`). */
  config: MethodConfig;
}

export interface MethodSettings {
  preset: PresetName;
  seed: number;
  /** Seeds as an axis: each seed-dependent method once per seed, id suffixed `@sSEED` (replaces `seed`). */
  seeds?: number[];
  rise?: Partial<RiseParams>;
  /** Applied to every BOREx/BO method before its modifiers. */
  borex?: Partial<BorexParams>;
  /** The run is over clips: BOREx/BO configs record BOREx-3D's parameters (methodConfig's `clip`). */
  clip?: boolean;
}

interface ParsedId {
  id: string;
  kind: 'map' | 'refine';
  method: MethodName;
  prior?: PriorName;
  modifiers: Modifier[];
  /** The +qN modifier: BOREx's qBatch. */
  qBatch?: number;
}

export function parseMethodId(raw: string): ParsedId {
  const text = raw.trim();
  if ((MAP_METHODS as readonly string[]).includes(text)) return { id: text, kind: 'map', method: text as MapMethod, modifiers: [] };
  if (text === 'bo') return { id: 'bo', kind: 'refine', method: 'bo', prior: 'none', modifiers: [] };
  const m = text.match(/^borex(?::([a-z-]+))?((?:\+[a-z0-9-]+)*)$/);
  if (!m) throw usageError(`unknown method id "${raw}"; use rise, pn-rise, gradcam, gradcampp, bo or ${BOREX_ID_GRAMMAR} (PRIOR: ${REFINE_PRIORS.join(', ')})`);
  const prior = (m[1] ?? 'rise') as PriorName;
  if (!(REFINE_PRIORS as readonly string[]).includes(prior)) throw usageError(`method "${raw}": unknown prior "${prior}"; one of ${REFINE_PRIORS.join(', ')}`);
  const all = m[2] ? m[2].slice(1).split('+') : [];
  const qs = all.filter((x) => /^q\d+$/.test(x));
  if (qs.length > 1) throw usageError(`method "${raw}" has more than one +qN modifier`);
  const qBatch = qs.length ? Number(qs[0].slice(1)) : undefined;
  if (qBatch !== undefined && !(qBatch >= 2 && qBatch <= 64)) throw usageError(`method "${raw}": +q${qs[0].slice(1)} needs a batch size from 2 to 64 (+q2 … +q64)`);
  const mods = all.filter((x) => !qs.includes(x));
  for (const mod of mods) {
    if (!(MODIFIERS as readonly string[]).includes(mod)) throw usageError(`method "${raw}": unknown modifier "+${mod}"; one of ${MODIFIERS.map((x) => '+' + x).join(', ')}`);
  }
  if (new Set(mods).size !== mods.length) throw usageError(`method "${raw}" repeats a modifier`);
  // Modifiers that set one parameter to different values: at most one of each group.
  for (const [group, what] of [[['simple-avg', 'area'], 'aggregates'], [['learned', 'fixed'], 'prior weights'], [['pa', 'no-pa'], 'compositions'], [BATCH_CHECK_MODIFIER_CHOICES, 'deletion checks']] as const) {
    const [a, b] = group.filter((x) => mods.includes(x));
    if (b) throw usageError(`method "${raw}": +${a} and +${b} are two different ${what}; pick one`);
  }
  const modifiers = MODIFIERS.filter((x) => mods.includes(x));
  const q = qBatch === undefined ? '' : `+q${qBatch}`;
  return { id: `borex:${prior}${modifiers.map((x) => '+' + x).join('')}${q}`, kind: 'refine', method: 'borex', prior, modifiers, ...(qBatch === undefined ? {} : { qBatch }) };
}

/** The id's config through the one builder (methods/config.ts): its modifiers are BOREx overrides. */
function configFor(p: ParsedId, s: MethodSettings): MethodConfig {
  const overrides: Partial<BorexParams> = { ...(s.borex ?? {}) };
  if (p.modifiers.includes('no-flip')) overrides.flip = false;
  if (p.modifiers.includes('simple-avg')) overrides.aggregate = 'mean';
  if (p.modifiers.includes('area')) overrides.aggregate = 'area';
  if (p.modifiers.includes('learned')) overrides.priorWeight = 'learned';
  if (p.modifiers.includes('fixed')) overrides.priorWeight = 'fixed';
  if (p.modifiers.includes('pa')) overrides.composition = 'prior-after';
  if (p.modifiers.includes('no-pa')) overrides.composition = 'coverage';
  if (p.modifiers.includes('rects')) overrides.shapes = 'rects';
  const check = p.modifiers.find((x): x is BatchCheckModifier => Object.hasOwn(CHECK_MODIFIERS, x));
  if (check) overrides.check = CHECK_MODIFIERS[check];
  if (p.qBatch !== undefined) overrides.qBatch = p.qBatch;
  return methodConfig({ method: p.method, preset: s.preset, seed: s.seed, rise: s.rise, prior: p.prior, borex: overrides, ...(s.clip ? { clip: true } : {}) });
}

/**
 * Parses `--methods` (comma-separated), normalises ids, drops duplicates and inserts each
 * refinement's prior before its first refinement when it is not listed.
 */
export function resolveMethods(list: string | string[], settings: MethodSettings): BatchMethod[] {
  const raw = (Array.isArray(list) ? list : list.split(',')).map((s) => s.trim()).filter(Boolean);
  if (raw.length === 0) throw usageError('--methods needs at least one method id');
  const parsed = raw.map(parseMethodId);
  const listed = new Set(parsed.map((p) => p.id));
  const seeds = settings.seeds;
  if (seeds !== undefined) {
    if (seeds.length === 0) throw usageError('--seeds needs at least one seed');
    if (new Set(seeds).size !== seeds.length) throw usageError(`--seeds repeats a seed: ${seeds.join(',')}`);
  }
  const out: BatchMethod[] = [];
  const seen = new Set<string>();
  const suffix = (id: string, seed: number | undefined) => (seed === undefined || SEED_FREE.includes(id) ? id : `${id}@s${seed}`);
  const add = (p: ParsedId, implicit: boolean, seed: number | undefined) => {
    const id = suffix(p.id, seed);
    if (seen.has(id)) return;
    seen.add(id);
    const config = configFor(p, seed === undefined ? settings : { ...settings, seed });
    const m: BatchMethod = { id, kind: p.kind, prior: p.prior, implicit, config };
    if (p.prior && p.prior !== 'none') m.priorId = suffix(p.prior, seed);
    if (id !== p.id) m.seed = seed;
    out.push(m);
  };
  for (const seed of seeds ?? [undefined]) {
    for (const p of parsed) {
      if (p.kind === 'refine' && p.prior && p.prior !== 'none') add(parseMethodId(p.prior), !listed.has(p.prior), seed);
      add(p, false, seed);
    }
  }
  return out;
}

/** `borex:rise@s1` → { base: 'borex:rise', seed: 1 }; an id without a seed suffix → seed undefined. */
export function splitSeed(id: string): { base: string; seed?: number } {
  const m = id.match(/^(.*)@s(\d+)$/);
  return m ? { base: m[1], seed: Number(m[2]) } : { base: id };
}

/** A file-system-safe name for a method's map: `borex:rise+no-flip` → `borex_rise+no-flip`. */
export function methodFileName(id: string): string {
  return id.replace(/:/g, '_');
}
