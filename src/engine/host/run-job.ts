import path from 'node:path';
import { BorexError } from '../errors.ts';
import type { ClassifyResponse, ExplainRequest as ApiExplainRequest, Geometry, JobFile, ResultSummary } from '../../shared/api.ts';
import { decodeImage } from '../image/decode.ts';
import { inputGeometry, preprocess } from '../image/preprocess.ts';
import { explainImage, type ExplainRequest, type ExplainResult, type GroundTruth } from '../jobs/explain.ts';
import { writeExplainOutputs } from '../jobs/write-outputs.ts';
import { borexParamsFor, riseParamsFor, type MethodConfig } from '../methods/registry.ts';
import { topK } from '../model/classifier.ts';
import { shortLabel } from '../model/labels.ts';
import { loadModel, type LoadedModel } from '../model/load.ts';
import type { JobControl } from '../progress.ts';
import type { ExplainJobResult, HostJob, HostJobResult, HostProgress, HostSettings, ModelSource, OpenedModel } from './protocol.ts';
import { resumeBatchJob, runBatchJob } from './run-batch.ts';

// The engine's result must carry everything the UI reads: checked at compile time.
const fits = (r: ExplainResult): ResultSummary => r;
void fits;

/** Keeps the last model open between jobs (opening MobileNetV2 costs ~0.5 s). */
export class ModelCache {
  private current: { key: string; loaded: LoadedModel; warnings: string[] } | undefined;
  constructor(private readonly settings: HostSettings = {}) {}

  async get(source: ModelSource): Promise<LoadedModel> {
    if (this.current?.key === source.key) return this.current.loaded;
    return (await this.open(source)).loaded;
  }

  /** Opens the model afresh (a user's file may have changed since), with the notices the engine gave. */
  async open(source: ModelSource): Promise<{ loaded: LoadedModel; warnings: string[] }> {
    await this.dispose();
    const warnings: string[] = [];
    // An explicit labels file wins over the spec's; an absolute path is found wherever it is.
    const overrides = source.labelsFile ? { labels: path.resolve(source.labelsFile) } : {};
    const loaded = await loadModel(source.file ?? source.key, overrides, { threads: this.settings.threads, executionProvider: this.settings.executionProvider, onWarning: (w) => warnings.push(w) });
    this.current = { key: source.key, loaded, warnings };
    return { loaded, warnings };
  }

  async dispose(): Promise<void> {
    const old = this.current;
    this.current = undefined;
    await old?.loaded.classifier.dispose();
  }
}

/** What a job tells beyond the engine's progress: an explain job's geometry, a batch's queue and items. */
export type JobUpdate = (update: Pick<HostProgress, 'geometry' | 'entries' | 'items'>) => void;

export async function runJob(job: HostJob, models: ModelCache, control: JobControl, onUpdate: JobUpdate = () => {}): Promise<HostJobResult> {
  if (job.kind === 'classify') return classify(job.image, job.model, models);
  if (job.kind === 'batch') return runBatchJob(job, models, control, onUpdate);
  if (job.kind === 'resume') return resumeBatchJob(job, models, control, onUpdate);
  if (job.kind === 'open-model') return openModel(job.model, models);
  return explain(job, models, control, (geometry) => onUpdate({ geometry }));
}

/**
 * Opens a model and runs it once on a blank input: a file onnxruntime can open but not run, or
 * that is not an image classifier, fails here with the engine's reason instead of at the first photo.
 */
async function openModel(source: ModelSource, models: ModelCache): Promise<OpenedModel> {
  const { loaded, warnings } = await models.open(source);
  const { classifier, resolved } = loaded;
  const { height, width, layout, resize } = classifier.spec;
  await classifier.classify(new Float32Array(3 * height * width), 1);
  return { name: resolved.name, file: resolved.file, classes: classifier.numClasses, input: { height, width, layout, resize }, specSource: resolved.specSource, labelsFile: resolved.labels?.length === classifier.numClasses ? resolved.labelsFile : undefined, warnings };
}

async function classify(image: string, model: ModelSource, models: ModelCache): Promise<ClassifyResponse> {
  const { classifier, resolved } = await models.get(model);
  const input = await preprocess(await decodeImage(image, path.basename(image)), classifier.spec);
  const p = await classifier.classify(input.tensor, 1);
  const top5 = topK(p, 5).map((index) => ({ index, name: shortLabel(classifier.labels[index] ?? String(index)), probability: p[index] }));
  return { model: resolved.name, top5, numClasses: classifier.numClasses };
}

/** The API's explain request as the engine's: preset parameters with the advanced overrides. */
export function engineRequest(image: string, r: ApiExplainRequest, vocXmlFile?: string, priorFile?: string): ExplainRequest {
  const a = r.advanced ?? {};
  const config: MethodConfig = {
    method: r.method,
    preset: r.preset,
    seed: a.seed ?? 0,
    rise: riseParamsFor(r.preset, { masks: a.masks, gridSize: a.gridSize, keepProbability: a.keepProbability }),
  };
  if (r.method === 'bo' || r.method === 'borex') {
    if (r.method === 'borex' && r.prior === 'file' && !priorFile) throw new BorexError('usage', 'prior "file" needs an imported map (priorFileId)');
    config.prior = r.method === 'bo' ? 'none' : r.prior === 'file' ? priorFile! : r.prior;
    config.borex = borexParamsFor(r.method, { iterations: a.iterations, kappa: a.kappa, gain: a.gain, halfSizes: a.halfSizes });
  }
  let groundTruth: GroundTruth | undefined;
  if (r.groundTruth?.type === 'boxes') groundTruth = { boxes: r.groundTruth.boxes, source: 'drawn by hand' };
  else if (r.groundTruth?.type === 'voc' && vocXmlFile) groundTruth = { vocXml: vocXmlFile };
  return {
    image,
    label: r.label,
    config,
    baseline: a.baseline ?? 'mean',
    metrics: { enabled: true, step: a.metricStep, insertionStart: 'blur' },
    groundTruth,
  };
}

async function explain(job: Extract<HostJob, { kind: 'explain' }>, models: ModelCache, control: JobControl, onStart?: (g: Geometry) => void): Promise<ExplainJobResult> {
  const { classifier, resolved } = await models.get(job.model);
  const photo = await decodeImage(job.image, path.basename(job.image));
  onStart?.(inputGeometry(photo.width, photo.height, classifier.spec));
  const outcome = await explainImage(classifier, { name: resolved.name, path: resolved.file, sha256: resolved.sha256 }, engineRequest(job.image, job.request, job.vocXmlFile, job.priorFile), control);
  const written = await writeExplainOutputs(job.outDir, outcome);
  return {
    result: outcome.result,
    map: outcome.map,
    priorMap: outcome.priorMap,
    geometry: outcome.geometry,
    files: written.map((f) => path.basename(f) as JobFile),
  };
}
