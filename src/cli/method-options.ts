/**
 * The options `explain` and `video` share beyond SHARED_OPTIONS: which method, its prior and
 * BOREx settings, and the model-spec overrides; parsed once into the engine's MethodConfig
 * (methods/config.ts) and a partial ModelSpec.
 */
import { usageError } from '../engine/errors.ts';
import { MAX_ITERATIONS } from '../shared/requests.ts';
import { AGGREGATES, parseComposition } from '../engine/methods/borex-aggregate.ts';
import { DELETION_CHECK_CHOICES, PRIOR_WEIGHT_CHOICES, SHAPE_CHOICES } from '../shared/requests.ts';
import { methodConfig, parseMethod, parsePreset, parsePrior, type MethodConfig } from '../engine/methods/config.ts';
import type { CurveMetrics } from '../engine/jobs/explain.ts';
import type { ModelSpec } from '../engine/model/spec.ts';
import { choiceOption, intOption, numberOption, tripleOption } from './args.ts';
import { riseOverrides } from './shared-options.ts';

/** --composition NAME: checked here (a usage error naming the flag), passed on as given. */
export function compositionOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    parseComposition(value);
  } catch (err) {
    throw usageError(`--composition: ${(err as Error).message}`);
  }
  return value;
}

export const METHOD_OPTIONS = {
  model: { type: 'string' },
  label: { type: 'string' },
  method: { type: 'string' },
  prior: { type: 'string' },
  preset: { type: 'string' },
  iterations: { type: 'string' },
  sizes: { type: 'string' },
  kappa: { type: 'string' },
  gain: { type: 'string' },
  aggregate: { type: 'string' },
  acquisition: { type: 'string' },
  'no-flip': { type: 'boolean' },
  'candidate-stride': { type: 'string' },
  'refit-every': { type: 'string' },
  'prior-weight': { type: 'string' },
  shapes: { type: 'string' },
  aspects: { type: 'string' },
  'q-batch': { type: 'string' },
  composition: { type: 'string' },
  'deletion-check': { type: 'string' },
  'input-size': { type: 'string' },
  resize: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  'channel-order': { type: 'string' },
  layout: { type: 'string' },
  output: { type: 'string' },
  out: { type: 'string' },
} as const;

type Values = { [key: string]: string | boolean | undefined };
const str = (o: Values, k: string) => o[k] as string | undefined;

/** --method, --prior, --preset and the BOREx/BO overrides as one MethodConfig (`clip`: BOREx-3D's parameters recorded too). */
export function methodConfigFromOptions(o: Values, { clip = false } = {}): MethodConfig {
  const method = parseMethod(str(o, 'method') ?? 'rise');
  const refines = method === 'bo' || method === 'borex';
  if (!refines && (o.prior !== undefined || o.iterations !== undefined || o['no-flip'])) {
    throw usageError(`--prior, --iterations and --no-flip apply to --method bo or borex, not ${method}`);
  }
  return methodConfig({
    method,
    preset: parsePreset(str(o, 'preset') ?? 'default'),
    seed: intOption(str(o, 'seed'), 'seed') ?? 0,
    rise: riseOverrides(o),
    clip,
    prior: method === 'borex' ? parsePrior(str(o, 'prior') ?? 'rise') : undefined,
    borex: refines
      ? {
          iterations: intOption(str(o, 'iterations'), 'iterations', 1, MAX_ITERATIONS),
          halfSizes: sizesOption(str(o, 'sizes')),
          kappa: numberOption(str(o, 'kappa'), 'kappa'),
          gain: numberOption(str(o, 'gain'), 'gain'),
          aggregate: choiceOption(str(o, 'aggregate'), 'aggregate', AGGREGATES),
          acquisition: choiceOption(str(o, 'acquisition'), 'acquisition', ['ucb', 'abs'] as const),
          flip: o['no-flip'] ? false : undefined,
          candidateStride: intOption(str(o, 'candidate-stride'), 'candidate-stride', 1),
          refitEvery: intOption(str(o, 'refit-every'), 'refit-every', 1),
          priorWeight: choiceOption(str(o, 'prior-weight'), 'prior-weight', PRIOR_WEIGHT_CHOICES),
          ...shapeOptions(str(o, 'shapes'), str(o, 'aspects')),
          qBatch: intOption(str(o, 'q-batch'), 'q-batch', 1, 64),
          composition: compositionOption(str(o, 'composition')),
          check: choiceOption(str(o, 'deletion-check'), 'deletion-check', DELETION_CHECK_CHOICES),
        }
      : undefined,
  });
}

/** The model-spec flags (--input-size, --resize, --mean, …, --layout among `layouts`). */
export function specOverrides<L extends string>(o: Values, layouts: readonly L[]): Partial<ModelSpec> {
  let height: number | undefined;
  let width: number | undefined;
  const size = str(o, 'input-size');
  if (size) {
    const m = size.match(/^(\d+)x(\d+)$/);
    if (!m) throw usageError(`--input-size must be HxW, e.g. 224x224`);
    height = Number(m[1]);
    width = Number(m[2]);
  }
  return {
    height,
    width,
    resize: choiceOption(str(o, 'resize'), 'resize', ['stretch', 'shorter-side-crop'] as const),
    mean: tripleOption(str(o, 'mean'), 'mean'),
    std: tripleOption(str(o, 'std'), 'std'),
    channelOrder: choiceOption(str(o, 'channel-order'), 'channel-order', ['RGB', 'BGR'] as const),
    layout: choiceOption(str(o, 'layout'), 'layout', layouts) as ModelSpec['layout'] | undefined,
    output: choiceOption(str(o, 'output'), 'output', ['logits', 'probabilities', 'auto'] as const),
  };
}

export function formatMetrics(m: CurveMetrics): string {
  const parts: string[] = [];
  if (m.insertion !== undefined) parts.push(`insertion ${m.insertion.toFixed(4)}`, `deletion ${m.deletion!.toFixed(4)}`);
  if (m.fRp !== undefined) parts.push(`F_rp ${m.fRp.toFixed(4)}`, `F1 ${m.f1!.toFixed(4)}`, `pointing ${m.pointingGame ? 'hit' : 'miss'}`);
  return parts.join('  ');
}

/** --shapes squares|rects and --aspects LIST (rectangles only) as BOREx overrides. */
export function shapeOptions(shapes: string | undefined, aspects: string | undefined): { shapes?: 'squares' | 'rects'; aspects?: number[] } {
  const shape = choiceOption(shapes, 'shapes', SHAPE_CHOICES);
  if (aspects !== undefined && shape !== 'rects') throw usageError('--aspects sets the rectangles\' height/width ratios: it needs --shapes rects');
  return { shapes: shape, aspects: aspects === undefined ? undefined : listOption(aspects, 'aspects') };
}

/** --sizes LIST: BOREx's square half-widths in 224-px units. */
export function sizesOption(value: string | undefined): number[] | undefined {
  return value === undefined ? undefined : listOption(value, 'sizes');
}

function listOption(value: string, name: string): number[] {
  const parts = value.split(',').map(Number);
  if (parts.length === 0 || !parts.every((v) => Number.isFinite(v) && v > 0)) throw usageError(`--${name} must be comma-separated positive numbers, got "${value}"`);
  return parts;
}
