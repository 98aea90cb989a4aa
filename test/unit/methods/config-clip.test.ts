import { describe, expect, it } from 'vitest';
import { BO_DEFAULTS, BOREX_DEFAULTS, CLIP_DEFAULTS } from '../../../src/engine/methods/borex.ts';
import { methodConfig } from '../../../src/engine/methods/config.ts';

describe('methodConfig for clips', () => {
  it('bo/borex on a clip carry BOREx-3D’s parameters resolved, overrides kept; images get no clip key', () => {
    const c = methodConfig({ method: 'borex', preset: 'default', clip: true, borex: { iterations: 9, clip: { frameStride: 1, durations: undefined } } });
    expect(c.borex).toEqual({ ...BOREX_DEFAULTS, iterations: 9, clip: { ...CLIP_DEFAULTS, frameStride: 1 } });
    expect(CLIP_DEFAULTS).toEqual({ durations: [2, 4, 8], startLengthScale: 0.5, durationLengthScale: 4, jitter: [0.5, 0.5], candidateStride: 16, frameStride: 2 });
    expect(methodConfig({ method: 'bo', preset: 'default', clip: true }).borex).toEqual({ ...BO_DEFAULTS, clip: CLIP_DEFAULTS });
    expect(methodConfig({ method: 'borex', preset: 'default' }).borex).not.toHaveProperty('clip');
    expect(methodConfig({ method: 'rise', preset: 'default', clip: true })).not.toHaveProperty('borex');
  });
});
