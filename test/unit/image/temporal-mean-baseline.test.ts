/** The temporal-mean occlusion baseline: each pixel's mean over the clip, in every frame; refused for photos. */
import { describe, expect, it } from 'vitest';
import { makeBaseline } from '../../../src/engine/image/baseline.ts';
import { TORCHVISION_DEFAULTS } from '../../../src/engine/model/spec.ts';

describe('temporal-mean baseline', () => {
  it('repeats each channel-pixel mean over T in every frame', () => {
    // [C=3, T=2, H=1, W=2]: channel c, frame t, pixel i holds 10c + 4t + i.
    const x = Float32Array.from({ length: 12 }, (_, k) => 10 * Math.floor(k / 4) + 4 * (Math.floor(k / 2) % 2) + (k % 2));
    expect(Array.from(makeBaseline('temporal-mean', x, [3, 2, 1, 2], TORCHVISION_DEFAULTS))).toEqual([2, 3, 2, 3, 12, 13, 12, 13, 22, 23, 22, 23]);
  });

  it('is refused for a photo, which has one frame', () => {
    expect(() => makeBaseline('temporal-mean', new Float32Array(12), [3, 2, 2], TORCHVISION_DEFAULTS)).toThrow('the temporal-mean baseline is for clips');
  });
});
