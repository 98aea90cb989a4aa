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
 * Shapes are data here (the input's dims), so a clip medium adds its own prepareInput and keeps
 * the rest.
 */
import type { CurveMetrics, Curves } from '../../shared/api.ts';
import { BorexError } from '../errors.ts';
import { makeBaseline, type BaselineKind } from '../image/baseline.ts';
import { decodeImage, type RgbImage } from '../image/decode.ts';
import { boxToInput, preprocess, type ModelInput, type ResizeFilter } from '../image/preprocess.ts';
import { insertionDeletion, type InsertionDeletionOptions } from '../metrics/insertion-deletion.ts';
import { boxesToMask, localisationScores, type Box } from '../metrics/localisation.ts';
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

/** Insertion/deletion (when enabled) and, given boxes, recall/precision/F and the pointing game. */
export async function scoreMap(target: ExplainTarget, map: Float32Array, metricOptions: MetricOptions, boxes: Box[] | undefined, control: JobControl): Promise<{ metrics?: CurveMetrics; curves?: Curves }> {
  let metrics: CurveMetrics | undefined;
  let curves: Curves | undefined;
  if (metricOptions.enabled) {
    const { insertion, deletion } = await insertionDeletion(target, map, metricOptions, control);
    metrics = { insertion: insertion.auc, deletion: deletion.auc };
    curves = { insertion: insertion.curve, deletion: deletion.curve };
  }
  if (boxes) {
    const { height, width } = imageDims(target.dims);
    const s = localisationScores(map, boxesToMask(boxes, height, width), width);
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

function assertFinite(map: Float32Array): void {
  for (let i = 0; i < map.length; i++) if (!Number.isFinite(map[i])) throw new BorexError('runtime', 'the saliency map contains NaN or Inf');
}
