/** Round trips on the shared mmaction2 clips: exact frame counts, sizes, SAR; decode and encode speed logged. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binaryPath } from '../../src/engine/media/video/binaries.ts';
import { encodeVideo, probeVideo, streamFrames } from '../../src/engine/media/video/index.ts';
import { assetStatus, asset } from '../helpers/assets.ts';
import { tempDir } from '../helpers/cli.ts';

const CLIPS = [
  { name: 'demo.mp4', frames: 280, width: 340, height: 256, sar: { num: 64, den: 51 }, codec: 'h264', playable: true, fps: { num: 28, den: 1 } },
  { name: 'test.mp4', frames: 300, width: 340, height: 256, sar: { num: 1024, den: 765 }, codec: 'h264', playable: true, fps: { num: 30, den: 1 } },
  { name: 'test.avi', frames: 164, width: 320, height: 240, sar: { num: 1, den: 1 }, codec: 'mpeg4', playable: false, fps: { num: 25, den: 1 } },
];
const { skip } = assetStatus(...CLIPS.map((c) => `video/mmaction2/${c.name}`));
const work = tempDir('video-mm-');

/** ffprobe's own count, independent of probeVideo. */
function nbReadFrames(file: string): number {
  const r = spawnSync(binaryPath('ffprobe'), ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

describe.skipIf(skip).each(CLIPS)('$name', (c) => {
  const file = asset(`video/mmaction2/${c.name}`);

  it('probe: frame count, size, SAR, codec, rate, playability', async () => {
    const info = await probeVideo(file);
    expect(info.frameCount).toBe(c.frames);
    expect(nbReadFrames(file)).toBe(c.frames);
    expect([info.width, info.height, info.codec, info.browserPlayable]).toEqual([c.width, c.height, c.codec, c.playable]);
    expect(info.sar).toEqual(c.sar);
    expect(info.avgFrameRate).toEqual(c.fps);
    expect(info.rotation).toBe(0);
    expect(info.warnings).toEqual([]);
  });

  it('decode every frame, re-encode to H.264: same count, size, SAR, duration; BT.601 tagged', async () => {
    const info = await probeVideo(file);
    const out = path.join(work, `${c.name}.mp4`);
    let t0 = performance.now();
    let n = 0;
    for await (const f of streamFrames(file, undefined, { info, reuse: true })) n += f.data.length > 0 ? 1 : 0;
    const decodeFps = n / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    const frames = (async function* () { for await (const f of streamFrames(file, undefined, { info, reuse: true })) yield f.data; })();
    const r = await encodeVideo(out, frames, { width: info.width, height: info.height, sar: info.sar, fps: info.avgFrameRate, totalFrames: info.frameCount });
    const roundTripFps = r.frames / ((performance.now() - t0) / 1000);
    console.log(`${c.name}: decode ${c.width}×${c.height} rgb24 ${decodeFps.toFixed(0)} fps; decode+encode (veryfast) ${roundTripFps.toFixed(0)} fps`);
    expect(n).toBe(c.frames);
    const back = await probeVideo(out);
    expect([back.frameCount, back.width, back.height, back.codec, back.browserPlayable]).toEqual([c.frames, c.width, c.height, 'h264', true]);
    expect(nbReadFrames(out)).toBe(c.frames);
    expect(back.sar).toEqual(c.sar);
    expect(back.duration).toBeCloseTo(info.duration, 3);
    expect(back.colour).toEqual({ space: 'smpte170m', primaries: 'smpte170m', transfer: 'smpte170m', range: 'tv' });
  });

  it('16 frames uniform over the clip, scaled to 224×224 inside ffmpeg', async () => {
    const info = await probeVideo(file);
    const idx = Array.from({ length: 16 }, (_, i) => Math.floor(((i + 0.5) * info.frameCount) / 16));
    const got: number[] = [];
    for await (const f of streamFrames(file, idx, { info, size: { width: 224, height: 224 } })) {
      expect(f.data.length).toBe(224 * 224 * 3);
      expect(f.pts).toBe(info.pts[f.index]);
      got.push(f.index);
    }
    expect(got).toEqual(idx);
  });
});
