import path from 'node:path';
import { usageError } from '../../engine/errors.ts';
import { MAX_ITERATIONS, PRIOR_WEIGHT_CHOICES } from '../../shared/requests.ts';
import { BOX_FORMATS, listBatchInput, parseShard } from '../../engine/jobs/batch-input.ts';
import { BOREX_ID_GRAMMAR, resolveMethods } from '../../engine/jobs/batch-methods.ts';
import { runBatch, type BatchSpec } from '../../engine/jobs/batch.ts';
import type { ItemRecord } from '../../engine/jobs/run-store.ts';
import { parsePreset } from '../../engine/methods/config.ts';
import { DEFAULT_MODEL } from '../../engine/model/catalogue.ts';
import { loadModel } from '../../engine/model/load.ts';
import { findLabelsFile } from '../../engine/model/model-store.ts';
import { choiceOption, intOption, numberOption, parse } from '../args.ts';
import { compositionOption, shapeOptions, sizesOption } from '../method-options.ts';
import { checkClipLength, CLIP_SAMPLING_OPTIONS, clipSamplingOverrides } from './video.ts';
import { applyPixelLimit, MAX_PIXELS_USAGE, riseOverrides, runtimeOptions, scoringOptions, SHARED_OPTIONS, warner } from '../shared-options.ts';

export const BATCH_USAGE = `borex batch DIR|MANIFEST --methods LIST [options]
  DIR: a folder of images (a VOC root with JPEGImages/ + Annotations/ implies --boxes voc), or of
       videos (one medium per run) with optional tube files beside them: CLIP.tube.json or CLIP.tube.csv
  MANIFEST: .csv (header: image[,label][,boxes][,annotation]) or .jsonl ({"image","label","boxes","annotation"});
       for videos: video[,label][,tube] ({"video","label","tube"}), paths relative to the manifest
  videos need a clip model (--model motion-v1, or one made by borex models wrap-video): one item per
       clip its spec samples (uniform: one; windows: one per window, key VIDEO#wN)
  --methods LIST          comma-separated: rise pn-rise gradcam gradcampp bo ${BOREX_ID_GRAMMAR}
                          (PRIOR: rise pn-rise gradcampp none; borex:none = the no-prior ablation);
                          a refinement's prior is computed once per item and recorded as its own method
  --out DIR               the run directory (default borex-runs/NAME-OF-INPUT)
  --resume                continue a run in --out: finished items are skipped, the one in flight redone;
                          items recorded as failed stay failed (they are finished) unless --retry-failed
  --retry-failed          with --resume: redo the images (videos) that failed or had a method fail
  --shard i/n             only entries with index % n == i (merge shard runs with borex merge)
  --take-over-lock        take over a run locked by a process on another host (a requeued scheduler task)
  --model NAME|PATH       (default ${DEFAULT_MODEL})
  --preset paper|default|quality   RISE settings for rise/pn-rise and priors (default paper: N=100 s=8 p1=0.3);
                          paper also runs BOREx as the public code (fixed prior weight, coverage, every
                          candidate, no check); the others learn the weight, add the prior after the
                          aggregate and check with heads (per method: +fixed, +no-pa, +no-check)
  --masks N --grid S --p1 P        override the preset's RISE parameters
  --iterations N --sizes LIST --candidate-stride N --refit-every N --kappa K --gain G   BOREx/BO overrides
                          (--sizes: the squares' half-widths at 224 px, default 30,45,60,75)
  --prior-weight fixed|learned   every BOREx method's prior weight (per method: +learned, +fixed)
  --shapes squares|rects  every BOREx method's masks (per method: the +rects modifier); --aspects LIST
                          the rectangles' height/width ratios (default 0.5,1,2)
  --composition NAME      every BOREx method's final map: coverage, prior-after (per method: +no-pa, +pa),
                          prior-after*K, rank-sum, rank-product, min, max, product, tiebreak:Q (docs/algorithms.md)
  --q-batch N             every BOREx method's query points per GP round, 2N images per model call (per method: +qN)
  --seed N                the seed of every item (default 0)
  --seeds LIST            seeds as an axis, e.g. 0,1,2: every seed-dependent method once per seed, as
                          method ID@sSEED (rise@s1, borex:rise@s1); compare reports each seed and the spread
  --per-item-streams      derive each item's seed from (seed, image, class) instead of one stream per run
  --uncertainty           also write each BOREx/BO map's posterior σ (maps/.../ID.uncertainty.npy, images and clips)
  --boxes voc|coco|csv    ground truth format; --annotations PATH  (VOC folder, COCO .json, box .csv)
  --class-map FILE        "IMAGENET_INDEX CLASS" lines choosing the class explained per dataset class
                          (default for 1000-class models: labels/voc_imagenet_map.txt)
  --baseline mean|black|blur|temporal-mean (default: the model spec's, else mean)  --metric-step N  --insertion-start blur|baseline  --no-metrics
  --resize-filter linear|lanczos3|cubic|nearest
  --resize stretch|shorter-side-crop   override the model spec's resize (as explain's --resize)
  --frames T              videos: frames per clip, sampled uniformly (default: the model spec's)
  --window T --stride S   videos: clips of T consecutive frames every S frames, one item each (VIDEO#wN);
                          T and the sampling are recorded in run.json: a --resume with others is refused
  --maps npy|none         write every map as float32 .npy under maps/ (default npy)
  --threads N --batch-size N --provider cpu|cuda|webgpu
${MAX_PIXELS_USAGE}
  --json                  one JSON line per finished image on stderr, the summary JSON on stdout`;

