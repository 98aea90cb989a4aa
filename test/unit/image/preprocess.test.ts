import { describe, expect, it } from 'vitest';
import { boxToInput, inputGeometry, mapToPhoto, normalise, denormalise } from '../../../src/engine/image/preprocess.ts';
import { TORCHVISION_DEFAULTS } from '../../../src/engine/model/spec.ts';
import { riseKernel1d } from '../../../src/engine/image/blur.ts';
import { PLAIN_SPEC } from '../../helpers/synthetic.ts';

describe('input geometry', () => {
  it('follows torchvision Resize(256) + CenterCrop(224) on a landscape photo', () => {
    const g = inputGeometry(768, 576, TORCHVISION_DEFAULTS);
    expect(g).toEqual({ photoWidth: 768, photoHeight: 576, resizedWidth: 341, resizedHeight: 256, cropLeft: 59, cropTop: 16, width: 224, height: 224 });
  });

  it('handles portrait photos and stretch', () => {
    const g = inputGeometry(300, 500, TORCHVISION_DEFAULTS);
    expect([g.resizedWidth, g.resizedHeight, g.cropLeft, g.cropTop]).toEqual([256, 427, 16, 102]);
    const s = inputGeometry(300, 500, PLAIN_SPEC(32, 32));
    expect([s.resizedWidth, s.resizedHeight, s.cropLeft, s.cropTop]).toEqual([32, 32, 0, 0]);
  });

  it('maps a map back to the photo exactly for an identity geometry and marks cropped parts unseen', () => {
    const map = Float32Array.from({ length: 16 }, (_, i) => i);
    const same = mapToPhoto(map, inputGeometry(4, 4, PLAIN_SPEC(4, 4)));
    expect(Array.from(same.values)).toEqual(Array.from(map));
    const g = inputGeometry(400, 300, { ...TORCHVISION_DEFAULTS, height: 4, width: 4, cropFraction: 0.5 });
    const back = mapToPhoto(new Float32Array(16).fill(1), g);
    expect(back.seen[0]).toBe(0); // top-left corner was cropped away
    expect(back.seen[150 * 400 + 200]).toBe(1);
    expect(back.values[0]).toBe(0);
  });

  it('maps photo boxes into model pixels, clipping to the crop', () => {
    const g = inputGeometry(768, 576, TORCHVISION_DEFAULTS);
    expect(boxToInput([0, 0, 768, 576], g)).toEqual([0, 0, 224, 224]);
    expect(boxToInput([0, 0, 100, 50], g)).toBeNull(); // entirely in the cropped-away margin
    expect(boxToInput([0, 0, 200, 50], g)).toEqual([0, 0, 30, 6]);
  });
});

describe('normalisation', () => {
  it('round-trips through denormalise and honours BGR', () => {
    const rgb = new Uint8Array([255, 0, 10, 20, 128, 200]);
    const spec = { ...TORCHVISION_DEFAULTS, height: 1, width: 2 };
    expect(Array.from(denormalise(normalise(rgb, 2, 1, spec), 2, 1, spec))).toEqual(Array.from(rgb));
    const bgr = normalise(rgb, 2, 1, { ...PLAIN_SPEC(1, 2), channelOrder: 'BGR' });
    expect(bgr[0]).toBeCloseTo(10 / 255, 6); // first plane holds blue
  });
});

describe('RISE blur kernel', () => {
  it('equals scipy.ndimage.gaussian_filter of an impulse (tools/fixtures/rise_blur_kernel.py)', () => {
    const expected = [0.08795815, 0.08889612, 0.0904742, 0.09219112, 0.09348939, 0.09398206, 0.09348939, 0.09219112, 0.0904742, 0.08889612, 0.08795815];
    const k = riseKernel1d();
    expect(k.length).toBe(11);
    k.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 7));
  });
});
