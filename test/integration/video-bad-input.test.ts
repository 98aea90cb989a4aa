/** Every bad video input: a BorexError of kind bad-input whose message names the file and the problem. */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames, probeVideo } from '../../src/engine/media/video/index.ts';
import { runTool } from '../../src/engine/media/video/spawn.ts';
import { makeIndexClip } from '../../tools/video/index-clip.ts';
import { tempDir } from '../helpers/cli.ts';

const work = tempDir('video-bad-');
const f = (name: string) => path.join(work, name);
const ff = (args: string[]) => runTool('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args]);

/** Top-level MP4 boxes: [type, offset, size]. */
function boxes(file: string): [string, number, number][] {
  const d = fs.readFileSync(file);
  const out: [string, number, number][] = [];
  for (let off = 0; off + 8 <= d.length; ) {
    const size = d.readUInt32BE(off);
    out.push([d.toString('latin1', off + 4, off + 8), off, size]);
    if (size < 8) break;
    off += size;
  }
  return out;
}
const truncate = (from: string, to: string, bytes: number) => fs.writeFileSync(to, fs.readFileSync(from).subarray(0, bytes));

beforeAll(async () => {
  await makeIndexClip(f('good.mp4'), '25', 120);
  fs.writeFileSync(f('notes.mp4'), 'this is not a video\n');
  await ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', f('audio-only.mp4')]);
  await ff(['-f', 'lavfi', '-i', 'testsrc=size=64x48', '-frames:v', '1', f('still.png')]);
  // moov first (faststart): cut inside the media data → what is there decodes.
  const mdat = boxes(f('good.mp4')).find((b) => b[0] === 'mdat')!;
  truncate(f('good.mp4'), f('truncated.mp4'), mdat[1] + Math.floor(mdat[2] / 2));
  truncate(f('good.mp4'), f('no-frames.mp4'), mdat[1] + 16);
  // moov last: a cut loses the index itself.
  await ff(['-i', f('good.mp4'), '-c', 'copy', f('moov-last.mp4')]);
  truncate(f('moov-last.mp4'), f('moov-lost.mp4'), Math.floor(fs.statSync(f('moov-last.mp4')).size * 0.8));
  // An AVI whose codec fourcc no decoder knows.
  await ff(['-i', f('good.mp4'), '-c:v', 'mpeg4', f('mpeg4.avi')]);
  fs.writeFileSync(f('unknown-codec.avi'), Buffer.from(fs.readFileSync(f('mpeg4.avi')).toString('latin1').replaceAll('FMP4', 'ZZZZ'), 'latin1'));
});

async function refused(file: string, problem: RegExp) {
  const err = await probeVideo(file).then(() => undefined, (e: unknown) => e);
  expect(err).toMatchObject({ name: 'BorexError', kind: 'bad-input' });
  expect((err as Error).message.startsWith(`${file}: `)).toBe(true);
  expect((err as Error).message).toMatch(problem);
  return (err as Error).message;
}

describe('bad video input', () => {
  it('a missing file', () => refused(f('missing.mp4'), /: no such file$/));
  it('not a video', () => refused(f('notes.mp4'), /is not a video ffmpeg can read \(.*Invalid data/));
  it('no video stream', () => refused(f('audio-only.mp4'), /has no video stream \(only audio\)/));
  it('a still image', () => refused(f('still.png'), /is a still image \(png\), not a video/));
  it('zero decodable frames', () => refused(f('no-frames.mp4'), /no frame of its h264 video stream could be decoded/));
  it('an unsupported codec', () => refused(f('unknown-codec.avi'), /unsupported video codec \(fourcc "ZZZZ"\)/));
  it('truncated with its MP4 index lost: refused', () => refused(f('moov-lost.mp4'), /truncated or incomplete: its MP4 index \(moov atom\) is missing/));

  it('truncated inside the frames: refused (past the damage ffmpeg 4.1 and ffprobe 6.1 number frames differently)', () =>
    refused(f('truncated.mp4'), /is truncated or damaged: only \d+ of the 120 frames its index lists can be decoded/));

  it('a frame index past the end names the file and the range', async () => {
    await expect(decodeFrames(f('good.mp4'), [0, 120])).rejects.toMatchObject({
      kind: 'bad-input',
      message: `${f('good.mp4')}: has no frame 120: it has 120 decodable frames (0–119)`,
    });
    await expect(decodeFrames(f('good.mp4'), [1.5])).rejects.toMatchObject({ kind: 'bad-input' });
  });

  it('the moov-last copy itself is fine (control)', async () => {
    expect((await probeVideo(f('moov-last.mp4'))).frameCount).toBe(120);
    expect((await probeVideo(f('mpeg4.avi'))).browserPlayable).toBe(false);
  });
});
