import type { ProxyDone } from '../../../shared/api.ts';
import { BorexError } from '../../errors.ts';
import { probeVideo } from '../../media/video/probe.ts';
import { makeProxy } from '../../media/video/proxy.ts';
import { ProgressReporter, type JobControl } from '../../progress.ts';
import type { HostJob } from '../protocol.ts';

/**
 * makeProxy: the engine's H.264 proxy (media/video/proxy.ts: same decoded frames, timestamps and
 * size) written to `out` (through a temporary name: a cancel leaves nothing), then probed, so the
 * UI gets the proxy's own frame times to seek by. Messages name the video as the user knows it.
 */
export async function proxyJob(job: Extract<HostJob, { kind: 'proxy' }>, control: JobControl): Promise<ProxyDone> {
  const rename = (err: unknown) => (err instanceof BorexError ? new BorexError(err.kind, err.message.split(job.video.file).join(job.video.name), { cause: err }) : err);
  try {
    const info = await probeVideo(job.video.file, { signal: control.signal });
    // The proxy reports frames done; the ETA is added here (a linear one, as every stage's).
    const eta = new ProgressReporter('proxy', info.frameCount, control.onProgress);
    await makeProxy(job.video.file, info, job.out, { signal: control.signal, onProgress: (e) => eta.report(e.done) });
    const proxy = await probeVideo(job.out, { signal: control.signal });
    return { videoId: job.videoId, frames: proxy.frameCount, pts: Array.from(proxy.pts) };
  } catch (err) {
    throw rename(err);
  }
}
