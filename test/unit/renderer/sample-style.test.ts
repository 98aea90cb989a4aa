/** How BOREx's sampled squares are drawn (src/renderer/src/lib/sample-style.ts). */
import { describe, expect, it } from 'vitest';
import { masksWord, sampleSquares, samplesFromTriples, samplesLegend, valueColour } from '../../../src/renderer/src/lib/sample-style.ts';

describe('sampled squares', () => {
  it('says squares, or rectangles where any sample is one (shapes rects)', () => {
    const squares = samplesFromTriples([1, 2, 4, 5, 6, 8]);
    const rects = samplesFromTriples([1, 2, 4, 5, 6, 8], undefined, [4, 4, 4, 8]);
    expect([masksWord(squares), masksWord(rects), masksWord([])]).toEqual(['squares', 'rectangles', 'squares']);
    expect(samplesLegend(rects)).toBe('rectangles: red = hiding it lowered the class score, blue = raised it, paler = a smaller change; thicker = larger; the newest has a dark halo');
    expect(samplesLegend(squares).startsWith('squares: red')).toBe(true);
  });

  it('colours by the observed value: red for > 0, blue for < 0, paler when smaller', () => {
    expect(valueColour(0.4, 0.4)).toBe('hsl(8, 90%, 45.0%)');
    expect(valueColour(-0.2, 0.4)).toBe('hsl(212, 90%, 65.0%)');
    expect(valueColour(0, 0)).toBe('hsl(8, 90%, 85.0%)');
  });

  it('draws the first n, thicker by size, the latest emphasised', () => {
    const samples = [
      { row: 10, col: 10, halfSize: 8, y: 0.4 },
      { row: 50, col: 60, halfSize: 16, y: -0.2 },
      { row: 90, col: 20, halfSize: 32, y: 0.1 },
    ];
    const two = sampleSquares(samples, 2);
    expect(two.map((q) => [q.color, q.width, q.latest])).toEqual([
      ['hsl(8, 90%, 45.0%)', 2, false],
      ['hsl(212, 90%, 65.0%)', 4.5, true],
    ]);
    const all = sampleSquares(samples);
    expect(new Set(all.map((q) => q.color)).size).toBe(3);
    expect(all.map((q) => q.width)).toEqual([1.5, 2, 4.5]);
    expect(sampleSquares(samples, 0)).toEqual([]);
  });

  it('reads progress triples with their values, as the result colours them', () => {
    const live = sampleSquares(samplesFromTriples([1, 2, 4, 5, 6, 8], [0.5, -0.25]));
    expect(live.map((q) => [q.row, q.col, q.halfSize, q.color])).toEqual([
      [1, 2, 4, 'hsl(8, 90%, 45.0%)'],
      [5, 6, 8, 'hsl(212, 90%, 65.0%)'],
    ]);
  });

  it('reads progress triples (no value): older squares fade', () => {
    const live = sampleSquares(samplesFromTriples([1, 2, 4, 5, 6, 8, 7]));
    expect(live.map((q) => [q.row, q.col, q.halfSize, q.color, q.latest])).toEqual([
      [1, 2, 4, 'rgba(255,255,255,0.25)', false],
      [5, 6, 8, 'rgba(255,255,255,0.75)', true],
    ]);
  });
});
