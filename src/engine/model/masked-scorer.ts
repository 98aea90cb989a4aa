import { applyMask, maskDifference } from '../image/baseline.ts';
import type { Classifier } from './classifier.ts';

/**
 * A batch of soft masks in factored form: mask_b = rows_b · grid_b · cols_b, an H×s, s×s and
 * s×W matrix each (row-major, packed one mask after another). Bilinear upsampling of a grid, with
 * any shift, is exactly such a product, and in this form a mask is ~2 % of its pixels' size: cheap
 * to hand to onnxruntime, which then builds the masked images itself (graph/masked-input.ts).
 */
export interface FactoredMasks {
  count: number;
  height: number;
  width: number;
  gridSize: number;
  rows: Float32Array;
  grid: Float32Array;
  cols: Float32Array;
}

export function allocateFactoredMasks(capacity: number, height: number, width: number, gridSize: number): FactoredMasks {
  return {
    count: 0,
    height,
    width,
    gridSize,
    rows: new Float32Array(capacity * height * gridSize),
    grid: new Float32Array(capacity * gridSize * gridSize),
    cols: new Float32Array(capacity * gridSize * width),
  };
}

/** The image a scorer occludes: x and the baseline b (planar CHW, normalised), and the class. */
export interface MaskedImage {
  x: Float32Array;
  baseline: Float32Array;
  label: number;
}

export interface MaskedScores {
  /** M(b + m_b ⊙ (x − b), label) for each mask. */
  scores: Float32Array;
  /** Σ_b scores_b · m_b, H·W. */
  weighted: Float32Array;
}

/** Scores masked copies of one image; what RISE needs from a model, one batch at a time. */
export interface MaskedScorer {
  score(masks: FactoredMasks): Promise<MaskedScores>;
}

/** Writes mask b of `masks`, H·W, into `out` at `offset`. Rows of `rows` have few non-zeros: skipped. */
export function expandMask(masks: FactoredMasks, b: number, out: Float32Array, offset = 0, scratch?: Float32Array): void {
  const { height: H, width: W, gridSize: s, rows, grid, cols } = masks;
  // t = grid_b · cols_b  (s×W)
  const t = scratch && scratch.length >= s * W ? scratch : new Float32Array(s * W);
  t.fill(0, 0, s * W);
  const g0 = b * s * s;
  const c0 = b * s * W;
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < s; j++) {
      const g = grid[g0 + i * s + j];
      if (g === 0) continue;
      for (let x = 0; x < W; x++) t[i * W + x] += g * cols[c0 + j * W + x];
    }
  }
  const r0 = b * H * s;
  for (let y = 0; y < H; y++) {
    const o = offset + y * W;
    out.fill(0, o, o + W);
    for (let i = 0; i < s; i++) {
      const r = rows[r0 + y * s + i];
      if (r === 0) continue;
      for (let x = 0; x < W; x++) out[o + x] += r * t[i * W + x];
    }
  }
}

/**
 * The generic scorer for any Classifier: expands each mask, writes b + m ⊙ (x − b) for the three
 * channels and classifies the batch. ONNX models use a faster scorer that does this inside
 * onnxruntime (OnnxClassifier.maskedScorer); this one serves synthetic models and the fallback.
 */
export class ExpandingMaskedScorer implements MaskedScorer {
  private readonly difference: Float32Array;
  private masks = new Float32Array(0);
  private images = new Float32Array(0);
  private scratch = new Float32Array(0);

  constructor(
    private readonly classifier: Classifier,
    private readonly image: MaskedImage,
  ) {
    this.difference = maskDifference(image.x, image.baseline);
  }

  async score(m: FactoredMasks): Promise<MaskedScores> {
    const plane = m.height * m.width;
    const n = m.count;
    if (this.masks.length < n * plane) {
      this.masks = new Float32Array(n * plane);
      this.images = new Float32Array(n * 3 * plane);
    }
    if (this.scratch.length < m.gridSize * m.width) this.scratch = new Float32Array(m.gridSize * m.width);
    for (let b = 0; b < n; b++) {
      expandMask(m, b, this.masks, b * plane, this.scratch);
      applyMask(this.image.baseline, this.difference, this.masks, b * plane, this.images, b * 3 * plane);
    }
    const probs = await this.classifier.classify(this.images.subarray(0, n * 3 * plane), n);
    const scores = new Float32Array(n);
    const weighted = new Float32Array(plane);
    for (let b = 0; b < n; b++) {
      const score = probs[b * this.classifier.numClasses + this.image.label];
      scores[b] = score;
      const o = b * plane;
      for (let i = 0; i < plane; i++) weighted[i] += score * this.masks[o + i];
    }
    return { scores, weighted };
  }
}

/** The classifier's own scorer when it has one, else the generic one. */
export async function maskedScorerFor(classifier: Classifier, image: MaskedImage): Promise<MaskedScorer> {
  return (await classifier.maskedScorer?.(image)) ?? new ExpandingMaskedScorer(classifier, image);
}
