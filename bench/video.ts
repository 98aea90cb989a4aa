/**
 * Video benchmarks (issue 11): decode fps, RISE-3D throughput as a share of the raw clip model's,
 * BOREx-3D time per clip (model / GP / total) and the clip candidate-stride question, on motion-v1
 * (T = 16, 64²) and MobileNetV2 wrapped as a clip model (T = 16, 224²).
 *
 *   node bin/run-ts.mjs bench/video.ts [--write] [--only decode,rise,borex,stride]
 *
 * --write replaces the sections video-decode, video-rise, video-borex and video-stride of
 * BENCHMARKS.md. Each section records the machine and `uptime`'s load at its start and end: the
 * machine is shared, so ratios are taken within one section, best of alternating rounds.
 * Export speed and memory are bench/video-export.ts (bench/run.ts runs both).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeFrames, probeVideo, streamFrames } from '../src/engine/media/video/index.ts';
import { explainVideo } from '../src/engine/jobs/explain-video.ts';
import { borex, BOREX_DEFAULTS, CLIP_DEFAULTS, type ClipBoxParams } from '../src/engine/methods/borex.ts';
import { BorexCache } from '../src/engine/methods/borex-cache.ts';
import { methodConfig } from '../src/engine/methods/config.ts';
import { rise, RISE_PRESETS } from '../src/engine/methods/rise.ts';
import type { ExplainTarget } from '../src/engine/methods/target.ts';
import type { Classifier } from '../src/engine/model/classifier.ts';
import { loadModel } from '../src/engine/model/load.ts';
import { machineLine, writeSection } from './machine.ts';
import { clipTarget, DEMO, make720p, mobilenetClipModel, motionClips, type MotionClip } from './video-inputs.ts';

process.env.BOREX_MODEL_DIR ??= '../shared/assets/models';
const WRITE = process.argv.includes('--write');
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? new Set(process.argv[onlyArg + 1].split(',')) : undefined;
const wanted = (s: string) => !ONLY || ONLY.has(s);

const load1 = () => os.loadavg()[0].toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function header(title: string): string[] {
  return [`## ${title}`, '', `Machine: ${machineLine()} · load average (1 min) at start ${load1()}`, ''];
}

async function finish(name: string, lines: string[]): Promise<void> {
  lines.push('', `Load average (1 min) at end: ${load1()}.`);
  console.log(lines.join('\n'));
  if (WRITE) await writeSection(name, lines.join('\n'));
}

// ---------------------------------------------------------------- decode

/** Frames per second of decoding every frame (rgb24), optionally scaled inside ffmpeg; best of 3. */
async function decodeFps(file: string, size?: { width: number; height: number }): Promise<{ fps: number; frames: number }> {
  const info = await probeVideo(file);
  let best = 0;
  let frames = 0;
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    frames = 0;
    for await (const _ of streamFrames(file, undefined, { info, size, reuse: true })) frames++;
    best = Math.max(best, frames / ((performance.now() - t) / 1000));
  }
  return { fps: best, frames };
}

async function decodeSection(dir: string): Promise<void> {
  const lines = header('Video decode (rgb24, every frame, through engine/media/video)');
  const hd = await make720p(dir);
  const hdInfo = await probeVideo(hd);
  const native = await decodeFps(DEMO);
  const scaled = await decodeFps(hd, { width: 224, height: 224 });
  const hdNative = await decodeFps(hd);
  // The uniform 16 frames a clip model takes, decoded by index (what `borex video` does per clip).
  const t = performance.now();
  const sixteen = Array.from({ length: 16 }, (_, k) => Math.round(((k + 0.5) * hdInfo.frameCount) / 16 - 0.5));
  await decodeFrames(hd, sixteen, { info: hdInfo, size: { width: 224, height: 224 } });
  const sixteenMs = performance.now() - t;
  lines.push('| input | output | frames | fps (best of 3) |', '|---|---|---:|---:|');
  lines.push(`| demo.mp4 340×256 H.264 | 340×256 native | ${native.frames} | ${native.fps.toFixed(0)} |`);
  lines.push(`| demo.mp4 upscaled to 1280×720 (H.264 ultrafast, made here) | 224×224 scaled in ffmpeg | ${scaled.frames} | ${scaled.fps.toFixed(0)} |`);
  lines.push(`| the same 1280×720 | 1280×720 native | ${hdNative.frames} | ${hdNative.fps.toFixed(0)} |`);
  lines.push('', `Decoding the 16 uniform frames of the 720p clip by index, scaled to 224²: ${sixteenMs.toFixed(0)} ms (the stream is decoded; ffmpeg's select filter drops the frames not chosen before scaling).`);
  await finish('video-decode', lines);
}

