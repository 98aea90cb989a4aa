import path from 'node:path';
import { usageError } from '../../engine/errors.ts';
import { explainImage, readBoxesJson, type CurveMetrics, type GroundTruth } from '../../engine/jobs/explain.ts';
import { AGGREGATES } from '../../engine/methods/borex-aggregate.ts';
import { writeExplainOutputs } from '../../engine/jobs/write-outputs.ts';
import { methodConfig, parseMethod, parsePreset, parsePrior } from '../../engine/methods/config.ts';
import { DEFAULT_MODEL } from '../../engine/model/catalogue.ts';
import { loadModel } from '../../engine/model/load.ts';
import type { ModelSpec } from '../../engine/model/spec.ts';
import { choiceOption, intOption, numberOption, parse, tripleOption } from '../args.ts';
import { progressPrinter } from '../progress-printer.ts';
import { riseOverrides, runtimeOptions, scoringOptions, SHARED_OPTIONS, warner } from '../shared-options.ts';

export const EXPLAIN_USAGE = `borex explain IMAGE [options]
  --model NAME|PATH       model name from the catalogue or an .onnx path (default ${DEFAULT_MODEL})
  --label top1|INDEX|NAME class to explain (default top1)
  --method rise|pn-rise|gradcam|gradcampp|bo|borex   method (default rise)
  --prior rise|pn-rise|gradcampp|none|FILE   what BOREx refines (default rise, made with --preset's
                          RISE settings). FILE: .npy (H×W or 1×H×W), 8/16-bit greyscale .png/.tif, or
                          JSON rows; a map of exactly the model's input size is used as is, any
                          other size is taken to cover the whole photo and is resized/cropped like it
  --preset paper|default|quality   RISE settings: paper N=100 s=8 p1=0.3; default N=4000 s=7 p1=0.5;
                          quality N=6000 s=8 p1=0.1 (default: default)
  --masks N --grid S --p1 P        override the preset's RISE parameters
  BOREx / BO (defaults of the public BOREx code, pixel sizes at 224 px):
  --iterations N (50) --sizes 30,45,60,75 --kappa K (10) --gain G (10; 0 = no squashing)
  --aggregate coverage|area|mean (coverage; bo: mean) --acquisition ucb|abs (ucb)
  --no-flip               observe M(x) − M(x⊙m) instead of M(x⊙m̄) − M(x⊙m) (ablation)
  --candidate-stride N (preset paper: 1, as the public code; otherwise 4) --refit-every N (1)
  --seed N                (default 0)
  --baseline mean|black|blur       occlusion baseline (default mean)
  --boxes FILE            ground truth: VOC .xml or JSON [[x0,y0,x1,y1],...] in photo pixels
  --no-metrics            skip insertion/deletion
  --metric-step N         pixels per insertion/deletion step (default: the input width)
  --insertion-start blur|baseline  (default blur)
  --resize-filter linear|lanczos3|cubic|nearest  (default linear)
  --threads N --provider cpu|cuda|webgpu --batch-size N
  model spec overrides: --input-size HxW --resize stretch|shorter-side-crop --mean a,b,c --std a,b,c
                          --channel-order RGB|BGR --layout NCHW|NHWC --output logits|probabilities|auto
  --out DIR               where result.json, saliency.npy, overlay.png go (default ./borex-out/IMAGE-NAME)
  --json                  progress as JSON lines on stderr, the result JSON on stdout`;

const OPTIONS = {
  ...SHARED_OPTIONS,
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
  boxes: { type: 'string' },
  'input-size': { type: 'string' },
  resize: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  'channel-order': { type: 'string' },
  layout: { type: 'string' },
  output: { type: 'string' },
  out: { type: 'string' },
} as const;

