import fs from 'node:fs';
import path from 'node:path';
import type { CurveMetrics } from '../../shared/api.ts';
import { badInput, BorexError, throwIfCancelled } from '../errors.ts';
import { readWholeText } from '../file-limits.ts';
import type { BaselineKind } from '../image/baseline.ts';
import type { RgbImage } from '../image/decode.ts';
import type { InputGeometry, ModelInput, ResizeFilter } from '../image/preprocess.ts';
import type { Box } from '../metrics/localisation.ts';
import { readVocAnnotation, readVocImagenetMap, type PhotoBox } from '../metrics/voc.ts';
import type { BorexSample } from '../methods/borex.ts';
import type { DeletionCheck } from '../../shared/results.ts';
import { BorexCache } from '../methods/borex-cache.ts';
import type { MethodConfig } from '../methods/config.ts';
import { topK, type Classifier } from '../model/classifier.ts';
import { chooseLabel, shortLabel } from '../model/labels.ts';
import { findLabelsFile } from '../model/model-store.ts';
import { boxesOnInput, boxPixels, computeItemMap, itemTarget, prepareInput, scoreMap, type MetricOptions } from '../pipeline/item.ts';
import type { JobControl } from '../progress.ts';
import { versions } from '../versions.ts';

/** Ground truth for localisation scores: a VOC XML file, or boxes in photo pixels. */
export type GroundTruth = { vocXml: string } | { boxes: PhotoBox[]; source?: string };

export interface ExplainRequest {
  image: string;
  label?: string | number;
  config: MethodConfig;
  baseline: BaselineKind;
  resizeFilter?: ResizeFilter;
  metrics: MetricOptions;
  groundTruth?: GroundTruth;
}

export interface ModelInfo {
  name: string;
  path: string;
  sha256: string;
}

export type { CurveMetrics };

/** The JSON written as result.json (CLI contract in docs/architecture.md). */
export interface ExplainResult {
  image: string;
  imageSize: { width: number; height: number };
  model: ModelInfo & { input: { height: number; width: number; resize: string } };
  label: { index: number; name: string; fullName: string; probability: number };
  top5: { index: number; name: string; probability: number }[];
  method: string;
  signed: boolean;
  metrics?: CurveMetrics;
  curves?: { insertion: number[]; deletion: number[] };
  /** For refinements (bo, borex): the prior's own scores, to compare with the refined map's. */
  prior?: { method: string; signed: boolean; metrics?: CurveMetrics; curves?: { insertion: number[]; deletion: number[] } };
  /** With a learned prior weight: the fitted β and per-size offsets c_s of the GP mean β·i0 + c_s. */
  borex?: { samples: BorexSample[]; lengthScale: number[]; modelCalls: number; priorWeight?: number; priorOffsets?: number[]; check?: DeletionCheck };
  groundTruth?: { source: string; class?: string; boxes: Box[]; pixels: number };
  timing: ResultTiming;
  config: ResultConfig;
  versions: Record<string, string>;
}

/** Where a job's time went (result.json of explain and video). */
export interface ResultTiming {
  total_ms: number;
  model_ms: number;
  gp_ms: number;
  model_calls: number;
  metrics_ms: number;
}

/** Every parameter a result was made with (result.json of explain and video). */
export type ResultConfig = MethodConfig & { baseline: BaselineKind; resizeFilter: ResizeFilter; metrics: MetricOptions };

export interface ExplainOutcome {
  result: ExplainResult;
  map: Float32Array;
  priorMap?: Float32Array;
  /** BOREx/BO on an image: the posterior σ map (methods/borex.ts uncertaintyMap), written as uncertainty.npy. */
  uncertainty?: Float32Array;
  photo: RgbImage;
  geometry: InputGeometry;
}

/**
 * One photo through the item pipeline (pipeline/item.ts): prepare, one map (with its prior for
 * refinements), scores. `cache` keeps BOREx's candidate sets for the caller's next photo.
 */
