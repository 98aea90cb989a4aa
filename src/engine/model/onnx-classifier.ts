import os from 'node:os';
import path from 'node:path';
import '../no-telemetry.ts'; // before onnxruntime: no telemetry
import * as ort from 'onnxruntime-node';
import { modelError } from '../errors.ts';
import { CamHeadRefusal, createCamSession, SAME_ON_EVERY_CPU, type CamSession } from './graph/index.ts';
import { softmaxRows, type Classifier } from './classifier.ts';
import { ExpandingMaskedScorer } from './masked-scorer.ts';
import type { MaskedImage, MaskedScorer } from './masked-scoring.ts';
import { toClipLayout, toNhwc } from './nhwc.ts';
import { OnnxMaskedScorer, openMaskedSession } from './onnx-masked-scorer.ts';
import { batchDims, CLIP_LAYOUTS, inputDims, isClipLayout, isClipSpec, type ModelSpec } from './spec.ts';
import { elementCount } from '../tensor/dims.ts';

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';

export interface OnnxClassifierOptions {
  threads?: number;
  executionProvider?: ExecutionProvider;
  /** Inputs per model call; default 32 (clips: fewer when large, see defaultBatchSize), or the model's fixed batch. */
  batchSize?: number;
  /** Class names for a model that came without labels, by its number of classes (e.g. Kinetics-400 for 400). */
  labelsForClasses?: (classes: number) => string[] | undefined;
  /** Non-fatal notices, e.g. an execution provider fell back to CPU. */
  onWarning?: (message: string) => void;
}

interface TensorShapeInfo {
  name: string;
  shape: ReadonlyArray<number | string>;
  type: string;
}

/** An ONNX image classifier run with onnxruntime-node; inputs are planar CHW batches. */
export class OnnxClassifier implements Classifier {
  calls = 0;
  /** Wall time spent inside onnxruntime, for the timing split in results. */
  busyMs = 0;
  private outputKind: 'logits' | 'probabilities' | undefined;
  private readonly inputName: string;
  private readonly outputName: string;
  /** The batch in the model's layout when it is not the engine's planar one (NHWC, NTCHW, NTHWC). */
  private readonly layoutScratch: Float32Array | undefined;
  private camSessionPromise: Promise<CamSession> | undefined;
  /** The masked-input sessions for RISE, by zero baseline or not; undefined when the model cannot be wrapped. */
  private readonly maskedSessions = new Map<boolean, Promise<ort.InferenceSession | undefined>>();

  private constructor(
    readonly name: string,
    readonly file: string,
    private readonly session: ort.InferenceSession,
    readonly spec: ModelSpec,
    readonly labels: readonly string[],
    readonly numClasses: number,
    readonly batchSize: number,
    private readonly fixedBatch: number | undefined,
    /** The options `session` was opened with (provider after any fallback), for the extra sessions. */
    private readonly sessionOptions: ort.InferenceSession.SessionOptions,
    private readonly onWarning: ((message: string) => void) | undefined,
  ) {
    this.inputName = spec.inputName ?? session.inputNames[0];
    this.outputName = spec.outputName ?? session.outputNames[0];
    this.outputKind = spec.output === 'auto' ? undefined : spec.output;
    if (spec.layout !== 'NCHW' && spec.layout !== 'NCTHW') this.layoutScratch = new Float32Array(batchSize * elementCount(inputDims(spec)));
  }

