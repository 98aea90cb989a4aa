/**
 * The app's H.264 proxy has every frame a keyframe (media/video/proxy.ts): the video view seeks to
 * single frames, and Chromium decodes one frame per seek of an all-intra file (BENCHMARKS.md
 * "video-view"). ffprobe counts the proxy's keyframes: all of its frames; an ordinary encode
 * (keyframe every 12) has a twelfth of them.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binaryPath } from '../../src/engine/media/video/binaries.ts';
import { encodeVideo } from '../../src/engine/media/video/encode.ts';
import { probeVideo } from '../../src/engine/media/video/probe.ts';
import { makeProxy } from '../../src/engine/media/video/proxy.ts';
import { decodeFrames } from '../../src/engine/media/video/decode.ts';
import { asset, assetStatus } from '../helpers/assets.ts';
import { tempDir } from '../helpers/cli.ts';

/** ffprobe's count of the frames it decodes when told to skip all but keyframes. */
function keyframes(file: string): number {
  const r = spawnSync(binaryPath('ffprobe'), ['-v', 'error', '-skip_frame', 'nokey', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

describe.skipIf(assetStatus('video/mmaction2/test.avi').skip)('the app proxy is all-intra', () => {
  it('test.avi → proxy: every one of its 164 frames a keyframe; a plain encode of the same frames: one in 12', async () => {
    const dir = tempDir('video-proxy-intra-');
    const file = asset('video/mmaction2/test.avi');
    const info = await probeVideo(file);
    const proxy = path.join(dir, 'proxy.mp4');
    const r = await makeProxy(file, info, proxy);
    expect(r.frames).toBe(164);
    expect(keyframes(proxy)).toBe(164);
    // The encoder's default is unchanged (exports, clips): keyframes at 0, 12, …, 156.
    const frames = await decodeFrames(file, Array.from({ length: 48 }, (_, k) => k), { info });
    const plain = path.join(dir, 'plain.mp4');
    await encodeVideo(plain, frames, { width: info.width, height: info.height, fps: 25 });
    expect(keyframes(plain)).toBe(4);
  }, 120_000);
});
