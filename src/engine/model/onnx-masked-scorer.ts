import { readFile } from 'node:fs/promises';
import '../no-telemetry.ts'; // before onnxruntime: no telemetry
import * as ort from 'onnxruntime-node';
import { allocateClipFactoredMasks, allocateFactoredMasks, maskSize, type FactoredMasks } from '../masks/factored.ts';
import { maskDifference } from '../masks/soft.ts';
import { addMaskedInput, MASKED_INPUTS, MASKED_OUTPUTS, type MaskedInputOptions } from './graph/index.ts';
import type { MaskedImage, MaskedScorer, MaskedScores } from './masked-scoring.ts';
import { toClipLayout, toNhwc } from './nhwc.ts';
import { isClipLayout, type ModelSpec } from './spec.ts';

/** What the scorer needs of its OnnxClassifier (timed runs and call accounting). */
export interface MaskedScorerHost {
  readonly spec: ModelSpec;
  readonly numClasses: number;
  readonly batchSize: number;
  readonly fixedBatchSize: number | undefined;
  calls: number;
  run(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, fetches: string[]): Promise<ort.InferenceSession.ReturnType>;
  checkFinite(values: Float32Array): void;
}

/**
 * A session on an in-memory copy of the model that builds the masked images from factored masks
 * and sums the score-weighted masks itself (graph/masked-input.ts); undefined, with a warning,
 * when the model cannot be wrapped (the caller then uses the generic scorer).
 */
export async function openMaskedSession(
  file: string,
  options: MaskedInputOptions,
  sessionOptions: ort.InferenceSession.SessionOptions,
  onWarning: ((message: string) => void) | undefined,
): Promise<ort.InferenceSession | undefined> {
  try {
    return await ort.InferenceSession.create(addMaskedInput(new Uint8Array(await readFile(file)), options), sessionOptions);
  } catch (err) {
    onWarning?.(`${file}: masking inside onnxruntime is not possible for this model (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); RISE masks are applied in JavaScript (slower)`);
    return undefined;
  }
}

/** Scores masked copies of one image with the masked-input session, a batch per call. */
export class OnnxMaskedScorer implements MaskedScorer {
  private readonly fixed: Record<string, ort.Tensor>;
  private readonly label: number;
  private padded: FactoredMasks | undefined;

  constructor(
    private readonly classifier: MaskedScorerHost,
    private readonly session: ort.InferenceSession,
    image: MaskedImage,
    zeroBaseline: boolean,
  ) {
    this.label = image.label;
    const { height: h, width: w, layout } = classifier.spec;
    const T = classifier.spec.frames ?? 1;
    // x − b and b in the model's layout, shaped as the masked graph broadcasts them (graph/masked-input.ts).
    const dims = layout === 'NHWC' ? [h * w, 3] : layout === 'NTCHW' ? [T, 3, h * w] : layout === 'NTHWC' ? [T * h * w, 3] : [3, T * h * w];
    const difference = maskDifference(image.x, image.baseline);
    const inLayout = (chw: Float32Array) => (layout === 'NHWC' ? toNhwc(chw, 1, h, w, undefined) : isClipLayout(layout) ? toClipLayout(chw, 1, layout, T, h, w, undefined) : chw);
    this.fixed = {
      ...(zeroBaseline ? {} : { [MASKED_INPUTS.baseline]: new ort.Tensor('float32', inLayout(image.baseline), dims) }),
      [MASKED_INPUTS.difference]: new ort.Tensor('float32', inLayout(difference), dims),
      [MASKED_INPUTS.label]: new ort.Tensor('int64', BigInt64Array.of(BigInt(image.label)), [1]),
    };
  }

  async score(masks: FactoredMasks): Promise<MaskedScores> {
    const { height: H, width: W, gridSize: s, count } = masks;
    const K = this.classifier.numClasses;
    const scores = new Float32Array(count);
    let weighted: Float32Array | undefined;
    const chunk = this.classifier.fixedBatchSize ?? this.classifier.batchSize;
    for (let start = 0; start < count; start += chunk) {
      const n = Math.min(chunk, count - start);
      const feed = this.feedMasks(masks, start, n);
      const time = masks.time;
      const factors: Record<string, ort.Tensor> = time
        ? {
            [MASKED_INPUTS.frames]: new ort.Tensor('float32', feed.frames as Float32Array, [feed.count, time.depth, time.gridSize]),
            [MASKED_INPUTS.rows]: new ort.Tensor('float32', feed.rows, [feed.count, 1, H, s]),
            [MASKED_INPUTS.grid]: new ort.Tensor('float32', feed.grid, [feed.count, time.gridSize, s, s]),
            [MASKED_INPUTS.cols]: new ort.Tensor('float32', feed.cols, [feed.count, 1, s, W]),
          }
        : {
            [MASKED_INPUTS.rows]: new ort.Tensor('float32', feed.rows, [feed.count, H, s]),
            [MASKED_INPUTS.grid]: new ort.Tensor('float32', feed.grid, [feed.count, s, s]),
            [MASKED_INPUTS.cols]: new ort.Tensor('float32', feed.cols, [feed.count, s, W]),
          };
      const out = await this.classifier.run(
        this.session,
        { ...this.fixed, ...factors },
        [MASKED_OUTPUTS.probabilities, MASKED_OUTPUTS.weighted],
      );
      const probs = (out[MASKED_OUTPUTS.probabilities].data as Float32Array).subarray(0, n * K);
      const sum = out[MASKED_OUTPUTS.weighted].data as Float32Array;
      this.classifier.checkFinite(probs);
      for (let b = 0; b < n; b++) scores[start + b] = probs[b * K + this.label];
      if (weighted) for (let i = 0; i < weighted.length; i++) weighted[i] += sum[i];
      else weighted = sum; // a fresh array of onnxruntime's: no copy for the usual single chunk
      this.classifier.calls += n;
    }
    return { scores, weighted: weighted ?? new Float32Array(maskSize(masks)) };
  }

  /** Masks start .. start+n as views, zero-padded to a fixed batch (zero masks add nothing to the sum). */
  private feedMasks(m: FactoredMasks, start: number, n: number): Pick<FactoredMasks, 'rows' | 'grid' | 'cols' | 'count'> & { frames?: Float32Array } {
    const { height: H, width: W, gridSize: s } = m;
    const st = m.time?.gridSize ?? 1;
    const T = m.time?.depth ?? 1;
    const view = (a: Float32Array, per: number, count: number) => a.subarray(start * per, (start + count) * per);
    const fixed = this.classifier.fixedBatchSize;
    if (fixed === undefined || fixed === n) return { count: n, rows: view(m.rows, H * s, n), grid: view(m.grid, st * s * s, n), cols: view(m.cols, s * W, n), frames: m.time && view(m.time.frames, T * st, n) };
    if (this.padded?.gridSize !== s || this.padded.time?.gridSize !== m.time?.gridSize) this.padded = m.time ? allocateClipFactoredMasks(fixed, T, H, W, s, st) : allocateFactoredMasks(fixed, H, W, s);
    const p = this.padded;
    p.count = fixed;
    p.rows.fill(0).set(view(m.rows, H * s, n));
    p.grid.fill(0).set(view(m.grid, st * s * s, n));
    p.cols.fill(0).set(view(m.cols, s * W, n));
    if (m.time && p.time) p.time.frames.fill(0).set(view(m.time.frames, T * st, n));
    return { ...p, frames: p.time?.frames };
  }
}
