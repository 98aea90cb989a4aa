import path from 'node:path';
import { BorexError } from '../../errors.ts';
import type { ExplainRequest as ApiExplainRequest, BaselineChoice, Geometry, JobFile, ResultSummary } from '../../../shared/api.ts';
import { decodeImage } from '../../image/decode.ts';
import { inputGeometry } from '../../image/preprocess.ts';
import { explainImage, type ExplainRequest, type ExplainResult, type GroundTruth } from '../../jobs/explain.ts';
import { writeExplainOutputs } from '../../jobs/write-outputs.ts';
import { methodConfig } from '../../methods/config.ts';
import type { JobControl } from '../../progress.ts';
import type { ModelCache } from '../model-cache.ts';
import { PHOTO_ONLY_OPTIONS, type ExplainDone } from '../../../shared/api.ts';
import type { HostJob } from '../protocol.ts';

// The engine's result must carry everything the UI reads: checked at compile time.
const fits = (r: ExplainResult): ResultSummary => r;
void fits;

/**
 * The API's explain request as the engine's: preset parameters with the advanced overrides; the
 * occlusion baseline is the request's, else the model spec's own (as the CLI), else mean.
 */
export function engineRequest(image: string, r: ApiExplainRequest, vocXmlFile?: string, priorFile?: string, specBaseline?: BaselineChoice): ExplainRequest {
  const a = r.advanced ?? {};
  if (r.method === 'borex' && r.prior === 'file' && !priorFile) throw new BorexError('usage', 'prior "file" needs an imported map (priorFileId)');
  const refines = r.method === 'borex' || r.method === 'bo';
  const borexOnly = PHOTO_ONLY_OPTIONS.filter((f) => a[f] !== undefined);
  // Refused, not ignored: a run must not look as if it used an option it cannot use.
  if (!refines && borexOnly.length) throw new BorexError('usage', `${borexOnly.join(', ')} ${borexOnly.length > 1 ? 'apply' : 'applies'} to method bo or borex, not ${r.method}`);
  const config = methodConfig({
    method: r.method,
    preset: r.preset,
    seed: a.seed ?? 0,
    rise: { masks: a.masks, gridSize: a.gridSize, keepProbability: a.keepProbability },
    prior: r.prior === 'file' ? priorFile : r.prior,
    // Undefined fields are dropped by methodConfig: absent options leave the config as it was, key for key.
    borex: { iterations: a.iterations, kappa: a.kappa, gain: a.gain, halfSizes: a.halfSizes, priorWeight: a.priorWeight, composition: a.composition, qBatch: a.qBatch, shapes: a.shapes, aspects: a.aspects, check: a.deletionCheck },
  });
  let groundTruth: GroundTruth | undefined;
  if (r.groundTruth?.type === 'boxes') groundTruth = { boxes: r.groundTruth.boxes, source: 'drawn by hand' };
  else if (r.groundTruth?.type === 'voc' && vocXmlFile) groundTruth = { vocXml: vocXmlFile };
  return {
    image,
    label: r.label,
    config,
    baseline: a.baseline ?? specBaseline ?? 'mean',
    metrics: { enabled: true, step: a.metricStep, insertionStart: 'blur' },
    groundTruth,
  };
}

export async function explain(job: Extract<HostJob, { kind: 'explain' }>, models: ModelCache, control: JobControl, onStart?: (g: Geometry) => void): Promise<ExplainDone> {
  const { classifier, resolved } = await models.get(job.model);
  const photo = await decodeImage(job.image, path.basename(job.image));
  onStart?.(inputGeometry(photo.width, photo.height, classifier.spec));
  const outcome = await explainImage(classifier, { name: resolved.name, path: resolved.file, sha256: resolved.sha256 }, engineRequest(job.image, job.request, job.vocXmlFile, job.priorFile, classifier.spec.baseline), control);
  const written = await writeExplainOutputs(job.outDir, outcome);
  return {
    result: outcome.result,
    map: outcome.map,
    priorMap: outcome.priorMap,
    ...(outcome.uncertainty ? { uncertainty: outcome.uncertainty } : {}),
    geometry: outcome.geometry,
    files: written.map((f) => path.basename(f) as JobFile),
  };
}