// ---------------------------------------------------------------- RISE-3D throughput

/** Clips/s of classify on a batch of `batch` copies of the target's clip. */
async function modelClipsPerSecond(classifier: Classifier, target: ExplainTarget, batch: number, clips: number): Promise<number> {
  const data = new Float32Array(batch * target.x.length);
  for (let b = 0; b < batch; b++) data.set(target.x, b * target.x.length);
  await classifier.classify(data, batch); // warm-up
  const t = performance.now();
  const calls = Math.ceil(clips / batch);
  for (let i = 0; i < calls; i++) await classifier.classify(data, batch);
  return (calls * batch) / ((performance.now() - t) / 1000);
}

/** RISE-3D masks/s on the target (s = 7, p1 = 0.5, s_t default); `generic` hides the in-graph scorer. */
async function riseMasksPerSecond(target: ExplainTarget, masks: number, generic: boolean): Promise<number> {
  const classifier: Classifier = generic ? Object.assign(Object.create(target.classifier) as Classifier, { maskedScorer: undefined }) : target.classifier;
  const t0 = { ...target, classifier };
  const batch = classifier.batchSize;
  await rise(t0, { masks: batch, gridSize: 7, keepProbability: 0.5, seed: 1 }, false); // warm-up (builds the wrapped graph)
  const t = performance.now();
  await rise(t0, { masks, gridSize: 7, keepProbability: 0.5, seed: 0 }, false);
  return masks / ((performance.now() - t) / 1000);
}

const RISE_ROUNDS = 5;

async function riseRow(model: string, video: string, batch: number, clips: number, lines: string[]): Promise<void> {
  const { classifier } = await loadModel(model, {}, { batchSize: batch });
  const target = await clipTarget(classifier, video);
  const best = { raw: 0, inGraph: 0, generic: 0 };
  const roundShares: string[] = [];
  // The machine is shared: alternate the three, keep the best of each, and show each round's share.
  for (let round = 0; round < RISE_ROUNDS; round++) {
    const raw = await modelClipsPerSecond(classifier, target, batch, clips);
    const inGraph = await riseMasksPerSecond(target, clips, false);
    const generic = await riseMasksPerSecond(target, clips, true);
    best.raw = Math.max(best.raw, raw);
    best.inGraph = Math.max(best.inGraph, inGraph);
    best.generic = Math.max(best.generic, generic);
    roundShares.push(`${((100 * inGraph) / raw).toFixed(0)}`);
    console.log(`  ${path.basename(model)} round ${round}: raw ${raw.toFixed(1)} in-graph ${inGraph.toFixed(1)} generic ${generic.toFixed(1)}`);
  }
  const [, T, H, W] = target.dims;
  const pct = (v: number) => ((100 * v) / best.raw).toFixed(1);
  lines.push(`| ${path.basename(model).replace(/\.onnx$/, '')} (T=${T}, ${H}×${W}) | ${batch} | ${clips} | ${best.raw.toFixed(1)} | ${best.inGraph.toFixed(1)} (**${pct(best.inGraph)}%**) | ${best.generic.toFixed(1)} (${pct(best.generic)}%) | ${roundShares.join(' / ')} |`);
  await classifier.dispose();
}

async function riseSection(clips: MotionClip[], mobilenet: string): Promise<void> {
  const lines = header('RISE-3D throughput vs the raw clip model');
  lines.push('| model | batch | clips / masks per round | raw model clips/s | RISE-3D in-graph masks/s (share) | RISE-3D generic JS scorer masks/s (share) | in-graph share in each round, % |', '|---|---:|---:|---:|---:|---:|---|');
  await riseRow('motion-v1', clips[0].video, 32, 1024, lines);
  await riseRow(mobilenet, DEMO, 4, 24, lines);
  lines.push(
    '',
    `Best of ${RISE_ROUNDS} rounds (per kind), each round raw model → RISE-3D with masking in the wrapped graph → RISE-3D with the generic scorer (maskedScorer hidden, masks expanded and applied in JavaScript). RISE-3D: s = 7, s_t = ceil(T/2) = 8, p1 = 0.5, the spec\'s baseline (motion-v1: temporal-mean; MobileNetV2-as-clip: mean), one warm-up call each. Target ≥ 90% of the raw model.`,
  );
  await finish('video-rise', lines);
}