  static async load(file: string, spec: ModelSpec, labels: readonly string[] | undefined, options: OnnxClassifierOptions = {}): Promise<OnnxClassifier> {
    const { session, sessionOptions } = await createSession(file, options);
    const input = pickTensor(session.inputMetadata as unknown as TensorShapeInfo[], spec.inputName, file, 'input');
    const output = pickTensor(session.outputMetadata as unknown as TensorShapeInfo[], spec.outputName, file, 'output');
    const checked = checkInput(input, spec, file);
    const numClasses = checkOutput(output, file);
    const fixedBatch = typeof input.shape[0] === 'number' && input.shape[0] > 0 ? input.shape[0] : undefined;
    const batchSize = fixedBatch ?? options.batchSize ?? defaultBatchSize(checked);
    if (labels && numClasses !== undefined && labels.length !== numClasses) {
      options.onWarning?.(`${file}: labels list has ${labels.length} names but the model outputs ${numClasses} classes; using index names`);
      labels = undefined;
    }
    if (!labels && numClasses !== undefined) labels = options.labelsForClasses?.(numClasses);
    const classes = numClasses ?? labels?.length;
    if (classes === undefined) throw modelError(file, 'cannot tell the number of classes: the output shape is dynamic and no labels were given');
    const names = labels ?? Array.from({ length: classes }, (_, i) => `class ${i}`);
    return new OnnxClassifier(path.basename(file, '.onnx'), file, session, { ...checked, inputName: input.name, outputName: output.name }, names, classes, batchSize, fixedBatch, sessionOptions, options.onWarning);
  }

  async classify(images: Float32Array, count: number): Promise<Float32Array> {
    const { height: h, width: w, layout } = this.spec;
    const dimsOne = inputDims(this.spec);
    const per = elementCount(dimsOne);
    const result = new Float32Array(count * this.numClasses);
    for (let start = 0; start < count; start += this.batchSize) {
      const n = Math.min(this.batchSize, count - start);
      const feedN = this.fixedBatch ?? n;
      let batch = images.subarray(start * per, (start + n) * per);
      if (feedN !== n) {
        const padded = new Float32Array(feedN * per);
        padded.set(batch);
        batch = padded;
      }
      const data = layout === 'NHWC' ? toNhwc(batch, feedN, h, w, this.layoutScratch) : isClipLayout(layout) ? toClipLayout(batch, feedN, layout, dimsOne[1], h, w, this.layoutScratch) : batch;
      const dims = batchDims(this.spec, feedN);
      const out = (await this.run(this.session, { [this.inputName]: new ort.Tensor('float32', data, dims) }, [this.outputName]))[this.outputName];
      const values = out.data as Float32Array;
      if (values.length < n * this.numClasses) throw modelError(this.file, `output has ${values.length} values, expected ${feedN}×${this.numClasses}`);
      const rows = values.subarray(0, n * this.numClasses);
      this.checkFinite(rows);
      this.outputKind ??= looksLikeProbabilities(rows, n, this.numClasses) ? 'probabilities' : 'logits';
      result.set(this.outputKind === 'logits' ? softmaxRows(rows, n, this.numClasses) : rows, start * this.numClasses);
      this.calls += n;
    }
    return result;
  }

  /**
   * RISE's scorer: a second session on an in-memory copy of the model that builds the masked
   * images from factored masks and sums the score-weighted masks itself (graph/masked-input.ts),
   * so the JavaScript work per mask is a few kilobytes. Falls back, with a warning, to the generic
   * scorer when the model cannot be wrapped.
   */
  async maskedScorer(image: MaskedImage): Promise<MaskedScorer> {
    if (this.outputKind === undefined) await this.classify(image.x, 1); // decides logits vs probabilities
    const zeroBaseline = image.baseline.every((v) => v === 0);
    if (!this.maskedSessions.has(zeroBaseline)) {
      const { layout, frames, height, width } = this.spec;
      const graph = { inputName: this.inputName, outputName: this.outputName, layout, frames, height, width, numClasses: this.numClasses, softmax: this.outputKind === 'logits', zeroBaseline };
      this.maskedSessions.set(zeroBaseline, openMaskedSession(this.file, graph, this.sessionOptions, this.onWarning));
    }
    const session = await this.maskedSessions.get(zeroBaseline);
    if (!session) return new ExpandingMaskedScorer(this, image);
    return new OnnxMaskedScorer(this, session, image, zeroBaseline);
  }

