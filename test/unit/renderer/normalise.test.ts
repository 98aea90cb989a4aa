/** Comparable maps (src/renderer/src/lib/normalise.ts): ranges centred on 0, percentiles, honest ticks. */
import { describe, expect, it } from 'vitest';
import { mapMeaning, rankMap, ranges, tickText, ticks } from '../../../src/renderer/src/lib/normalise.ts';

const prior = Float32Array.from([0.02, 0.03, 0.07, 0.05]); // RISE: probabilities
const refined = Float32Array.from([-0.66, 0.1, 0.41, 0.2]); // BOREx: signed

describe('map normalisation', () => {
  it('per image: its own range; centred maps symmetric about 0 so that white is 0', () => {
    expect(ranges([{ map: prior, centred: false }, { map: refined, centred: true }], 'per-image').map((r) => r!.map((v) => +v.toFixed(6)))).toEqual([
      [0.02, 0.07],
      [-0.66, 0.66],
    ]);
    // An unsigned map drawn blue–white–red is centred too: 0 at white, not its midpoint.
    expect(ranges([{ map: prior, centred: true }], 'per-image')[0]!.map((v) => +v.toFixed(6))).toEqual([-0.07, 0.07]);
  });

  it('rank: every value its percentile, ties shared, so two maps of any units compare', () => {
    expect(Array.from(rankMap(prior))).toEqual([0, 1 / 3, 1, 2 / 3].map(Math.fround));
    expect(Array.from(rankMap(refined))).toEqual([0, 1 / 3, 1, 2 / 3].map(Math.fround));
    expect(Array.from(rankMap(Float32Array.from([5, 1, 5, 3])))).toEqual([(2 + 3) / 2 / 3, 0, (2 + 3) / 2 / 3, 1 / 3].map(Math.fround));
    expect(ranges([{ map: prior, centred: false }, { map: refined, centred: true }], 'rank')).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('colour bars: ends and 0, no exponent notation, and what the values mean', () => {
    expect(ticks([-0.66, 0.66], 'per-image')).toEqual([
      { at: 0, text: '−0.66' },
      { at: 0.5, text: '0' },
      { at: 1, text: '0.66' },
    ]);
    expect(ticks([0, 1], 'rank').map((t) => t.text)).toEqual(['0 %', '50 %', '100 %']);
    expect([0.000123, 0.0000042, 12345.6, 0.0212].map(tickText)).toEqual(['0.000123', '0.0000042', '12300', '0.0212']);
    expect(mapMeaning('rise', 'per-image')).toBe('mean class probability with the pixel kept');
    expect(mapMeaning('borex', 'rank')).toBe("percentile of the map's pixels (100 % = most important)");
  });
});