// ---------------------------------------------------------------- BOREx-3D per clip

/**
 * BOREx-3D alone (its prior computed once, RISE-3D paper-prior N = 100): model ms (onnxruntime
 * busy time), GP ms, total ms, model calls; median of seeds 0–2, one BorexCache as a batch keeps.
 */
async function borexTiming(model: string, video: string, batch: number) {
  const { classifier } = await loadModel(model, {}, { batchSize: batch });
  const target = await clipTarget(classifier, video);
  const p0 = performance.now();
  const busy0 = classifier.busyMs;
  const prior = await rise(target, { ...RISE_PRESETS['paper-prior'], seed: 0 }, false);
  const priorMs = { total: performance.now() - p0, model: classifier.busyMs - busy0 };
  const cache = new BorexCache();
  const runs: { model: number; gp: number; total: number; calls: number }[] = [];
  for (let seed = 0; seed < 3; seed++) {
    const busy = classifier.busyMs;
    const t = performance.now();
    const out = await borex(target, prior, { ...BOREX_DEFAULTS, seed, previewEvery: 0, clip: CLIP_DEFAULTS }, {}, cache);
    runs.push({ model: classifier.busyMs - busy, gp: out.gpMs, total: performance.now() - t, calls: out.modelCalls });
    console.log(`  ${path.basename(model)} seed ${seed}: total ${runs[seed].total.toFixed(0)} ms gp ${out.gpMs.toFixed(0)} ms model ${runs[seed].model.toFixed(0)} ms`);
  }
  await classifier.dispose();
  const [, T, H, W] = target.dims;
  return { T, H, W, priorMs, model: median(runs.map((r) => r.model)), gp: median(runs.map((r) => r.gp)), total: median(runs.map((r) => r.total)), calls: median(runs.map((r) => r.calls)), gps: runs.map((r) => r.gp) };
}

async function borexSection(clips: MotionClip[], mobilenet: string): Promise<void> {
  const lines = header('BOREx-3D per clip (defaults)');
  lines.push('| model | clip | model calls | model s | GP s | total s | GP s per seed | GP ≤ 2 s? | prior (RISE-3D N = 100) model s / total s |', '|---|---|---:|---:|---:|---:|---|---|---:|');
  for (const [model, video, batch, name] of [['motion-v1', clips[0].video, 32, clips[0].name], [mobilenet, DEMO, 4, 'demo.mp4']] as const) {
    const r = await borexTiming(model, video, batch);
    const s = (ms: number) => (ms / 1000).toFixed(2);
    lines.push(`| ${path.basename(model).replace(/\.onnx$/, '')} (T=${r.T}, ${r.H}×${r.W}) | ${name} | ${r.calls} | ${s(r.model)} | ${s(r.gp)} | ${s(r.total)} | ${r.gps.map(s).join(' / ')} | ${r.gp <= 2000 ? 'yes' : '**no**'} | ${s(r.priorMs.model)} / ${s(r.priorMs.total)} |`);
  }
  lines.push(
    '',
    `Median of seeds 0–2 of borex() alone on one clip, its prior (RISE-3D paper-prior: N = 100, s = 8, p1 = 0.3) computed once beforehand; defaults: ${BOREX_DEFAULTS.iterations} iterations, half-sizes ${BOREX_DEFAULTS.halfSizes.join('/')} at 224 px, durations ${CLIP_DEFAULTS.durations.join('/')} frames, coverage aggregate, search stride ${CLIP_DEFAULTS.candidateStride} px at 224 (scaled with the input) and every ${CLIP_DEFAULTS.frameStride}nd start frame. One BorexCache for the three seeds (as a batch keeps it), so the candidate set is built once. Model s = onnxruntime busy time; GP s = every GP step (updates, ℓ fits, acquisition, the final map at every voxel); total − model − GP = mask drawing and bookkeeping in JavaScript.`,
  );
  await finish('video-borex', lines);
}

// ---------------------------------------------------------------- candidate stride

interface StrideRow {
  label: string;
  clip: Partial<ClipBoxParams>;
}

