import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blurFrames, blurPlanar, riseKernel1d } from '../../../src/engine/image/blur.ts';
import { makeBaseline } from '../../../src/engine/image/baseline.ts';
import { inputGeometry } from '../../../src/engine/image/preprocess.ts';
import { defaultStep, insertionDeletion } from '../../../src/engine/metrics/insertion-deletion.ts';
import { localisationScores, tubeToMask } from '../../../src/engine/metrics/localisation.ts';
import { parseTube, readTubeFile, tubeOnInput, tubeVoxels } from '../../../src/engine/metrics/tube.ts';
import { scoreMap } from '../../../src/engine/pipeline/item.ts';
import { CLIP_SPEC, TubeClassifier, whiteClipTarget } from '../../helpers/synthetic-clip.ts';

/** A 2-frame 2×2 clip whose model looks at frame 1, row 0 (voxels 4 and 5). */
const tiny = () => new TubeClassifier(2, 2, 2, { frames: [1, 2], rows: [0, 1], cols: [0, 2] }, 4);
/** Ranks voxel 5 first, then 4, then 0, 1, 2, 3, 6, 7 (ties by index). */
const tinyMap = Float32Array.of(1, 1, 1, 1, 2, 3, 0, 0);

describe('voxel insertion and deletion', () => {
  it('rank all T·H·W voxels; a clip takes 224 steps by default, an image W', () => {
    expect(defaultStep([3, 224, 224])).toBe(224);
    expect(defaultStep([3, 16, 64, 64])).toBe(293); // ceil(65536 / 224); ceil(65536 / 293) = 224 steps
    expect(defaultStep([3, 16, 224, 224])).toBe(3584);
  });

  it('hand-computed curves on a tiny clip, with exact model calls in batches', async () => {
    const classifier = tiny();
    const { insertion, deletion } = await insertionDeletion(whiteClipTarget(classifier), tinyMap, { step: 1, insertionStart: 'baseline' });
    expect(deletion.curve).toEqual([1, 0.5, 0, 0, 0, 0, 0, 0, 0]);
    expect(deletion.auc).toBe(0.125); // (1.5 − 1/2 − 0) / 8
    expect(insertion.curve).toEqual([0, 0.5, 1, 1, 1, 1, 1, 1, 1]);
    expect(insertion.auc).toBe(0.875); // (7.5 − 0 − 1/2) / 8
    expect(classifier.calls).toBe(18);
    expect(classifier.callSizes).toEqual([4, 4, 1, 4, 4, 1]);
    const coarse = await insertionDeletion(whiteClipTarget(tiny()), tinyMap, { step: 3, insertionStart: 'baseline' });
    expect(coarse.deletion.curve).toEqual([1, 0, 0, 0]); // 0, 3, 6, 8 voxels deleted
  });

  it('insertion starts from each frame blurred on its own (never across frames)', () => {
    const [T, H, W] = [3, 6, 7];
    const x = Float32Array.from({ length: 3 * T * H * W }, (_, i) => Math.sin(i * 0.7));
    const blurred = blurFrames(x, [3, T, H, W]);
    const kernel = riseKernel1d();
    for (let plane = 0; plane < 3 * T; plane++) {
      const one = blurPlanar(x.subarray(plane * H * W, (plane + 1) * H * W), 1, H, W, kernel);
      expect(blurred.subarray(plane * H * W, (plane + 1) * H * W)).toEqual(one);
    }
    expect(makeBaseline('blur', x, [3, T, H, W], CLIP_SPEC(T, H, W))).toEqual(blurred);
    const black = makeBaseline('black', x, [3, T, H, W], { ...CLIP_SPEC(T, H, W), mean: [0.5, 0.25, 0], std: [0.5, 0.5, 1] });
    expect([black[0], black[T * H * W - 1], black[T * H * W], black[3 * T * H * W - 1]]).toEqual([-1, -1, -0.5, -0]);
  });
});