const OPTIONS = {
  ...SHARED_OPTIONS,
  'max-pixels': { type: 'string' },
  methods: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  'retry-failed': { type: 'boolean' },
  shard: { type: 'string' },
  'take-over-lock': { type: 'boolean' },
  model: { type: 'string' },
  resize: { type: 'string' },
  preset: { type: 'string' },
  seeds: { type: 'string' },
  'per-item-streams': { type: 'boolean' },
  uncertainty: { type: 'boolean' },
  iterations: { type: 'string' },
  sizes: { type: 'string' },
  'candidate-stride': { type: 'string' },
  'refit-every': { type: 'string' },
  kappa: { type: 'string' },
  gain: { type: 'string' },
  'prior-weight': { type: 'string' },
  composition: { type: 'string' },
  shapes: { type: 'string' },
  aspects: { type: 'string' },
  'q-batch': { type: 'string' },
  boxes: { type: 'string' },
  annotations: { type: 'string' },
  'class-map': { type: 'string' },
  maps: { type: 'string' },
  ...CLIP_SAMPLING_OPTIONS,
} as const;

export async function batchCommand(argv: string[], signal: AbortSignal): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS);
  if (o.help) {
    console.log(BATCH_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw usageError(`batch takes exactly one DIR or MANIFEST\n${BATCH_USAGE}`);
  if (!o.methods) throw usageError(`batch needs --methods, e.g. --methods rise,borex:rise\n${BATCH_USAGE}`);
  applyPixelLimit(o['max-pixels']);
  if (o.uncertainty && o.maps === 'none') throw usageError('--uncertainty writes σ maps beside the maps: it needs --maps npy');
  if (o['retry-failed'] && !o.resume) throw usageError('--retry-failed redoes the failed items of a run: use it with --resume');
  const preset = parsePreset(o.preset ?? 'paper');
  const input = listBatchInput(positionals[0], { boxes: choiceOption(o.boxes, 'boxes', BOX_FORMATS), annotations: o.annotations });
  const videos = input.medium === 'video';
  const methods = resolveMethods(o.methods, {
    preset,
    clip: videos,
    seed: intOption(o.seed, 'seed') ?? 0,
    seeds: seedList(o.seeds, o.seed),
    rise: riseOverrides(o),
    borex: {
      iterations: intOption(o.iterations, 'iterations', 1, MAX_ITERATIONS),
      halfSizes: sizesOption(o.sizes),
      candidateStride: intOption(o['candidate-stride'], 'candidate-stride', 1),
      refitEvery: intOption(o['refit-every'], 'refit-every', 1),
      kappa: numberOption(o.kappa, 'kappa'),
      gain: numberOption(o.gain, 'gain'),
      priorWeight: choiceOption(o['prior-weight'], 'prior-weight', PRIOR_WEIGHT_CHOICES),
      ...shapeOptions(o.shapes, o.aspects),
      qBatch: intOption(o['q-batch'], 'q-batch', 1, 64),
      composition: compositionOption(o.composition),
    },
  });
  const shard = o.shard === undefined ? undefined : parseShard(o.shard);
  const json = o.json ?? false;
  const warn = warner(json);
  const sampling = clipSamplingOverrides(o);
  if (!videos && Object.keys(sampling).length > 0) throw usageError(`--frames, --window and --stride choose the frames of videos: ${input.path} holds images`);
  const { resolved, classifier } = await loadModel(o.model ?? DEFAULT_MODEL, { resize: choiceOption(o.resize, 'resize', ['stretch', 'shorter-side-crop'] as const), ...sampling }, runtimeOptions(o, warn));
  try {
    checkClipLength(resolved.name, classifier.spec, sampling, o.window !== undefined);
    let classMap = o['class-map'] && path.resolve(o['class-map']);
    // A class map chooses classes for photos' dataset boxes; a clip's tube has no class.
    if (!classMap && !videos && classifier.numClasses === 1000) classMap = findLabelsFile('voc_imagenet_map.txt', [path.dirname(resolved.file)]);
    if (!classMap && input.boxes) warn('no class map (labels/voc_imagenet_map.txt or --class-map): each image is explained for its top-1 class only');
    const scoring = scoringOptions(o, classifier.spec);
    const spec: BatchSpec = {
      input,
      methods,
      ...scoring,
      resizeFilter: scoring.resizeFilter ?? 'linear',
      classMap: classMap || undefined,
      maps: choiceOption(o.maps, 'maps', ['npy', 'none'] as const) ?? 'npy',
      shard,
      ...(o['per-item-streams'] ? { streams: 'per-item' as const } : {}),
      ...(o.uncertainty ? { uncertainty: true } : {}),
    };
    const outDir = path.resolve(o.out ?? path.join('borex-runs', path.parse(input.path).name + (shard ? `-shard${shard.index}of${shard.count}` : '')));
    const started = Date.now();
    const unit = videos ? 'videos' : 'images';
    if (!json) {
      const implicit = methods.filter((m) => m.implicit).map((m) => m.id);
      console.log(`batch: ${input.entries.length} ${unit}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}, methods ${methods.map((m) => m.id).join(', ')}${implicit.length ? ` (${implicit.join(', ')} added as priors)` : ''}, model ${resolved.name}`);
      console.log(`run directory: ${outDir}`);
    }
    const summary = await runBatch(classifier, { name: resolved.name, path: resolved.file, sha256: resolved.sha256 }, spec, outDir, {
      resume: o.resume ?? false,
      retryFailed: o['retry-failed'] ?? false,
      takeOverLock: o['take-over-lock'] ?? false,
      command: ['borex', 'batch', ...argv].map(shellQuote).join(' '),
      signal,
      onStep: json || !process.stderr.isTTY ? undefined : stepPrinter(),
      onEntry: (records, timing, p) => {
        if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        if (json) {
          process.stderr.write(JSON.stringify({ type: 'item', done: p.done, total: p.total, eta_ms: p.etaMs === undefined ? null : Math.round(p.etaMs), ms: Math.round(timing.total_ms), items: records.map(brief) }) + '\n');
          return;
        }
        const eta = p.etaMs === undefined || p.done === p.total ? '' : ` · ETA ${duration(p.etaMs)}`;
        for (const r of records) console.log(`[${p.done}/${p.total}] ${r.key}: ${describe(r)} (${(timing.total_ms / 1000).toFixed(1)} s${eta})`);
      },
    });
    const result = { ...summary, imagesPerMinute: summary.processed / (summary.elapsedMs / 60000), storeOverhead: summary.storeMs / summary.elapsedMs };
    if (json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      const it = summary.items;
      console.log(
        `done: ${summary.processed} ${unit} in ${duration(Date.now() - started)}${summary.skipped ? ` (${summary.skipped} already finished)` : ''}${summary.retried ? ` (${summary.retried} failed before, redone)` : ''}; items ok ${it.ok}, failed ${it.failed}, no item ${it.noItem}${it.methodFailures ? `; ${it.methodFailures} method failures recorded` : ''}`,
      );
      console.log(`wrote ${path.join(outDir, 'items.jsonl')}; next: borex compare ${outDir}`);
    }
    return 0;
  } finally {
    await classifier.dispose();
  }
}

/** On a terminal: one self-updating line for the image in flight (method and its stage). */
function stepPrinter() {
  let last = 0;
  return (entry: { image: string }, method: string, e: { stage: string; done: number; total: number }) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    process.stderr.write(`\r\x1b[K  ${entry.image}: ${method} ${e.stage} ${e.done}/${e.total}`);
  };
}

