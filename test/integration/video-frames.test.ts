/** Frame-exact decode and encode on project-made frame-index clips (generated here with the bundled ffmpeg). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryPath } from '../../src/engine/media/video/binaries.ts';
import { createVideoWriter, decodeFrames, encodeVideo, probeVideo, streamFrames, type VideoInfo } from '../../src/engine/media/video/index.ts';
import { startTool } from '../../src/engine/media/video/spawn.ts';
import { drawIndex, HEIGHT, makeIndexClip, readIndex, vfrTimes, WIDTH, type ClipKind } from '../../tools/video/index-clip.ts';
import { tempDir } from '../helpers/cli.ts';

const N = 60;
const work = tempDir('video-frames-');
const clip = (kind: ClipKind) => path.join(work, `index-${kind}.mp4`);
const expectedTimes: Record<ClipKind, number[]> = {
  '25': Array.from({ length: N }, (_, k) => k / 25),
  ntsc: Array.from({ length: N }, (_, k) => (k * 1001) / 30000),
  vfr: vfrTimes(N),
};

/** ffprobe's own count, independent of probeVideo. */
function nbReadFrames(file: string): number {
  const r = spawnSync(binaryPath('ffprobe'), ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

beforeAll(async () => {
  for (const kind of ['25', 'ntsc', 'vfr'] as const) await makeIndexClip(clip(kind), kind, N);
});

describe.each(['25', 'ntsc', 'vfr'] as const)('frame-index clip at %s', (kind) => {
  let info: VideoInfo;
  beforeAll(async () => {
    info = await probeVideo(clip(kind));
  });

  it('probe: count equals nb_read_frames, times are the ones written', () => {
    expect(info.frameCount).toBe(N);
    expect(nbReadFrames(clip(kind))).toBe(N);
    expect([info.width, info.height, info.codec, info.stream]).toEqual([WIDTH, HEIGHT, 'h264', 0]);
    expect(info.sar).toEqual({ num: 1, den: 1 });
    expect(info.colour).toEqual({ space: 'smpte170m', primaries: 'smpte170m', transfer: 'smpte170m', range: 'tv' });
    expect(info.browserPlayable).toBe(true);
    expect(info.variableFrameRate).toBe(kind === 'vfr');
    expect(info.warnings).toEqual([]);
    for (let k = 0; k < N; k++) expect(Math.abs(info.pts[k] - expectedTimes[kind][k])).toBeLessThan(1e-4);
    const last = kind === 'vfr' ? 0.04 : kind === 'ntsc' ? 1001 / 30000 : 0.04;
    expect(info.duration).toBeCloseTo(expectedTimes[kind][N - 1] + last, 4);
  });

  it('decoding every frame: frame k shows k', async () => {
    const seen: number[] = [];
    for await (const f of streamFrames(clip(kind), undefined, { info, reuse: true })) {
      expect(f.data.length).toBe(WIDTH * HEIGHT * 3);
      expect(readIndex(f.data)).toBe(f.index);
      seen.push(f.index);
    }
    expect(seen).toEqual(Array.from({ length: N }, (_, k) => k));
  });

  it('chosen frames come back in the order asked, scaled inside ffmpeg too', async () => {
    const ask = [59, 0, 31, 31, 7, 8, 9, 44];
    const frames = await decodeFrames(clip(kind), ask, { info });
    expect(frames.map((f) => readIndex(f))).toEqual(ask);
    const scaled = await decodeFrames(clip(kind), ask, { info, size: { width: 224, height: 224 } });
    expect(scaled.every((f) => f.length === 224 * 224 * 3)).toBe(true);
    expect(scaled.map((f) => readIndex(f, 224, 224))).toEqual(ask);
  });

  it('encode then decode keeps count, times, duration and content', async () => {
    const out = path.join(work, `re-${kind}.mp4`);
    const frames = streamFrames(clip(kind), undefined, { info, reuse: true });
    const events: number[] = [];
    const r = await encodeVideo(out, (async function* () { for await (const f of frames) yield f.data; })(), {
      width: info.width, height: info.height, sar: info.sar,
      fps: info.variableFrameRate ? 25 : info.avgFrameRate,
      timestamps: info.variableFrameRate ? info.pts : undefined,
      totalFrames: info.frameCount,
      onProgress: (e) => events.push(e.done),
    });
    expect(r.frames).toBe(N);
    expect(events.at(-1)).toBe(N);
    const back = await probeVideo(out);
    expect(back.frameCount).toBe(N);
    expect(nbReadFrames(out)).toBe(N);
    expect(back.duration).toBeCloseTo(info.duration, 3);
    for (let k = 0; k < N; k++) expect(Math.abs(back.pts[k] - info.pts[k])).toBeLessThan(1e-4);
    const all = await decodeFrames(out, Array.from({ length: N }, (_, k) => k));
    expect(all.map((f) => readIndex(f))).toEqual(Array.from({ length: N }, (_, k) => k));
    expect(fs.readdirSync(work).filter((f) => f.includes('partial') || f.includes('filter'))).toEqual([]);
  });
});

describe('encoder details', () => {
  it('odd sizes are padded to even; SAR is kept', async () => {
    const out = path.join(work, 'odd.mp4');
    const w = 95;
    const h = 79;
    const frame = new Uint8Array(w * h * 3).fill(200);
    const r = await encodeVideo(out, [frame, frame, frame], { width: w, height: h, fps: 10, sar: { num: 64, den: 51 } });
    expect([r.width, r.height, r.frames]).toEqual([96, 80, 3]);
    const info = await probeVideo(out);
    expect([info.width, info.height, info.frameCount]).toEqual([96, 80, 3]);
    expect(info.sar).toEqual({ num: 64, den: 51 });
    await expect(encodeVideo(path.join(work, 'odd2.mp4'), [frame], { width: w, height: h, even: 'require' })).rejects.toThrow(/even frame size, got 95×79/);
  });

  it('a frame of the wrong size fails the encode and leaves nothing', async () => {
    const out = path.join(work, 'wrong.mp4');
    await expect(encodeVideo(out, [drawIndex(0), new Uint8Array(10)], { width: WIDTH, height: HEIGHT })).rejects.toThrow(/frame 1 has 10 bytes/);
    expect(fs.readdirSync(work).filter((f) => f.includes('wrong'))).toEqual([]);
  });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('cancel', () => {
  it('aborting a run kills the child: its pid is gone', async () => {
    const ac = new AbortController();
    const run = startTool('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { signal: ac.signal });
    await new Promise<void>((resolve) => run.stdout.once('data', () => resolve()));
    expect(alive(run.pid)).toBe(true);
    ac.abort();
    await expect(run.done).rejects.toMatchObject({ kind: 'cancelled' });
    expect(alive(run.pid)).toBe(false);
  });

  it('a cancelled decode stops with "cancelled"', async () => {
    const ac = new AbortController();
    const got: number[] = [];
    const loop = (async () => {
      for await (const f of streamFrames(clip('25'), undefined, { signal: ac.signal })) {
        got.push(f.index);
        if (f.index === 3) ac.abort();
      }
    })();
    await expect(loop).rejects.toMatchObject({ kind: 'cancelled' });
    expect(got.length).toBeLessThan(N);
  });

  it('a cancelled encode leaves no output file and no temporary file', async () => {
    const dir = tempDir('video-cancel-');
    const out = path.join(dir, 'cancelled.mp4');
    const ac = new AbortController();
    const writer = await createVideoWriter(out, { width: WIDTH, height: HEIGHT, fps: 25, signal: ac.signal });
    for (let k = 0; k < 20; k++) await writer.write(drawIndex(k));
    ac.abort();
    await expect(writer.end()).rejects.toMatchObject({ kind: 'cancelled' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
