import path from 'node:path';
import { usageError } from '../../engine/errors.ts';
import { explainVideo } from '../../engine/jobs/explain-video.ts';
import { writeVideoOutputs } from '../../engine/jobs/write-video-outputs.ts';
import { checkOutDir } from '../out-dir.ts';
import { loadModel } from '../../engine/model/load.ts';
import { inputDims, type ModelSpec } from '../../engine/model/spec.ts';
import { COLORMAPS } from '../../shared/colormaps.ts';
import { choiceOption, intOption, numberOption, parse } from '../args.ts';
import { formatMetrics, METHOD_OPTIONS, methodConfigFromOptions, specOverrides } from '../method-options.ts';
import { progressPrinter } from '../progress-printer.ts';
import { runtimeOptions, scoringOptions, SHARED_OPTIONS, warner } from '../shared-options.ts';

export const VIDEO_USAGE = `borex video VIDEO [options]      explain a clip classifier on a video (frames by index)
  --model NAME|PATH       a clip model: motion-v1, an image model wrapped by borex models wrap-video,
                          or your own .onnx with a [N,3,T,H,W]-style input (default motion-v1)
  --frames T              frames per clip (default: the spec's); sampled uniformly over the video
  --window T --stride S   long videos: clips of T consecutive frames every S frames, one result each
  --method, --prior (rise|pn-rise|gradcampp|none|FILE.npy of T×H×W), --preset, --label, --seed,
  --masks/--grid/--p1, the BOREx options, --no-metrics, --metric-step,
  --insertion-start, --resize-filter, --threads/--provider/--batch-size: as for explain
  --baseline mean|black|blur|temporal-mean   occlusion baseline (default: the model spec's, else
                          mean; temporal-mean = each pixel's mean over the clip, for motion models)
  --tube FILE             ground truth per frame: JSON {"frame": [[x0,y0,x1,y1],...]} or CSV
                          frame,x0,y0,x1,y1, in video pixels, upright as a player shows it
                          (recall/precision/F, pointing game)
  --layout NCTHW|NTCHW|NTHWC and the other model spec overrides of explain
  --export FILE.mp4       the video at its own size and rate with the saliency blended per frame
  --side-by-side          in the export: prior | refined (refinements only)
  --opacity A (0.5) --colormap ${COLORMAPS.join('|')}
  --out DIR               saliency.npy (T×H×W), prior.npy, uncertainty.npy (BOREx/BO: the posterior σ
                          per voxel), result.json, proxy.mp4 for videos a browser
                          cannot play: a new or empty folder, checked before computing (default
                          ./borex-out/VIDEO-NAME, whose earlier results are replaced)
  --force                 write into a non-empty --out, replacing the video results in it
  --json                  progress as JSON lines on stderr, the result JSON on stdout`;

/** --frames / --window --stride: shared by `borex video` and `borex batch` over clips. */
export const CLIP_SAMPLING_OPTIONS = {
  frames: { type: 'string' },
  window: { type: 'string' },
  stride: { type: 'string' },
} as const;

const OPTIONS = {
  ...SHARED_OPTIONS,
  ...METHOD_OPTIONS,
  ...CLIP_SAMPLING_OPTIONS,
  tube: { type: 'string' },
  export: { type: 'string' },
  'side-by-side': { type: 'boolean' },
  opacity: { type: 'string' },
  colormap: { type: 'string' },
  force: { type: 'boolean' },
} as const;

