/**
 * The item pipeline (docs/architecture.md, "The item pipeline"): what `explain` and every item of
 * a `batch` do, written once —
 *
 *   prepareInput   decode → preprocess → classify (once per photo, whatever its items)
 *   itemTarget     the input, a class and the occlusion baseline, as every method sees them
 *   computeItemMap one method's map through the registry (a refinement may be handed its prior),
 *                  checked finite
 *   scoreMap       insertion/deletion and, given boxes, recall/precision/F and the pointing game
 *
 * Shapes are data here (the input's dims), so a clip medium adds its own prepareInput
 * (pipeline/clip-input.ts: prepareClipInput) and keeps the rest: a clip's ground truth is a tube
 * (boxes per sampled frame) where a photo's is a list of boxes.
 */
import type { CurveMetrics, Curves } from '../../shared/api.ts';
import { BorexError } from '../errors.ts';
import { makeBaseline, type BaselineKind } from '../image/baseline.ts';
import { decodeImage, type RgbImage } from '../image/decode.ts';
import { boxToInput, preprocess, type ModelInput, type ResizeFilter } from '../image/preprocess.ts';
import { insertionDeletion, type InsertionDeletionOptions } from '../metrics/insertion-deletion.ts';
import { boxesToMask, localisationScores, tubeToMask, type Box, type Tube } from '../metrics/localisation.ts';
import type { PhotoBox } from '../metrics/voc.ts';
import type { MethodConfig } from '../methods/config.ts';
import { computeMap, type MethodContext, type MethodOutput } from '../methods/registry.ts';
import type { ExplainTarget } from '../methods/target.ts';
import type { Classifier } from '../model/classifier.ts';
import type { JobControl } from '../progress.ts';
import { imageDims } from '../tensor/dims.ts';

export type MetricOptions = InsertionDeletionOptions & { enabled: boolean };

/** One photo, ready for its items: the model's input and its class probabilities. */
export interface PreparedInput {
  photo: RgbImage;
  input: ModelInput;
  probabilities: Float32Array;
}

/** Decodes `file` (named `name` in messages), preprocesses it for the model and classifies it once. */
export async function prepareInput(classifier: Classifier, file: string, name: string, resizeFilter: ResizeFilter): Promise<PreparedInput> {
  const photo = await decodeImage(file, name);
  const input = await preprocess(photo, classifier.spec, resizeFilter);
  const probabilities = await classifier.classify(input.tensor, 1);
  for (let i = 0; i < probabilities.length; i++) if (!Number.isFinite(probabilities[i])) throw new BorexError('model', `the model returned NaN or Inf for ${name}`);
  return { photo, input, probabilities };
}

/** The target every method explains: the input, class `label`, and the baseline (made here once per call). */
export function itemTarget(classifier: Classifier, input: ModelInput, baseline: BaselineKind | Float32Array, label: number): ExplainTarget {
  return {
    classifier,
    dims: input.dims,
    x: input.tensor,
    baseline: typeof baseline === 'string' ? makeBaseline(baseline, input.tensor, input.dims, classifier.spec) : baseline,
    label,
    geometry: input.geometry,
  };
}

/** One method's map (and, for refinements, its prior's) through the registry, refused if not finite. */
export async function computeItemMap(target: ExplainTarget, config: MethodConfig, control: JobControl, context: MethodContext = {}): Promise<MethodOutput> {
  const output = await computeMap(target, config, control, context);
  assertFinite(output.map);
  return output;
}

/**
 * Insertion/deletion (when enabled) and, given ground truth, recall/precision/F and the pointing
 * game: boxes for an image [C,H,W], a tube (boxes per frame) for a clip [C,T,H,W].
 */
export async function scoreMap(target: ExplainTarget, map: Float32Array, metricOptions: MetricOptions, boxes: Box[] | Tube | undefined, control: JobControl): Promise<{ metrics?: CurveMetrics; curves?: Curves }> {
  let metrics: CurveMetrics | undefined;
  let curves: Curves | undefined;
  if (metricOptions.enabled) {
    const { insertion, deletion } = await insertionDeletion(target, map, metricOptions, control);
    metrics = { insertion: insertion.auc, deletion: deletion.auc };
    curves = { insertion: insertion.curve, deletion: deletion.curve };
  }
  if (boxes) {
    const s = localisationScores(map, groundTruthMask(target.dims, boxes), target.dims[target.dims.length - 1], undefined, target.dims[target.dims.length - 2]);
    metrics = { ...metrics, fRp: s.fRp, f1: s.f1, pointingGame: s.pointingGame, pointingGameTolerant: s.pointingGameTolerant };
  }
  return { metrics, curves };
}

/** Photo boxes on the model's input grid; boxes cut off entirely by the crop are dropped. */
export function boxesOnInput(photoBoxes: readonly PhotoBox[], input: ModelInput): Box[] {
  return photoBoxes.map((b) => boxToInput(b, input.geometry)).filter((b): b is Box => b !== null);
}

/** Input pixels inside any of the boxes. */
export function boxPixels(boxes: readonly Box[], input: ModelInput): number {
  const { height, width } = imageDims(input.dims);
  return boxesToMask(boxes, height, width).reduce((a, b) => a + b, 0);
}

/** The ground truth as a mask over the map: boxes on an image, a tube of T frames' boxes on a clip. */
function groundTruthMask(dims: readonly number[], boxes: Box[] | Tube): Uint8Array {
  if (dims.length === 4) {
    const [, frames, height, width] = dims;
    if (boxes.length !== frames || !boxes.every((b) => Array.isArray(b[0]) || (b as readonly unknown[]).length === 0)) throw new Error(`a clip of ${frames} frames needs a tube of ${frames} lists of boxes`);
    return tubeToMask(boxes as Tube, height, width);
  }
  const { height, width } = imageDims(dims);
  return boxesToMask(boxes as Box[], height, width);
}

function assertFinite(map: Float32Array): void {
  for (let i = 0; i < map.length; i++) if (!Number.isFinite(map[i])) throw new BorexError('runtime', 'the saliency map contains NaN or Inf');
}
