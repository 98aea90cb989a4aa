/**
 * An H.264 proxy for a video the browser cannot play (AVI, MPEG-4 Part 2, HEVC, Matroska…: VideoInfo
 * .browserPlayable false), so the app can show it frame-exactly: same decoded frames (count and
 * order from the decoder, as probeVideo counts them), same timestamps (variable rate kept), same
 * stored size (odd sizes padded by one black column/row) and SAR; H.264 yuv420p with every frame a
 * keyframe (the view seeks to single frames: Chromium then decodes one frame per seek, where
 * keyframes every 12 frames made 720p seeks in headless Chromium about twice as slow, see
 * BENCHMARKS.md "video-view"; the file is larger), faststart, BT.601 tagged. Video only: the app's
 * frame view needs no sound.
 *
 * Frames go decode → rgb24 → encode through the video layer (one spawn point, its encoder), not a
 * direct ffmpeg transcode, so the proxy's frame k is by construction the engine's frame k. The
 * encoder writes to a temporary name and renames: a cancelled or failed proxy leaves no file.
 */
import type { ProgressListener } from '../../progress.ts';
import { streamFrames } from './decode.ts';
import { createVideoWriter, type EncodeResult } from './encode.ts';
import type { VideoInfo } from './probe.ts';

export interface ProxyOptions {
  signal?: AbortSignal;
  /** Stage 'proxy', done/total in frames. */
  onProgress?: ProgressListener;
}

export async function makeProxy(file: string, info: VideoInfo, out: string, options: ProxyOptions = {}): Promise<EncodeResult> {
  const { signal, onProgress } = options;
  const N = info.frameCount;
  const writer = await createVideoWriter(out, {
    width: info.width,
    height: info.height,
    sar: info.sar,
    fps: info.avgFrameRate ?? info.rFrameRate ?? 25,
    timestamps: info.variableFrameRate ? info.pts : undefined,
    totalFrames: N,
    keyframeInterval: 1,
    signal,
  });
  const every = Math.max(1, Math.floor(N / 100));
  try {
    // Without `reuse` each frame has its own buffer, so the next can be decoded while this one is piped.
    for await (const f of streamFrames(file, undefined, { info, signal })) {
      await writer.write(f.data);
      if ((f.index + 1) % every === 0 || f.index + 1 === N) onProgress?.({ stage: 'proxy', done: f.index + 1, total: N });
    }
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return writer.end();
}