async function strideSection(clips: MotionClip[]): Promise<void> {
  const lines = header('BOREx-3D clip search stride on motion-v1 (known tubes)');
  const rows: StrideRow[] = [
    { label: `default: stride ${CLIP_DEFAULTS.candidateStride} px at 224 (5 px at 64²), every ${CLIP_DEFAULTS.frameStride}nd start frame`, clip: {} },
    { label: 'stride 8 px at 224 (2 px at 64²), every start frame', clip: { candidateStride: 8, frameStride: 1 } },
    { label: 'stride 4 px at 224 (1 px at 64²: every pixel), every start frame', clip: { candidateStride: 4, frameStride: 1 } },
  ];
  const { resolved, classifier } = await loadModel('motion-v1', {}, { batchSize: 32 });
  const model = { name: resolved.name, path: resolved.file, sha256: resolved.sha256 };
  type Scores = { ins: number; del: number; f: number; gp: number; calls: number };
  const per: Scores[][] = rows.map(() => []);
  const prior: Scores[] = [];
  for (const c of clips) {
    for (let r = 0; r < rows.length; r++) {
      const config = methodConfig({ method: 'borex', preset: 'default', seed: 0, clip: true, borex: { clip: rows[r].clip, previewEvery: 0 } });
      // A fresh cache per row: the candidate grid differs, and building it is part of its GP cost.
      const { result } = await explainVideo(classifier, model, { video: c.video, config, baseline: classifier.spec.baseline ?? 'mean', metrics: { enabled: true }, tube: c.tube }, {}, new BorexCache());
      const clip = result.clips[0];
      const m = clip.metrics ?? {};
      per[r].push({ ins: m.insertion ?? NaN, del: m.deletion ?? NaN, f: m.fRp ?? NaN, gp: result.timing.gp_ms, calls: result.timing.model_calls });
      if (r === 0) {
        const pm = clip.prior?.metrics ?? {};
        prior.push({ ins: pm.insertion ?? NaN, del: pm.deletion ?? NaN, f: pm.fRp ?? NaN, gp: 0, calls: 0 });
      }
      console.log(`  ${c.name} ${rows[r].label}: ${JSON.stringify(m)} gp ${result.timing.gp_ms.toFixed(0)} ms`);
    }
  }
  await classifier.dispose();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fmt = (s: Scores[]) => `${mean(s.map((x) => x.ins)).toFixed(3)} | ${mean(s.map((x) => x.del)).toFixed(3)} | ${mean(s.map((x) => x.f)).toFixed(3)}`;
  lines.push(`${clips.length} fixture clips (${clips.map((c) => c.name).join(', ')}), encoded to MP4 (crf 0) through the video layer, tubes beside them; \`borex video\`'s pipeline (explainVideo) with method borex, preset default (prior RISE-3D N = 4000), seed 0, the spec's temporal-mean baseline, metrics with the tube. Means over the clips:`, '');
  lines.push('| search | insertion ↑ | deletion ↓ | F_rp ↑ | GP s per clip (median) | wins on insertion vs default |', '|---|---:|---:|---:|---:|---:|');
  lines.push(`| (the RISE-3D prior it refines) | ${fmt(prior)} | – | – |`);
  for (let r = 0; r < rows.length; r++) {
    const wins = r === 0 ? '–' : `${per[r].filter((s, i) => s.ins > per[0][i].ins).length} / ${clips.length}`;
    lines.push(`| ${rows[r].label} | ${fmt(per[r])} | ${(median(per[r].map((s) => s.gp)) / 1000).toFixed(2)} | ${wins} |`);
  }
  lines.push('', 'Per clip (insertion / deletion / F_rp):', '', `| clip | ${rows.map((r) => r.label.split(',')[0]).join(' | ')} |`, `|---|${rows.map(() => '---|').join('')}`);
  clips.forEach((c, i) => lines.push(`| ${c.name} | ${rows.map((_, r) => `${per[r][i].ins.toFixed(3)} / ${per[r][i].del.toFixed(3)} / ${per[r][i].f.toFixed(3)}`).join(' | ')} |`));
  await finish('video-stride', lines);
}

// ---------------------------------------------------------------- main

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-video-bench-'));
try {
  const needClips = wanted('rise') || wanted('borex') || wanted('stride');
  const clips = needClips ? await motionClips(dir, 4) : [];
  const mobilenet = wanted('rise') || wanted('borex') ? await mobilenetClipModel(dir, 16) : '';
  if (wanted('decode')) await decodeSection(dir);
  if (wanted('rise')) await riseSection(clips, mobilenet);
  if (wanted('borex')) await borexSection(clips, mobilenet);
  if (wanted('stride')) await strideSection(clips);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