export async function videoCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS);
  if (o.help) {
    console.log(VIDEO_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw usageError(`video takes exactly one VIDEO\n${VIDEO_USAGE}`);
  const video = positionals[0];
  const config = methodConfigFromOptions(o, { clip: true });
  const exportFile = o.export;
  if (exportFile !== undefined && path.extname(exportFile).toLowerCase() !== '.mp4') throw usageError(`--export writes an MP4: give a FILE.mp4, not ${exportFile}`);
  if (o['side-by-side'] && config.method !== 'borex' && config.method !== 'bo') throw usageError('--side-by-side shows prior | refined: it needs --method borex or bo');
  if (o['side-by-side'] && !exportFile) throw usageError('--side-by-side applies to --export');
  const opacity = numberOption(o.opacity, 'opacity');
  if (opacity !== undefined && (opacity < 0 || opacity > 1)) throw usageError(`--opacity must be in [0, 1], got ${opacity}`);
  const colormap = choiceOption(o.colormap, 'colormap', COLORMAPS);

  const json = o.json ?? false;
  // An --out of the user's is refused when not empty unless --force; the default folder is borex's
  // own (borex-out/NAME): a run there replaces the earlier video results, as --force does.
  const force = (o.force ?? false) || o.out === undefined;
  const outDir = o.out ?? path.join('borex-out', path.parse(video).name);
  checkOutDir(outDir, force, 'video');
  const overrides = clipOverrides(o);
  const { resolved, classifier } = await loadModel(o.model ?? 'motion-v1', overrides, runtimeOptions(o, warner(json)));
  try {
    checkClipLength(resolved.name, classifier.spec, overrides, o.window !== undefined);
    const outcome = await explainVideo(
      classifier,
      { name: resolved.name, path: resolved.file, sha256: resolved.sha256 },
      { video, label: o.label, config, ...scoringOptions(o, classifier.spec), tube: o.tube },
      { signal, onProgress: progressPrinter(json) },
    );
    for (const w of outcome.result.warnings) warner(json)(w);
    const files = await writeVideoOutputs(outDir, outcome, { export: exportFile ? { file: exportFile, sideBySide: o['side-by-side'] ?? false, opacity, colormap } : undefined, replace: force }, { signal, onProgress: progressPrinter(json) });
    const r = outcome.result;
    if (json) {
      process.stdout.write(JSON.stringify(r) + '\n');
    } else {
      for (const c of r.clips) {
        const frames = `frames ${c.frames[0]}–${c.frames[c.frames.length - 1]} of ${r.videoInfo.frameCount}`;
        console.log(`${r.method} on ${path.basename(video)}${r.clips.length > 1 ? ` (clip ${c.window + 1}/${r.clips.length})` : ''}, ${frames}: ${c.label.name} (class ${c.label.index}, p=${c.label.probability.toFixed(3)})`);
        if (c.prior?.metrics) console.log(`  prior (${c.prior.method}): ${formatMetrics(c.prior.metrics)}`);
        if (c.metrics) console.log(`  ${c.prior ? 'refined: ' : ''}${formatMetrics(c.metrics)}`);
      }
      const gp = r.timing.gp_ms > 0 ? `, GP ${(r.timing.gp_ms / 1000).toFixed(2)} s` : '';
      console.log(`${r.timing.model_calls} model calls, ${(r.timing.total_ms / 1000).toFixed(2)} s (model ${(r.timing.model_ms / 1000).toFixed(2)} s${gp})`);
      console.log(`wrote ${files.join(', ')}`);
    }
    return 0;
  } finally {
    await classifier.dispose();
  }
}

/**
 * A fixed T in the model's input wins over the spec: say so rather than run other clips than asked
 * (checked once the model is loaded, as its input dims decide).
 */
export function checkClipLength(model: string, spec: ModelSpec, overrides: Partial<ModelSpec>, windowed: boolean): void {
  const frames = inputDims(spec)[1];
  if (overrides.frames !== undefined && overrides.frames !== frames) throw usageError(`${model} takes clips of ${frames} frames (its input fixes T); --${windowed ? 'window' : 'frames'} ${overrides.frames} does not fit`);
}

/** The spec overrides of explain, the clip layouts, and --frames / --window --stride. */
function clipOverrides(o: { [k: string]: string | boolean | undefined }): Partial<ModelSpec> {
  const spec = specOverrides(o, ['NCTHW', 'NTCHW', 'NTHWC'] as const);
  return { ...spec, ...clipSamplingOverrides(o) };
}

/** --frames T, or --window T --stride S, as model spec overrides (frames, sampling). */
export function clipSamplingOverrides(o: { frames?: unknown; window?: unknown; stride?: unknown }): Partial<ModelSpec> {
  const frames = intOption(o.frames as string | undefined, 'frames', 1);
  const window = intOption(o.window as string | undefined, 'window', 1);
  const stride = intOption(o.stride as string | undefined, 'stride', 1);
  if ((window === undefined) !== (stride === undefined)) throw usageError('--window T and --stride S go together');
  if (window !== undefined && frames !== undefined && window !== frames) throw usageError(`--window (${window}) is the clip length: it must equal --frames (${frames}) when both are given`);
  const T = window ?? frames;
  // --frames alone samples uniformly (as its usage says), whatever sampling the spec names.
  return { ...(T !== undefined ? { frames: T } : {}), ...(window !== undefined ? { sampling: { window, stride: stride! } } : frames !== undefined ? { sampling: 'uniform' as const } : {}) };
}