describe('recall, precision, F and the pointing game against a tube', () => {
  it('hand-computed F_rp and F1 over all voxels', () => {
    const region = tubeToMask([[], [[0, 0, 2, 1]]], 2, 2);
    expect(Array.from(region)).toEqual([0, 0, 0, 0, 1, 1, 0, 0]);
    const s = localisationScores(tinyMap, region, 2, 15, 2);
    // k = 1..8: recall 1/2, 1, 1, …; precision 1, 1, 2/3, 2/4, 2/5, 2/6, 2/7, 2/8
    const rp = (0.5 + 1 + 2 / 3 + 2 / 4 + 2 / 5 + 2 / 6 + 2 / 7 + 2 / 8) / 8;
    const f1 = (2 / 3 + 1 + 0.8 + 2 / 3 + 4 / 7 + 0.5 + 4 / 9 + 0.4) / 8;
    expect(s.fRp).toBeCloseTo(rp, 12);
    expect(s.f1).toBeCloseTo(f1, 12);
    expect(s.pointingGame).toBe(true);
    expect(s.groundTruthPixels).toBe(2);
  });

  it('the tolerant pointing game looks only in the peak’s own frame', () => {
    const region = tubeToMask([[], [[0, 0, 1, 1]]], 2, 2); // frame 1, pixel (0,0)
    const peakInFrame0 = Float32Array.of(9, 0, 0, 0, 0, 0, 0, 0);
    const s = localisationScores(peakInFrame0, region, 2, 15, 2);
    expect(s.pointingGame).toBe(false);
    expect(s.pointingGameTolerant).toBe(false); // a flattened [T·H, W] view would have called this a hit
    const peakInFrame1 = Float32Array.of(0, 0, 0, 0, 0, 0, 0, 9);
    expect(localisationScores(peakInFrame1, region, 2, 15, 2).pointingGameTolerant).toBe(true);
  });

  it('scoreMap takes a tube for a clip and boxes for an image', async () => {
    const target = whiteClipTarget(tiny());
    const { metrics } = await scoreMap(target, tinyMap, { enabled: false }, [[], [[0, 0, 2, 1]]], {});
    expect(metrics?.fRp).toBeCloseTo((0.5 + 1 + 2 / 3 + 2 / 4 + 2 / 5 + 2 / 6 + 2 / 7 + 2 / 8) / 8, 12);
    expect(metrics?.pointingGame).toBe(true);
    await expect(scoreMap(target, tinyMap, { enabled: false }, [[0, 0, 2, 1]], {})).rejects.toThrow('a clip of 2 frames needs a tube of 2 lists of boxes');
  });
});

describe('tube files', () => {
  const video = { width: 100, height: 50, frameCount: 10 };

  it('reads JSON {frame: boxes} and CSV frame,x0,y0,x1,y1 alike, and maps them onto the sampled frames', () => {
    const json = parseTube('{"0": [[10, 10, 50, 30]], "7": [[0, 0, 100, 50], [20, 5, 30, 15]]}', 't.json', video);
    const csv = parseTube('frame,x0,y0,x1,y1\n0,10,10,50,30\n# a comment\n7,0,0,100,50\n7,20,5,30,15\n', 't.csv', video);
    expect(csv).toEqual(json);
    const geometry = inputGeometry(100, 50, CLIP_SPEC(3, 5, 10)); // stretch: ×0.1
    const tube = tubeOnInput(json, [0, 3, 7], geometry);
    expect(tube).toEqual([[[1, 1, 5, 3]], [], [[0, 0, 10, 5], [2, 1, 3, 2]]]); // 15 → 1.5 → 2, 5 → 0.5 → 1 (rounding halves up)
    expect(tubeVoxels(tube, 5, 10)).toBe(8 + 50);
  });

  it('refuses a tube that does not fit the video, naming the tube file', () => {
    expect(() => parseTube('{"2": [[90, 10, 101, 20]]}', 'walk.tube.json', video)).toThrow("walk.tube.json: frame 2: box [90, 10, 101, 20] lies outside the video's 100×50 frame; the tube does not fit this video's size");
    expect(() => parseTube('12,0,0,5,5\n', 'walk.csv', video)).toThrow('walk.csv: has boxes for frame 12, but the video has 10 frames (0–9)');
    expect(() => parseTube('1,5,5,5,9\n', 'walk.csv', video)).toThrow('walk.csv: frame 1: box [5, 5, 5, 9] is empty or inverted');
    expect(() => parseTube('1,5,5,9\n', 'walk.csv', video)).toThrow('walk.csv: line 1: "frame,x0,y0,x1,y1" is needed, got "1,5,5,9"');
    expect(() => parseTube('{"a": [[0,0,1,1]]}', 'walk.json', video)).toThrow('walk.json: "a" is not a frame index (0, 1, 2, …)');
    expect(() => parseTube('{}', 'walk.json', video)).toThrow('walk.json: the tube file has no boxes');
    const missing = path.join(os.tmpdir(), 'no-such-tube.json');
    expect(() => readTubeFile(missing, video)).toThrow(`${missing}: cannot read the tube file (ENOENT)`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tube-')), 'ok.json');
    fs.writeFileSync(file, '{"3": [[0, 0, 4, 4]]}');
    expect(readTubeFile(file, video).get(3)).toEqual([[0, 0, 4, 4]]);
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