export async function explainImage(classifier: Classifier, model: ModelInfo, request: ExplainRequest, control: JobControl = {}, cache: BorexCache = new BorexCache()): Promise<ExplainOutcome> {
  const started = performance.now();
  const callsBefore = classifier.calls;
  const busyBefore = classifier.busyMs;
  const filter = request.resizeFilter ?? 'linear';
  const { photo, input, probabilities } = await prepareInput(classifier, request.image, request.image, filter);
  const { height, width } = input;
  const label = chooseLabel(request.label, classifier.labels, probabilities);
  const target = itemTarget(classifier, input, request.baseline, label);
  throwIfCancelled(control.signal);
  const output = await computeItemMap(target, request.config, control, { cache, uncertainty: true });

  const metricsStarted = performance.now();
  const gt = request.groundTruth ? groundTruthFor(request.groundTruth, classifier, label, input) : undefined;
  const scored = await scoreMap(target, output.map, request.metrics, gt?.boxes, control);
  const prior = output.prior && {
    method: output.prior.method,
    signed: output.prior.signed,
    ...(await scoreMap(target, output.prior.map, request.metrics, gt?.boxes, control)),
  };
  const metricsMs = performance.now() - metricsStarted;
  const groundTruth = gt && { ...gt, pixels: boxPixels(gt.boxes, input) };

  const name = (i: number) => shortLabel(classifier.labels[i]);
  const result: ExplainResult = {
    image: path.resolve(request.image),
    imageSize: { width: photo.width, height: photo.height },
    model: { ...model, input: { height, width, resize: classifier.spec.resize } },
    label: { index: label, name: name(label), fullName: classifier.labels[label], probability: probabilities[label] },
    top5: topK(probabilities, 5).map((i) => ({ index: i, name: name(i), probability: probabilities[i] })),
    method: request.config.method,
    signed: output.signed,
    metrics: scored.metrics,
    curves: scored.curves,
    prior,
    borex: output.borex && {
      samples: output.borex.samples,
      lengthScale: output.borex.lengthScale,
      modelCalls: output.borex.modelCalls,
      ...(output.borex.priorWeight !== undefined ? { priorWeight: output.borex.priorWeight, priorOffsets: output.borex.priorOffsets } : {}),
      ...(output.borex.check ? { check: output.borex.check } : {}),
    },
    groundTruth,
    timing: {
      total_ms: performance.now() - started,
      model_ms: classifier.busyMs - busyBefore,
      gp_ms: output.borex?.gpMs ?? 0,
      model_calls: classifier.calls - callsBefore,
      metrics_ms: metricsMs,
    },
    config: { ...request.config, baseline: request.baseline, resizeFilter: filter, metrics: request.metrics },
    versions: versions(),
  };
  return { result, map: output.map, priorMap: output.prior?.map, uncertainty: output.borex?.uncertainty, photo, geometry: input.geometry };
}

/** Boxes of the explained class in model-input pixels, or undefined when none apply. */
function groundTruthFor(gt: GroundTruth, classifier: Classifier, label: number, input: ModelInput): { source: string; class?: string; boxes: Box[] } | undefined {
  let photoBoxes: PhotoBox[];
  let source: string;
  let cls: string | undefined;
  if ('vocXml' in gt) {
    const annotation = readVocAnnotation(gt.vocXml);
    source = path.resolve(gt.vocXml);
    const mapFile = findLabelsFile('voc_imagenet_map.txt');
    const vocOf = mapFile && classifier.numClasses === 1000 ? readVocImagenetMap(mapFile) : undefined;
    cls = vocOf?.get(label) ?? shortLabel(classifier.labels[label]);
    photoBoxes = annotation.objects.filter((o) => o.name === cls).map((o) => o.box);
  } else {
    photoBoxes = gt.boxes;
    source = gt.source ?? 'boxes';
  }
  const boxes = boxesOnInput(photoBoxes, input);
  if (boxes.length === 0) return undefined;
  return { source, class: cls, boxes };
}

/** Reads boxes given as JSON ([[x0,y0,x1,y1], ...] in photo pixels). */
export function readBoxesJson(file: string): PhotoBox[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readWholeText(file, 'box list'));
  } catch (err) {
    if (err instanceof BorexError) throw err;
    throw badInput(file, `not readable JSON boxes (${err instanceof Error ? err.message : err})`);
  }
  if (!Array.isArray(parsed) || !parsed.every((b) => Array.isArray(b) && b.length === 4 && b.every((v) => Number.isFinite(v)))) {
    throw badInput(file, 'boxes must be a JSON array of [x0, y0, x1, y1] in photo pixels');
  }
  // The rule of manifests' boxes (jobs/batch-input.ts): an inverted or empty (zero-area) box is
  // refused, not scored (it would cover no pixel and silently drop out of F and the pointing game).
  const bad = (parsed as PhotoBox[]).findIndex((b) => !(b[2] > b[0] && b[3] > b[1]));
  if (bad >= 0) throw badInput(file, `box ${bad + 1} [${(parsed as PhotoBox[])[bad].join(', ')}]: a box must be [x0, y0, x1, y1] with x1 > x0 and y1 > y0 (photo pixels; an empty or inverted box is refused)`);
  return parsed as PhotoBox[];
}
