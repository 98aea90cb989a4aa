import { BASELINE_KINDS, type BaselineKind } from '../engine/image/baseline.ts';
import { MAX_PIXELS_ENV, maxPixels } from '../engine/image/decode.ts';
import type { ResizeFilter } from '../engine/image/preprocess.ts';
import type { InsertionDeletionOptions } from '../engine/metrics/insertion-deletion.ts';
import type { RiseParams } from '../engine/methods/rise.ts';
import type { OnnxClassifierOptions } from '../engine/model/onnx-classifier.ts';
import type { ModelSpec } from '../engine/model/spec.ts';
import { choiceOption, intOption, numberOption } from './args.ts';

/** Options `explain` and `batch` share, parsed the same way in both. */
export const SHARED_OPTIONS = {
  masks: { type: 'string' },
  grid: { type: 'string' },
  p1: { type: 'string' },
  seed: { type: 'string' },
  baseline: { type: 'string' },
  'no-metrics': { type: 'boolean' },
  'metric-step': { type: 'string' },
  'insertion-start': { type: 'string' },
  'resize-filter': { type: 'string' },
  threads: { type: 'string' },
  provider: { type: 'string' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = { [key: string]: string | boolean | undefined };
const str = (o: Values, k: string) => o[k] as string | undefined;

export function riseOverrides(o: Values): Partial<RiseParams> {
  return { masks: intOption(str(o, 'masks'), 'masks', 1), gridSize: intOption(str(o, 'grid'), 'grid', 2), keepProbability: numberOption(str(o, 'p1'), 'p1') };
}

/** Scoring options; the occlusion baseline is --baseline, else the model spec's own (motion-v1 names one), else mean. */
export function scoringOptions(o: Values, spec?: Pick<ModelSpec, 'baseline'>): { baseline: BaselineKind; resizeFilter?: ResizeFilter; metrics: InsertionDeletionOptions & { enabled: boolean } } {
  return {
    baseline: choiceOption(str(o, 'baseline'), 'baseline', BASELINE_KINDS) ?? spec?.baseline ?? 'mean',
    resizeFilter: choiceOption(str(o, 'resize-filter'), 'resize-filter', ['linear', 'lanczos3', 'cubic', 'nearest'] as const),
    metrics: {
      enabled: !o['no-metrics'],
      step: intOption(str(o, 'metric-step'), 'metric-step', 1),
      insertionStart: choiceOption(str(o, 'insertion-start'), 'insertion-start', ['blur', 'baseline'] as const) ?? 'blur',
    },
  };
}

/** Warnings as one JSON line (with --json) or one plain line, on stderr. */
export function warner(json: boolean): (message: string) => void {
  return (m) => process.stderr.write(json ? JSON.stringify({ type: 'warning', message: m }) + '\n' : `warning: ${m}\n`);
}

export function runtimeOptions(o: Values, onWarning: (message: string) => void): OnnxClassifierOptions {
  return {
    threads: intOption(str(o, 'threads'), 'threads', 1),
    batchSize: intOption(str(o, 'batch-size'), 'batch-size', 1),
    executionProvider: choiceOption(str(o, 'provider'), 'provider', ['cpu', 'cuda', 'webgpu'] as const),
    onWarning,
  };
}

/** The usage line of --max-pixels (explain, batch). */
export const MAX_PIXELS_USAGE = `  --max-pixels N          refuse photos over N pixels before decoding them (default 100000000,
                          or BOREX_MAX_PIXELS)`;

/**
 * --max-pixels N (explain, batch): the pixel limit of every photo this process decodes, set as
 * BOREX_MAX_PIXELS so that the decoder (engine/image/decode.ts) reads it; a bad env value is a usage error too.
 */
export function applyPixelLimit(value: string | undefined): void {
  const n = intOption(value, 'max-pixels', 1);
  if (n !== undefined) process.env[MAX_PIXELS_ENV] = String(n);
  maxPixels();
}
