import { applyMask, maskDifference } from '../masks/soft.ts';
import type { Classifier } from './classifier.ts';
import { expandMask, expandScratchSize, maskSize, type FactoredMasks } from '../masks/factored.ts';
import type { MaskedImage, MaskedScorer, MaskedScores } from './masked-scoring.ts';

/**
 * The generic scorer for any Classifier: expands each mask, writes b + m ⊙ (x − b) for the three
 * channels and classifies the batch. ONNX image models use a faster scorer that does this inside
 * onnxruntime (OnnxClassifier.maskedScorer); this one serves synthetic models, the fallback, and
 * clips (masks [T,H,W] over the input [3,T,H,W]).
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
    const plane = maskSize(m);
    const n = m.count;
    if (this.masks.length < n * plane) {
      this.masks = new Float32Array(n * plane);
      this.images = new Float32Array(n * 3 * plane);
    }
    if (this.scratch.length < expandScratchSize(m)) this.scratch = new Float32Array(expandScratchSize(m));
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
