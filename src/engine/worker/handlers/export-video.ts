import type { ExportDone, JobFile } from '../../../shared/api.ts';
import { BorexError } from '../../errors.ts';
import { probeVideo } from '../../media/video/probe.ts';
import { exportClips } from '../../jobs/write-video-outputs.ts';
import type { JobControl } from '../../progress.ts';
import path from 'node:path';
import type { HostJob } from '../protocol.ts';

/**
 * exportVideo: the annotated MP4 of a finished explain-video job, from the maps that job handed
 * back (render/video-overlay.ts through jobs/write-video-outputs.ts), at the video's own size,
 * frame count and timestamps. Written through a temporary name (a cancel leaves no MP4), then
 * probed: the reply says the frames and duration the file really has.
 */
export async function exportVideoJob(job: Extract<HostJob, { kind: 'export-video' }>, control: JobControl): Promise<ExportDone> {
  const r = job.request;
  const d = job.done;
  const layout = r.layout ?? 'single';
  try {
    const info = await probeVideo(job.video.file, { signal: control.signal });
    await exportClips(
      { video: job.video.file, info, geometry: d.geometry, clips: d.clips, method: d.method, priorMethod: d.priorMethod, maps: d.maps, priorMaps: d.priorMaps, dims: d.dims },
      { map: r.map, layout, opacity: r.opacity, colormap: r.colormap },
      job.out,
      control,
    );
    const written = await probeVideo(job.out, { signal: control.signal });
    return { files: [path.basename(job.out) as JobFile], frames: written.frameCount, duration: written.duration };
  } catch (err) {
    throw err instanceof BorexError ? new BorexError(err.kind, err.message.split(job.video.file).join(job.video.name), { cause: err }) : err;
  }
}
