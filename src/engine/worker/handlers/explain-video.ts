import path from 'node:path';
import type { ClipSummary, JobFile, VideoExplainDone, VideoResultSummary } from '../../../shared/api.ts';
import { usageError } from '../../errors.ts';
import { inputGeometry } from '../../image/preprocess.ts';
import { explainVideo, type ClipResult, type VideoExplainResult } from '../../jobs/explain-video.ts';
import { writeVideoOutputs } from '../../jobs/write-video-outputs.ts';
import { methodConfig } from '../../methods/config.ts';
import { inputDims } from '../../model/spec.ts';
import type { JobControl } from '../../progress.ts';
import type { ModelCache } from '../model-cache.ts';
import type { HostJob } from '../protocol.ts';
import type { JobUpdate } from './handler.ts';

// The engine's results must carry everything the UI reads: checked at compile time.
const fitsClip = (c: ClipResult): ClipSummary => c;
const fitsResult = (r: VideoExplainResult): Omit<VideoResultSummary, 'clips'> => r;
void fitsClip;
void fitsResult;

/**
 * explainVideo: `borex video` inside the worker. The request's T / windowing reach the model as
 * spec overrides (the model cache keys on them); BOREx/BO get BOREx-3D's clip parameters
 * (`clip: true`, as borex video passes); the occlusion baseline is the request's, else the model
 * spec's own (motion-v1: temporal-mean), else mean. Before the first model call the UI gets the
 * geometry and every clip's frames; each engine event says its clip. Outputs are written only at
 * the end, all or nothing (writeVideoOutputs), so a cancel leaves no half-written result.
 */
export async function explainVideoJob(job: Extract<HostJob, { kind: 'explain-video' }>, models: ModelCache, control: JobControl, onUpdate: JobUpdate): Promise<VideoExplainDone> {
  const r = job.request;
  const { classifier, resolved } = await models.get(job.model);
  const T = inputDims(classifier.spec)[1];
  const asked = r.window?.frames ?? r.frames;
  // A fixed T in the model's input wins over the spec: say so rather than run other clips than asked.
  if (asked !== undefined && asked !== T) throw usageError(`${resolved.name} takes clips of ${T} frames (its input fixes T); ${r.window ? 'window' : 'frames'} ${asked} does not fit`);
  const a = r.advanced ?? {};
  const config = methodConfig({
    method: r.method,
    preset: r.preset,
    seed: a.seed ?? 0,
    rise: { masks: a.masks, gridSize: a.gridSize, keepProbability: a.keepProbability },
    prior: r.prior === 'file' ? job.priorFile : r.prior,
    borex: { iterations: a.iterations, kappa: a.kappa, gain: a.gain, halfSizes: a.halfSizes },
    clip: true,
  });
  if (r.method === 'borex' && r.prior === 'file' && !job.priorFile) throw usageError('prior "file" needs an imported map (priorFileId)');
  const outcome = await explainVideo(
    classifier,
    { name: resolved.name, path: resolved.file, sha256: resolved.sha256 },
    {
      video: job.video.file,
      name: job.video.name,
      label: r.label,
      config,
      baseline: a.baseline ?? classifier.spec.baseline ?? 'mean',
      metrics: { enabled: true, step: a.metricStep, insertionStart: 'blur' },
      tube: job.tubeFile,
    },
    control,
    undefined,
    {
      onPlan: ({ video, windows }) => {
        const [, t, h, w] = inputDims(classifier.spec);
        onUpdate({
          geometry: inputGeometry(video.width, video.height, classifier.spec),
          video: { clips: windows.map((frames, window) => ({ window, frames, pts: frames.map((k) => video.pts[k]) })), dims: [t, h, w] },
        });
      },
    },
  );
  const written = await writeVideoOutputs(job.outDir, outcome, { proxy: false }, control);
  const result = outcome.result;
  // The summary names the video and tube as the user knows them, never the session's stored copies.
  const summary: VideoResultSummary = {
    video: job.video.name,
    videoInfo: result.videoInfo,
    model: result.model,
    method: result.method,
    sampling: result.sampling,
    clips: result.clips.map(({ borex, groundTruth, ...c }) => ({
      ...c,
      ...(borex ? { borex: { modelCalls: borex.modelCalls } } : {}),
      ...(groundTruth ? { groundTruth: { source: job.tubeName ?? path.basename(groundTruth.source), voxels: groundTruth.voxels } } : {}),
    })),
    warnings: result.warnings.map((w) => w.split(job.video.file).join(job.video.name)),
    timing: result.timing,
  };
  return {
    result: summary,
    maps: outcome.maps,
    priorMaps: outcome.priorMaps,
    dims: outcome.mapDims,
    geometry: outcome.geometry,
    files: written.map((f) => path.basename(f) as JobFile),
  };
}
