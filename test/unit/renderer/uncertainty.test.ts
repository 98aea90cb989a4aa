/**
 * σ on the refined pane (src/renderer/src/lib/uncertainty.ts): its own scale from 0, its own
 * colour map (viridis, which the map picker never offers), and a colour bar text naming the units.
 */
import { describe, expect, it } from 'vitest';
import { COLORMAPS, colormapTable } from '../../../src/shared/colormaps.ts';
import { SIGMA_COLORMAP, sigmaMeaning, sigmaRange } from '../../../src/renderer/src/lib/uncertainty.ts';

describe('the refined map\'s σ as the explain view draws it', () => {
  it('is drawn from its smallest to its largest value, whatever the map\'s range', () => {
    expect(sigmaRange(new Float32Array([0.75, 0.5, 0.875]))).toEqual([0.5, 0.875]);
    expect(sigmaRange(new Float32Array([1, 1]))).toEqual([1, 2]); // one value: a valid range, drawn dark
    expect(sigmaRange(new Float32Array([]))).toEqual([0, 1]);
  });

  it('has a colour map of its own: viridis, not one a map can be drawn in', () => {
    expect(SIGMA_COLORMAP).toBe('viridis');
    expect(COLORMAPS).not.toContain(SIGMA_COLORMAP);
    const t = colormapTable('viridis');
    // matplotlib's viridis at 0, 0.5 and 1: #440154, #21918c, #fde725 (the polynomial is within 4/255)
    for (const [i, rgb] of [[0, [68, 1, 84]], [128, [33, 145, 140]], [255, [253, 231, 37]]] as const) {
      for (let c = 0; c < 3; c++) expect(Math.abs(t[i * 3 + c] - rgb[c])).toBeLessThanOrEqual(4);
    }
  });

  it('says what σ is and the map\'s own units, with the map\'s raw range', () => {
    expect(sigmaMeaning(new Float32Array([-0.66, 0.1, 0.41]))).toBe(
      "GP posterior σ, an upper bound, in the refined map's units before normalisation (the refined map spans −0.66 to 0.41); bright = unsure",
    );
  });
});