  /** One timed onnxruntime call; failures name the model file. */
  async run(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, fetches: string[]): Promise<ort.InferenceSession.ReturnType> {
    const started = performance.now();
    try {
      const out = await session.run(feeds, fetches);
      this.busyMs += performance.now() - started;
      return out;
    } catch (err) {
      throw modelError(this.file, `inference failed: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }

  checkFinite(values: Float32Array): void {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw modelError(this.file, 'the model produced NaN or Inf outputs for this input');
    }
  }

  /** The fixed batch dimension of the model's input, if it has one. */
  get fixedBatchSize(): number | undefined {
    return this.fixedBatch;
  }

  /** The output kind in use ('auto' is decided on the first call). */
  get detectedOutputKind(): 'logits' | 'probabilities' | undefined {
    return this.outputKind;
  }

  /**
   * A second session on an in-memory copy of the model that also outputs the feature map and
   * logits of its GAP + linear head (for Grad-CAM); refused with a message for other heads.
   */
  camSession(): Promise<CamSession> {
    this.camSessionPromise ??= (async () => {
      if (this.spec.layout !== 'NCHW' && this.spec.layout !== 'NCTHW') throw modelError(this.file, 'white-box priors support NCHW (and NCTHW clip) models only');
      try {
        return await createCamSession(this.file, { intraOpNumThreads: this.sessionOptions.intraOpNumThreads, interOpNumThreads: 1 }, { inputName: this.inputName });
      } catch (err) {
        if (err instanceof CamHeadRefusal) throw modelError(this.file, err.message, err);
        throw modelError(this.file, `cannot open the white-box session (${err instanceof Error ? err.message : String(err)})`, err);
      }
    })();
    return this.camSessionPromise;
  }

  async dispose(): Promise<void> {
    await this.session.release();
    if (this.camSessionPromise) await (await this.camSessionPromise.catch(() => undefined))?.release();
    for (const session of this.maskedSessions.values()) await (await session)?.release();
  }
}

async function createSession(file: string, options: OnnxClassifierOptions): Promise<{ session: ort.InferenceSession; sessionOptions: ort.InferenceSession.SessionOptions }> {
  const threads = options.threads ?? os.availableParallelism();
  const ep = options.executionProvider ?? 'cpu';
  const base: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', extra: SAME_ON_EVERY_CPU };
  if (ep !== 'cpu') {
    const sessionOptions = { ...base, executionProviders: [ep, 'cpu'] };
    try {
      return { session: await ort.InferenceSession.create(file, sessionOptions), sessionOptions };
    } catch (err) {
      options.onWarning?.(`execution provider ${ep} is not available here (${err instanceof Error ? err.message.split('\n')[0] : err}); using cpu`);
    }
  }
  const sessionOptions = { ...base, executionProviders: ['cpu'] };
  try {
    return { session: await ort.InferenceSession.create(file, sessionOptions), sessionOptions };
  } catch (err) {
    throw modelError(file, `not a loadable ONNX model (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, err);
  }
}

function pickTensor(list: TensorShapeInfo[], wanted: string | undefined, file: string, what: string): TensorShapeInfo {
  const found = wanted ? list.find((t) => t.name === wanted) : list[0];
  if (!found) throw modelError(file, wanted ? `has no ${what} named "${wanted}" (it has: ${list.map((t) => t.name).join(', ')})` : `has no ${what}`);
  return found;
}

function checkInput(input: TensorShapeInfo, spec: ModelSpec, file: string): ModelSpec {
  const notImage = (why: string) => modelError(file, `is not an image classifier: input "${input.name}" ${why}`);
  if (input.type !== 'float32') throw notImage(`has type ${input.type}; float32 is needed`);
  const rank = input.shape?.length;
  if (rank === 5) return checkClipInput(input, spec, file);
  if (isClipSpec(spec)) throw modelError(file, `its spec says a ${spec.layout} clip model, but input "${input.name}" has shape [${input.shape?.join(', ')}]; a clip model has a 5-D input`);
  if (!input.shape || rank !== 4) throw notImage(`has shape [${input.shape?.join(', ')}]; a 4-D image batch (or a 5-D clip batch) is needed`);
  const dims = input.shape.map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
  let layout = spec.layout;
  // A fixed channel dimension of 3 tells the layout even when the spec did not.
  if (dims[1] !== 3 && dims[3] === 3) layout = 'NHWC';
  if (dims[1] === 3 && dims[3] !== 3) layout = 'NCHW';
  const [hDim, wDim, cDim] = layout === 'NCHW' ? [dims[2], dims[3], dims[1]] : [dims[1], dims[2], dims[3]];
  if (cDim !== undefined && cDim !== 3) throw notImage(`has ${cDim} channels; 3 (RGB) are needed`);
  const height = hDim ?? spec.height;
  const width = wDim ?? spec.width;
  if (!(height > 0 && width > 0)) throw modelError(file, 'input size cannot be inferred; give it in the model spec (height/width)');
  return { ...spec, layout, height, width };
}

/** Where each axis sits in a clip layout's 5-D input: [channels, time, height, width]. */
const CLIP_AXES: Record<(typeof CLIP_LAYOUTS)[number], [number, number, number, number]> = {
  NCTHW: [1, 2, 3, 4],
  NTCHW: [2, 1, 3, 4],
  NTHWC: [4, 1, 2, 3],
};

/**
 * A 5-D input: its layout from a fixed channel dimension of 3 (dim 1 → NCTHW, dim 2 → NTCHW,
 * last → NTHWC), else from the spec; T, H and W from fixed dims, else from the spec.
 */
function checkClipInput(input: TensorShapeInfo, spec: ModelSpec, file: string): ModelSpec {
  const shape = input.shape;
  if (!isClipSpec(spec) && spec.layout !== 'NCHW') throw modelError(file, `its spec says a ${spec.layout} image model, but input "${input.name}" has the 5-D shape [${shape.join(', ')}] of a clip model`);
  const dims = shape.map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
  const threes = CLIP_LAYOUTS.filter((l) => dims[CLIP_AXES[l][0]] === 3);
  let layout: (typeof CLIP_LAYOUTS)[number];
  if (threes.length === 1) layout = threes[0];
  else if (isClipSpec(spec) && (threes.length === 0 || threes.includes(spec.layout as (typeof CLIP_LAYOUTS)[number]))) layout = spec.layout as (typeof CLIP_LAYOUTS)[number];
  else throw modelError(file, `cannot infer the layout of ${path.basename(file)}'s 5-D input [${shape.join(', ')}]; give --layout (${CLIP_LAYOUTS.join(', ')})`);
  const [cAxis, tAxis, hAxis, wAxis] = CLIP_AXES[layout];
  if (dims[cAxis] !== undefined && dims[cAxis] !== 3) throw modelError(file, `input "${input.name}" has ${dims[cAxis]} channels; 3 (RGB) are needed`);
  const frames = dims[tAxis] ?? spec.frames;
  const height = dims[hAxis] ?? spec.height;
  const width = dims[wAxis] ?? spec.width;
  if (!(Number.isInteger(frames) && (frames as number) > 0)) throw modelError(file, 'the clip length T cannot be inferred; give frames in the model spec');
  if (!(height > 0 && width > 0)) throw modelError(file, 'input size cannot be inferred; give it in the model spec (height/width)');
  return { ...spec, layout, frames, height, width };
}

function checkOutput(output: TensorShapeInfo, file: string): number | undefined {
  if (output.type !== 'float32') throw modelError(file, `is not an image classifier: output "${output.name}" has type ${output.type}`);
  const shape = output.shape ?? [];
  const trailing = shape.slice(1).filter((d) => d !== 1);
  if (shape.length < 2 || trailing.length > 1) {
    throw modelError(file, `is not an image classifier: output "${output.name}" has shape [${shape.join(', ')}]; [N, classes] is needed`);
  }
  const classes = trailing[0] ?? 1;
  return typeof classes === 'number' && classes > 0 ? classes : undefined;
}

function looksLikeProbabilities(rows: Float32Array, n: number, classes: number): boolean {
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const v = rows[r * classes + c];
      if (v < 0 || v > 1) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}

/**
 * 32 images a call; a clip model gets as many clips as hold the values of 32 inputs of 3×256×256
 * (motion-v1's 16×64×64 clips: 32; MobileNetV2 wrapped at T = 16: 2), because a clip batch is T
 * frames per clip and 32 clips of 16 frames at 224² took 13 GB in onnxruntime.
 */
export function defaultBatchSize(spec: ModelSpec): number {
  if (!isClipSpec(spec)) return 32;
  return Math.max(1, Math.min(32, Math.floor((32 * 3 * 256 * 256) / elementCount(inputDims(spec)))));
}