function brief(r: ItemRecord) {
  return {
    key: r.key,
    status: r.status,
    error: r.error?.message,
    reason: r.reason,
    methods: r.methods && Object.fromEntries(Object.entries(r.methods).map(([id, m]) => [id, m.status === 'ok' ? m.metrics ?? {} : { failed: m.error?.message }])),
  };
}

function describe(r: ItemRecord): string {
  if (r.status === 'failed') return `FAILED: ${r.error?.message}`;
  if (r.status === 'no-item') return `no item: ${r.reason}`;
  const parts = Object.entries(r.methods ?? {}).map(([id, m]) => (m.status === 'ok' ? `${id} ins ${m.metrics?.insertion?.toFixed(3) ?? '–'}${m.metrics?.fRp !== undefined ? ` F ${m.metrics.fRp.toFixed(3)}` : ''}` : `${id} FAILED`));
  return `${r.label?.name} p=${r.label?.probability.toFixed(2)} · ${parts.join(' · ')}`;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** --seeds 0,1,2: distinct non-negative integers; not together with --seed. */
function seedList(value: string | undefined, seed: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  if (seed !== undefined) throw usageError('give --seed N or --seeds LIST, not both');
  const seeds = value.split(',').map((v) => v.trim());
  if (seeds.length === 0 || !seeds.every((v) => /^\d+$/.test(v))) throw usageError(`--seeds must be comma-separated non-negative integers, e.g. 0,1,2; got "${value}"`);
  return seeds.map(Number);
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
