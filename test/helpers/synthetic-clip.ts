/**
 * Synthetic clip classifiers whose right answer is known exactly, for every video method's tests:
 * - TubeClassifier (JS): class 0's confidence is the mean of channel 0 over a known tube of voxels
 *   (frames × rows × cols); with x = 1 and baseline 0 it is the visible fraction of the tube.
 * - weightedClipModel (ONNX bytes): logit_0 = mean(x ⊙ W) over C,T,H,W, logit_1 = 0, in any clip
 *   layout, for testing the classifier's transposes against a sum computed here.
 */
import type { Classifier } from '../../src/engine/model/classifier.ts';
import type { ClipLayout, ModelSpec } from '../../src/engine/model/spec.ts';
import type { ExplainTarget } from '../../src/engine/methods/target.ts';
import { encodeValueInfo } from '../../src/engine/model/graph/add-outputs.ts';
import { DataType, NodeProtoType, TensorProtoType } from '../../src/engine/model/graph/onnx.ts';
import { concat, GraphField, lengthDelimited } from '../../src/engine/model/graph/protobuf-splice.ts';
import { PLAIN_SPEC } from './synthetic.ts';

/** [t0, t1) × [row0, row1) × [col0, col1): the only voxels the synthetic clip model looks at. */
export interface Tube {
  frames: [number, number];
  rows: [number, number];
  cols: [number, number];
}

/** The image models' plain spec (synthetic.ts) with a clip layout and T frames. */
export const CLIP_SPEC = (frames: number, height: number, width: number, layout: ClipLayout = 'NCTHW'): ModelSpec => ({ ...PLAIN_SPEC(height, width), layout, frames });

export class TubeClassifier implements Classifier {
  readonly name = 'tube';
  readonly labels = ['tube', 'other'];
  readonly numClasses = 2;
  calls = 0;
  busyMs = 0;
  /** Sizes of the model calls made, in order (to check batching). */
  readonly callSizes: number[] = [];
  readonly spec: ModelSpec;

  constructor(
    readonly frames: number,
    readonly height: number,
    readonly width: number,
    readonly tube: Tube,
    readonly batchSize = 16,
  ) {
    this.spec = CLIP_SPEC(frames, height, width);
  }

  async classify(clips: Float32Array, count: number): Promise<Float32Array> {
    const { frames: [t0, t1], rows: [r0, r1], cols: [c0, c1] } = this.tube;
    const plane = this.height * this.width;
    const per = 3 * this.frames * plane;
    const out = new Float32Array(count * 2);
    const size = (t1 - t0) * (r1 - r0) * (c1 - c0);
    for (let b = 0; b < count; b++) {
      let sum = 0;
      for (let t = t0; t < t1; t++) for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += clips[b * per + t * plane + r * this.width + c];
      const p = Math.min(Math.max(sum / size, 0), 1);
      out[b * 2] = p;
      out[b * 2 + 1] = 1 - p;
    }
    this.calls += count;
    this.callSizes.push(count);
    return out;
  }

  /** Is voxel `index` of a [T,H,W] map inside the tube. */
  inTube(index: number): boolean {
    const plane = this.height * this.width;
    const t = Math.floor(index / plane);
    const r = Math.floor((index % plane) / this.width);
    const c = index % this.width;
    const { frames, rows, cols } = this.tube;
    return t >= frames[0] && t < frames[1] && r >= rows[0] && r < rows[1] && c >= cols[0] && c < cols[1];
  }

  get tubeVoxels(): number {
    const { frames, rows, cols } = this.tube;
    return (frames[1] - frames[0]) * (rows[1] - rows[0]) * (cols[1] - cols[0]);
  }
}

/** A white clip (x = 1), baseline 0, explaining class 0. */
export function whiteClipTarget(classifier: TubeClassifier): ExplainTarget {
  const n = 3 * classifier.frames * classifier.height * classifier.width;
  return { classifier, dims: [3, classifier.frames, classifier.height, classifier.width], x: new Float32Array(n).fill(1), baseline: new Float32Array(n), label: 0 };
}

/** The shape of one clip in `layout`, without N. */
export function clipShape(layout: ClipLayout, t: number, h: number, w: number): number[] {
  return layout === 'NCTHW' ? [3, t, h, w] : layout === 'NTCHW' ? [t, 3, h, w] : [t, h, w, 3];
}

/**
 * ONNX bytes of a clip model taking [N, ...clipShape(layout)] (N dynamic, or fixed by `batch`):
 * logits [N, 2] = [mean(x ⊙ W), 0], W given channels first [C,T,H,W] and stored in `layout`.
 */
export function weightedClipModel(layout: ClipLayout, t: number, h: number, w: number, weightsCthw: Float32Array, batch: number | 'N' = 'N'): Uint8Array {
  const shape = clipShape(layout, t, h, w);
  const stored = new Float32Array(weightsCthw.length);
  const plane = h * w;
  for (let c = 0; c < 3; c++)
    for (let f = 0; f < t; f++)
      for (let i = 0; i < plane; i++) {
        const src = (c * t + f) * plane + i;
        const dst = layout === 'NCTHW' ? src : layout === 'NTCHW' ? (f * 3 + c) * plane + i : (f * plane + i) * 3 + c;
        stored[dst] = weightsCthw[src];
      }
  const tensor = (name: string, dims: number[], values: Float32Array | number[], type: number = DataType.FLOAT) =>
    lengthDelimited(GraphField.initializer, TensorProtoType.encode(TensorProtoType.fromObject(type === DataType.FLOAT ? { name, dims, data_type: type, float_data: Array.from(values) } : { name, dims, data_type: type, int64_data: Array.from(values) })).finish());
  const node = (op: string, inputs: string[], outputs: string[], attribute: object[] = []) =>
    lengthDelimited(GraphField.node, NodeProtoType.encode({ op_type: op, name: outputs[0], input: inputs, output: outputs, attribute }).finish());
  const graph = concat([
    node('Mul', ['clip', 'W'], ['weighted']),
    node('ReduceMean', ['weighted'], ['mean'], [{ name: 'axes', type: 7, ints: [1, 2, 3, 4] }, { name: 'keepdims', type: 2, i: 0 }]),
    node('Reshape', ['mean', 'column'], ['mean2']),
    node('Mul', ['mean2', 'spread'], ['logits']),
    lengthDelimited(2, new TextEncoder().encode('weighted_clip')),
    tensor('W', [1, ...shape], stored),
    tensor('column', [2], [-1, 1], DataType.INT64),
    tensor('spread', [1, 2], [1, 0]),
    lengthDelimited(GraphField.input, encodeValueInfo('clip', { name: 'clip', elemType: DataType.FLOAT, shape: [batch, ...shape] })),
    lengthDelimited(GraphField.output, encodeValueInfo('logits', { name: 'logits', elemType: DataType.FLOAT, shape: [batch, 2] })),
  ]);
  return concat([Uint8Array.of(0x08, 0x07), lengthDelimited(7, graph), lengthDelimited(8, Uint8Array.of(0x10, 13))]);
}
