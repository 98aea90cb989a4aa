import type { FactoredMasks } from '../masks/factored.ts';

// What RISE needs from a model, as types only: Classifier and the scorers both name them, so they
// live apart from either (no import circle).

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
