import path from 'node:path';
import { usageError } from '../../engine/errors.ts';
import { explainImage, readBoxesJson, type GroundTruth } from '../../engine/jobs/explain.ts';
import { writeExplainOutputs } from '../../engine/jobs/write-outputs.ts';
import { DEFAULT_MODEL } from '../../engine/model/catalogue.ts';
import { loadModel } from '../../engine/model/load.ts';
import { deletionCheckKept } from '../../shared/api.ts';
import { parse } from '../args.ts';
import { checkOutDir } from '../out-dir.ts';
import { formatMetrics, METHOD_OPTIONS, methodConfigFromOptions, specOverrides } from '../method-options.ts';
import { progressPrinter } from '../progress-printer.ts';
import { applyPixelLimit, MAX_PIXELS_USAGE, runtimeOptions, scoringOptions, SHARED_OPTIONS, warner } from '../shared-options.ts';

export const EXPLAIN_USAGE = `borex explain IMAGE [options]
  --model NAME|PATH       model name from the catalogue or an .onnx path (default ${DEFAULT_MODEL}, bundled;
                          shapes-v1 is the toy model of the demo scenes)
  --label top1|INDEX|NAME class to explain (default top1)
  --method rise|pn-rise|gradcam|gradcampp|bo|borex   method (default rise)
  --prior rise|pn-rise|gradcampp|none|FILE   what BOREx refines (default rise, made with --preset's
                          RISE settings). FILE: .npy (H×W or 1×H×W), 8/16-bit greyscale .png/.tif, or
                          JSON rows; a map of exactly the model's input size is used as is, any
                          other size is taken to cover the whole photo and is resized/cropped like it
  --preset paper|default|quality   RISE settings: paper N=100 s=8 p1=0.3; default N=4000 s=7 p1=0.5;
                          quality N=6000 s=8 p1=0.1 (default: default)
  --masks N --grid S --p1 P        override the preset's RISE parameters
  BOREx / BO (defaults of the public BOREx code, pixel sizes at 224 px, except that outside
  --preset paper BOREx on a photo learns the prior's weight and adds the prior after the aggregate):
  --iterations N (50) --sizes 30,45,60,75 --kappa K (10) --gain G (10; 0 = no squashing)
  --aggregate coverage|area|mean (coverage; bo: mean) --acquisition ucb|abs (ucb)
  --no-flip               observe M(x) − M(x⊙m) instead of M(x⊙m̄) − M(x⊙m) (ablation)
  --candidate-stride N (preset paper: 1, as the public code; otherwise 4) --refit-every N (1)
  --prior-weight fixed|learned   GP mean i0 (fixed, the paper's) or β·i0 with β ≥ 0 fitted with the
                          length scales by marginal likelihood (learned, the default but with --preset paper
                          or --prior none; β in result.json borex.priorWeight)
  --shapes squares|rects  BOREx's masks: squares (the paper's) or rectangles z = (row, col, s, ln aspect)
                          of the squares' areas; --aspects LIST their height/width ratios (default 0.5,1,2)
  --composition NAME      the final map: coverage (the aggregate of μ + i0; the default with --preset paper,
                          --prior none or rectangles), prior-after (coverage(μ) + i0, the prior unblurred;
                          the default otherwise), prior-after*K, rank-sum, rank-product, min, max,
                          product, tiebreak:Q (docs/algorithms.md)
  --deletion-check head|prior|both|heads|uniform|off  the run's last 14 (both: 17, heads: 11,
                          uniform: 30) model images, of the same budget, delete the top pixels of the map
                          and of alternatives: the prior's top 1/16 heading the map (head), the prior
                          itself (prior), or either, the prior by a margin (both); heads: the prior's top
                          1/16 or 1/8 heading it, or the prior, where clearly better; uniform: the prior,
                          at 15 even fractions, for models whose score comes back late (the demo's); the
                          map the class falls soonest for is kept (result.json borex.check); images with
                          a prior and squares
                          (default heads where it takes at most a quarter of --iterations, but off
                          with --preset paper or --prior none)
  --q-batch N (1)         query points per GP round (kriging believer), 2N images per model call, same
                          total model calls (--iterations observations); ℓ re-fitted once per round
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
  --out DIR               where result.json, saliency.npy, overlay.png (BOREx/BO: uncertainty.npy, the
                          posterior σ per pixel) go: a new or empty folder, checked
                          before computing (default ./borex-out/IMAGE-NAME, whose earlier results are replaced)
${MAX_PIXELS_USAGE}
  --force                 write into a non-empty --out, replacing the explain results in it
  --json                  progress as JSON lines on stderr, the result JSON on stdout`;

const OPTIONS = {
  ...SHARED_OPTIONS,
  'max-pixels': { type: 'string' },
  ...METHOD_OPTIONS,
  boxes: { type: 'string' },
  force: { type: 'boolean' },
} as const;

export async function explainCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS);
  if (o.help) {
    console.log(EXPLAIN_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw usageError(`explain takes exactly one IMAGE\n${EXPLAIN_USAGE}`);
  const image = positionals[0];
  applyPixelLimit(o['max-pixels']);
  const config = methodConfigFromOptions(o);
  const json = o.json ?? false;
  // An --out of the user's is refused when not empty unless --force; the default folder is borex's
  // own (borex-out/NAME): a run there replaces the earlier explain results, as --force does.
  const force = (o.force ?? false) || o.out === undefined;
  const outDir = o.out ?? path.join('borex-out', path.parse(image).name);
  checkOutDir(outDir, force, 'explain');
  const { resolved, classifier } = await loadModel(o.model ?? DEFAULT_MODEL, specOverrides(o, ['NCHW', 'NHWC'] as const), runtimeOptions(o, warner(json)));
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
        ...scoringOptions(o, classifier.spec),
        groundTruth,
      },
      { signal, onProgress: progressPrinter(json) },
    );
    const files = await writeExplainOutputs(outDir, outcome, { replace: force });
    const r = outcome.result;
    if (json) {
      process.stdout.write(JSON.stringify(r) + '\n');
    } else {
      console.log(`${r.method} on ${path.basename(image)}: ${r.label.name} (class ${r.label.index}, p=${r.label.probability.toFixed(3)})`);
      if (r.prior?.metrics) console.log(`prior (${r.prior.method}): ${formatMetrics(r.prior.metrics)}`);
      if (r.metrics) console.log(`${r.prior ? 'refined: ' : ''}${formatMetrics(r.metrics)}`);
      if (r.borex?.priorWeight !== undefined) console.log(`learned prior weight β = ${r.borex.priorWeight.toFixed(3)}`);
      const check = r.borex?.check;
      if (check) console.log(`deletion check: kept ${deletionCheckKept(check)} (weighted deletion scores, lower deletes better: refinement ${check.refined.toFixed(4)}${check.head !== undefined ? `, prior's head ${check.head.toFixed(4)}` : ''}${check.prior !== undefined ? `, prior ${check.prior.toFixed(4)}` : ''})`);
      const gp = r.timing.gp_ms > 0 ? `, GP ${(r.timing.gp_ms / 1000).toFixed(2)} s` : '';
      console.log(`${r.timing.model_calls} model calls, ${(r.timing.total_ms / 1000).toFixed(2)} s (model ${(r.timing.model_ms / 1000).toFixed(2)} s${gp})`);
      console.log(`wrote ${files.join(', ')}`);
    }
    return 0;
  } finally {
    await classifier.dispose();
  }
}
