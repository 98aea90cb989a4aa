/**
 * createCamSession: runs a classifier with its feature map A and its pre-softmax logits exposed as
 * extra outputs (an in-memory copy of the model; the user's file is never written).
 */
import { readFile } from 'node:fs/promises';
import '../../no-telemetry.ts'; // before onnxruntime: no telemetry
import * as ort from 'onnxruntime-node';
import { findCamHead, type CamHead, type FindCamHeadOptions, CamHeadRefusal } from './head.ts';
import { addOutputs } from './add-outputs.ts';
import { parseOnnxModel } from './onnx.ts';

export interface CamSessionRun {
  /** A for the whole batch: [N, K, h, w] or [N, K, t, h, w], row-major. */
  features: Float32Array;
  featureDims: number[];
  /** The linear layer's output (pre-softmax) [N, C]. */
  logits: Float32Array;
  logitsDims: number[];
  /** The model's own first output (logits or probabilities). */
  output: Float32Array;
  outputDims: number[];
}

export interface CamSession {
  readonly head: CamHead;
  readonly inputName: string;
  run(input: Float32Array, dims: readonly number[]): Promise<CamSessionRun>;
  release(): Promise<void>;
}

export interface CamSessionOptions extends FindCamHeadOptions {
  /** The input to feed; default the model's first input. */
  inputName?: string;
}

/**
 * onnxruntime's int8 kernels for x64 CPUs without VNNI (AVX2 only) add u8×s8 products in saturating
 * 16-bit lanes, so an int8 model's answer depends on the CPU it runs on: the bundled MobileNetV2
 * int8 calls eagle.jpg 'kite' (p 0.28) on an AVX2-only AMD EPYC and 'bald eagle' on a VNNI machine.
 * This session setting (onnxruntime PR 12088) widens those sums so every x64 CPU gives the answer of
 * the exact int8 arithmetic; float models are unaffected.
 */
export const SAME_ON_EVERY_CPU = { session: { x64quantprecision: '1' } };

/**
 * Finds the head (throws CamHeadRefusal when there is none), adds A and the logits as outputs,
 * and opens an onnxruntime session on the in-memory copy.  `ortOptions` are onnxruntime session
 * options (default: CPU, graph optimisation 'all').  A model path is read, never written; models
 * with external data files are not supported (the copy is loaded from memory).
 */
export async function createCamSession(
  model: string | Uint8Array,
  ortOptions: ort.InferenceSession.SessionOptions = {},
  options: CamSessionOptions = {},
): Promise<CamSession> {
  const bytes = typeof model === 'string' ? new Uint8Array(await readFile(model)) : model;
  const parsed = parseOnnxModel(bytes);
  const found = findCamHead(parsed, options);
  if (!found.ok) throw new CamHeadRefusal(found.found);
  const head = found.head;
  const extended = addOutputs(bytes, [head.featureTensor, head.logitsTensor], parsed);
  const session = await ort.InferenceSession.create(extended, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    extra: SAME_ON_EVERY_CPU,
    ...ortOptions,
  });
  const inputName = options.inputName ?? session.inputNames[0];
  if (!session.inputNames.includes(inputName)) throw new Error(`the model has no input '${inputName}' (inputs: ${session.inputNames.join(', ')})`);
  const outputName = head.outputTensor;

  return {
    head,
    inputName,
    async run(input, dims) {
      const feeds = { [inputName]: new ort.Tensor('float32', input, [...dims]) };
      const fetch = [...new Set([head.featureTensor, head.logitsTensor, outputName])];
      const res = await session.run(feeds, fetch);
      const get = (name: string): { data: Float32Array; dims: number[] } => {
        const t = res[name];
        if (!t) throw new Error(`onnxruntime returned no '${name}'`);
        if (t.type !== 'float32') throw new Error(`'${name}' is ${t.type}, not float32`);
        return { data: t.data as Float32Array, dims: t.dims.map(Number) };
      };
      const a = get(head.featureTensor);
      if (a.dims.length !== 4 && a.dims.length !== 5) throw new Error(`the feature map '${head.featureTensor}' has dims [${a.dims}], expected rank 4 or 5`);
      if (!head.rankKnown) {
        // no shape information in the graph fixed the rank: the first run does
        head.rank = a.dims.length as 4 | 5;
        head.rankKnown = true;
      } else if (a.dims.length !== head.rank) {
        throw new Error(`the feature map '${head.featureTensor}' has dims [${a.dims}], but the graph says rank ${head.rank}`);
      }
      if (a.dims[1] !== head.channels) throw new Error(`the feature map has ${a.dims[1]} channels but the linear layer takes ${head.channels}`);
      const l = get(head.logitsTensor);
      const o = get(outputName);
      return { features: a.data, featureDims: a.dims, logits: l.data, logitsDims: l.dims, output: o.data, outputDims: o.dims };
    },
    async release() {
      await session.release();
    },
  };
}
