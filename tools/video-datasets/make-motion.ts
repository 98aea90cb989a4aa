/**
 * Dataset A: synthetic direction-of-motion clips for motion-v1, made by the model's own generator
 * (tools/motion-model/clips.py through motion_frames.py) and encoded by the engine's H.264 encoder.
 *
 *   node bin/run-ts.mjs tools/video-datasets/make-motion.ts [OUT_DIR] [--per-class 15] [--seed0 50000000]
 *        [--record] [--check]
 *
 * Writes OUT_DIR (default out/video-datasets/motion): clip-NNN-DIRECTION.mp4 (64×64, 16 frames at
 * 8 fps), clip-NNN-DIRECTION.tube.json (the moving target's exact box in every frame),
 * manifest.csv (video,label,tube for `borex batch`) and dataset.json (seed, class, distractors,
 * sha256 and measured encode fidelity of every clip). The clips are not committed (about 50 KB
 * each); the manifest, tubes and dataset.json are, under tools/video-datasets/motion/: `--record`
 * copies them there, `--check` fails unless this run wrote exactly the committed bytes (the MP4s'
 * sha256 included, so it also proves the encode is reproducible with this ffmpeg).
 *
 * Seeds from 50,000,000: the model was trained on 10,000,000+ and tested on 30,000,000+, and its
 * fixtures start at 40,000,000, so none of these clips was seen in training. The first `per-class`
 * clips of each direction are kept (balanced classes). The encode is lossless RGB H.264 (see
 * encodeLosslessRgb): decoded, every clip is byte for byte the generator's frames (measured).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ffmpegVersion } from '../../src/engine/media/video/index.ts';
import { encodeFidelity, encodeLosslessRgb, manifestCsv, parseArgs, recordOrCheck, sha256, tubeJson, writeAtomic, type Box, type ClipRecord } from './common.ts';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const RECORD_DIR = path.join(HERE, 'motion');
const FPS = 8;

interface PyClip {
  seed: number;
  label: string;
  labelIndex: number;
  frames: number;
  height: number;
  width: number;
  tube: Box[];
  distractorBoxes: Box[][];
  distractors: string[];
  speed: number;
  shape: string;
  size: number;
}

async function main(): Promise<void> {
  const { positional, opt } = parseArgs(process.argv.slice(2), { 'per-class': '15', seed0: '50000000', record: 'false', check: 'false' });
  const outDir = path.resolve(positional[0] ?? 'out/video-datasets/motion');
  const perClass = Number(opt['per-class']);
  const seed0 = Number(opt.seed0);
  fs.mkdirSync(outDir, { recursive: true });
  const rawDir = fs.mkdtempSync(path.join(os.tmpdir(), 'borex-motion-'));
  try {
    const t0 = Date.now();
    const lines = execFileSync('/usr/bin/python3', [path.join(HERE, 'motion_frames.py'), rawDir, String(seed0), String(perClass)], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const pyClips: PyClip[] = lines.trim().split('\n').map((l) => JSON.parse(l));
    const tGen = Date.now() - t0;
    const clips: ClipRecord[] = [];
    for (const [i, c] of pyClips.entries()) {
      const raw = fs.readFileSync(path.join(rawDir, `${c.seed}.rgb`));
      const frameBytes = c.width * c.height * 3;
      const frames = Array.from({ length: c.frames }, (_, t) => new Uint8Array(raw.buffer, raw.byteOffset + t * frameBytes, frameBytes));
      const stem = `clip-${String(i).padStart(3, '0')}-${c.label}`;
      const mp4 = path.join(outDir, `${stem}.mp4`);
      await encodeLosslessRgb(path.join(rawDir, `${c.seed}.rgb`), mp4, { width: c.width, height: c.height, fps: FPS });
      const fidelity = await encodeFidelity(mp4, frames);
      const tube = new Map(c.tube.map((b, t) => [t, [b]] as [number, Box[]]));
      writeAtomic(path.join(outDir, `${stem}.tube.json`), tubeJson(tube));
      clips.push({
        video: `${stem}.mp4`,
        label: c.labelIndex,
        tube: `${stem}.tube.json`,
        labelName: c.label,
        seed: c.seed,
        distractors: c.distractors,
        speed: c.speed,
        shape: c.shape,
        size: c.size,
        sha256: sha256(fs.readFileSync(mp4)),
        framesSha256: sha256(raw),
        maxAbsDiff: fidelity.maxAbs,
      });
    }
    const version = await ffmpegVersion();
    const dataset = {
      name: 'motion-v1 direction clips (dataset A)',
      model: 'motion-v1',
      generator: 'tools/video-datasets/make-motion.ts + motion_frames.py (imports tools/motion-model/clips.py make_clip)',
      command: `node bin/run-ts.mjs tools/video-datasets/make-motion.ts OUT --per-class ${perClass} --seed0 ${seed0}`,
      encode: { codec: 'libx264rgb qp 0 (lossless RGB H.264), see common.ts encodeLosslessRgb', preset: 'veryfast', fps: FPS, ffmpeg: version },
      classes: ['left', 'right', 'up', 'down'],
      clips,
    };
    writeAtomic(path.join(outDir, 'manifest.csv'), manifestCsv(clips));
    writeAtomic(path.join(outDir, 'dataset.json'), JSON.stringify(dataset, null, 1) + '\n');
    const worst = clips.reduce((m, c) => Math.max(m, c.maxAbsDiff as number), 0);
    console.log(`wrote ${clips.length} clips to ${outDir} (python ${tGen} ms, total ${Date.now() - t0} ms); decoded back: largest |Δ| ${worst} levels`);
    recordOrCheck(outDir, RECORD_DIR, clips, opt);
  } finally {
    fs.rmSync(rawDir, { recursive: true, force: true });
  }
}

await main();