export async function explainCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS);
  if (o.help) {
    console.log(EXPLAIN_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw usageError(`explain takes exactly one IMAGE\n${EXPLAIN_USAGE}`);
  const image = positionals[0];
  const method = parseMethod(o.method ?? 'rise');
  const preset = parsePreset(o.preset ?? 'default');
  const refines = method === 'bo' || method === 'borex';
  const config = methodConfig({
    method,
    preset,
    seed: intOption(o.seed, 'seed') ?? 0,
    rise: riseOverrides(o),
    prior: method === 'borex' ? parsePrior(o.prior ?? 'rise') : undefined,
    borex: refines ? {
      iterations: intOption(o.iterations, 'iterations', 1),
      halfSizes: o.sizes === undefined ? undefined : listOption(o.sizes, 'sizes'),
      kappa: numberOption(o.kappa, 'kappa'),
      gain: numberOption(o.gain, 'gain'),
      aggregate: choiceOption(o.aggregate, 'aggregate', AGGREGATES),
      acquisition: choiceOption(o.acquisition, 'acquisition', ['ucb', 'abs'] as const),
      flip: o['no-flip'] ? false : undefined,
      candidateStride: intOption(o['candidate-stride'], 'candidate-stride', 1),
      refitEvery: intOption(o['refit-every'], 'refit-every', 1),
    } : undefined,
  });
  if (!refines && (o.prior !== undefined || o.iterations !== undefined || o['no-flip'])) {
    throw usageError(`--prior, --iterations and --no-flip apply to --method bo or borex, not ${method}`);
  }
  const json = o.json ?? false;
  const { resolved, classifier } = await loadModel(o.model ?? DEFAULT_MODEL, specOverrides(o), runtimeOptions(o, warner(json)));
  try {
    let groundTruth: GroundTruth | undefined;
    if (o.boxes) groundTruth = o.boxes.endsWith('.xml') ? { vocXml: o.boxes } : { boxes: readBoxesJson(o.boxes), source: path.resolve(o.boxes) };
    const outcome = await explainImage(
      classifier,
      { name: resolved.name, path: resolved.file, sha256: resolved.sha256 },
      {
        image,
        label: o.label,
        config,
        ...scoringOptions(o),
        groundTruth,
      },
      { signal, onProgress: progressPrinter(json) },
    );
    const outDir = o.out ?? path.join('borex-out', path.parse(image).name);
    const files = await writeExplainOutputs(outDir, outcome);
    const r = outcome.result;
    if (json) {
      process.stdout.write(JSON.stringify(r) + '\n');
    } else {
      console.log(`${r.method} on ${path.basename(image)}: ${r.label.name} (class ${r.label.index}, p=${r.label.probability.toFixed(3)})`);
      if (r.prior?.metrics) console.log(`prior (${r.prior.method}): ${formatMetrics(r.prior.metrics)}`);
      if (r.metrics) console.log(`${r.prior ? 'refined: ' : ''}${formatMetrics(r.metrics)}`);
      const gp = r.timing.gp_ms > 0 ? `, GP ${(r.timing.gp_ms / 1000).toFixed(2)} s` : '';
      console.log(`${r.timing.model_calls} model calls, ${(r.timing.total_ms / 1000).toFixed(2)} s (model ${(r.timing.model_ms / 1000).toFixed(2)} s${gp})`);
      console.log(`wrote ${files.join(', ')}`);
    }
    return 0;
  } finally {
    await classifier.dispose();
  }
}

function formatMetrics(m: CurveMetrics): string {
  const parts: string[] = [];
  if (m.insertion !== undefined) parts.push(`insertion ${m.insertion.toFixed(4)}`, `deletion ${m.deletion!.toFixed(4)}`);
  if (m.fRp !== undefined) parts.push(`F_rp ${m.fRp.toFixed(4)}`, `F1 ${m.f1!.toFixed(4)}`, `pointing ${m.pointingGame ? 'hit' : 'miss'}`);
  return parts.join('  ');
}

function listOption(value: string, name: string): number[] {
  const parts = value.split(',').map(Number);
  if (parts.length === 0 || !parts.every((v) => Number.isFinite(v) && v > 0)) throw usageError(`--${name} must be comma-separated positive numbers, got "${value}"`);
  return parts;
}

function specOverrides(o: { [k: string]: string | boolean | undefined }): Partial<ModelSpec> {
  const s = (k: string) => o[k] as string | undefined;
  let height: number | undefined;
  let width: number | undefined;
  if (s('input-size')) {
    const m = s('input-size')!.match(/^(\d+)x(\d+)$/);
    if (!m) throw usageError(`--input-size must be HxW, e.g. 224x224`);
    height = Number(m[1]);
    width = Number(m[2]);
  }
  return {
    height,
    width,
    resize: choiceOption(s('resize'), 'resize', ['stretch', 'shorter-side-crop'] as const),
    mean: tripleOption(s('mean'), 'mean'),
    std: tripleOption(s('std'), 'std'),
    channelOrder: choiceOption(s('channel-order'), 'channel-order', ['RGB', 'BGR'] as const),
    layout: choiceOption(s('layout'), 'layout', ['NCHW', 'NHWC'] as const),
    output: choiceOption(s('output'), 'output', ['logits', 'probabilities', 'auto'] as const),
  };
}
