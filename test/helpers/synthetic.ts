import type { Classifier } from '../../src/engine/model/classifier.ts';
import type { ModelSpec } from '../../src/engine/model/spec.ts';
import type { ExplainTarget } from '../../src/engine/methods/target.ts';

/** [row0, col0, row1, col1): the only pixels the synthetic model looks at. */
export type Region = [number, number, number, number];

export const PLAIN_SPEC = (height: number, width: number): ModelSpec => ({
  layout: 'NCHW',
  height,
  width,
  resize: 'stretch',
  cropFraction: 1,
  channelOrder: 'RGB',
  mean: [0, 0, 0],
  std: [1, 1, 1],
  output: 'probabilities',
});

/**
 * A two-class model whose confidence for class 0 is exactly the mean of channel 0 over a known
 * region (clipped to [0, 1]); class 1 gets the rest. With x = 1 and baseline 0 the confidence is
 * the visible fraction of the region: the right explanation is known exactly.
 */
export class RegionClassifier implements Classifier {
  readonly name = 'region';
  readonly labels = ['region', 'other'];
  readonly numClasses = 2;
  calls = 0;
  busyMs = 0;
  readonly spec: ModelSpec;

  constructor(
    readonly height: number,
    readonly width: number,
    readonly region: Region,
    readonly batchSize = 16,
  ) {
    this.spec = PLAIN_SPEC(height, width);
  }

  async classify(images: Float32Array, count: number): Promise<Float32Array> {
    const [r0, c0, r1, c1] = this.region;
    const plane = this.height * this.width;
    const out = new Float32Array(count * 2);
    for (let b = 0; b < count; b++) {
      let sum = 0;
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) sum += images[b * 3 * plane + r * this.width + c];
      const p = Math.min(Math.max(sum / ((r1 - r0) * (c1 - c0)), 0), 1);
      out[b * 2] = p;
      out[b * 2 + 1] = 1 - p;
    }
    this.calls += count;
    return out;
  }

  inRegion(index: number): boolean {
    const r = Math.floor(index / this.width);
    const c = index % this.width;
    return r >= this.region[0] && r < this.region[2] && c >= this.region[1] && c < this.region[3];
  }
}

/** A white image (x = 1), baseline 0, explaining class 0 of `classifier`. */
export function whiteTarget(classifier: RegionClassifier): ExplainTarget {
  const plane = classifier.height * classifier.width;
  return {
    classifier,
    dims: [3, classifier.height, classifier.width],
    x: new Float32Array(3 * plane).fill(1),
    baseline: new Float32Array(3 * plane),
    label: 0,
  };
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
