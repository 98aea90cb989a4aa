/**
 * The issue-15 BOREx options in the renderer's pure logic: the explain view's BOREx section as
 * API options (lib/settings.ts), the run history's words (lib/run-history.ts), rectangles drawn as
 * rectangles (lib/sample-style.ts), the Batch view's ids with modifiers (lib/batch-rows.ts).
 */
import { describe, expect, it } from 'vitest';
import { borexChoicesFrom, borexOptions, borexOptionsText, defaultBorexChoices, presetBorexWords, type BorexChoices } from '../../../src/renderer/src/lib/settings.ts';
import { describeRun, staleText, type RunMade } from '../../../src/renderer/src/lib/run-history.ts';
import { sampleSquares, samplesFromTriples } from '../../../src/renderer/src/lib/sample-style.ts';
import { borexMethodId, type BorexModifiers } from '../../../src/renderer/src/lib/batch-rows.ts';
import { parseMethodId } from '../../../src/engine/jobs/batch-methods.ts';
import { batchMethodId } from '../../../src/shared/api.ts';

const choices = (patch: Partial<BorexChoices>): BorexChoices => ({ ...defaultBorexChoices(), ...patch });

describe('the BOREx section as API options', () => {
  it('sends nothing at the defaults, for every method', () => {
    for (const m of ['borex', 'bo', 'rise'] as const) expect(borexOptions(defaultBorexChoices(), m)).toEqual({ options: {}, problems: [] });
  });

  it('sends each choice away from its default, under the schema’s names', () => {
    expect(borexOptions(choices({ priorWeight: 'learned', composition: 'prior-after', qBatch: ' 4 ' }), 'borex')).toEqual({ options: { priorWeight: 'learned', composition: 'prior-after', qBatch: 4 }, problems: [] });
    expect(borexOptions(choices({ shapes: 'rects', aspects: '0.5, 2' }), 'borex')).toEqual({ options: { shapes: 'rects', aspects: [0.5, 2] }, problems: [] });
    // The paper's choices away from a default that is not theirs: sent, by name.
    expect(borexOptions(choices({ priorWeight: 'fixed', composition: 'coverage' }), 'borex')).toEqual({ options: { priorWeight: 'fixed', composition: 'coverage' }, problems: [] });
    expect(borexOptions(choices({ deletionCheck: 'head' }), 'borex')).toEqual({ options: { deletionCheck: 'head' }, problems: [] });
    // BO has no prior to check against.
    expect(borexOptions(choices({ deletionCheck: 'prior' }), 'bo')).toEqual({ options: {}, problems: [] });
  });

  it('says what the default (nothing sent) is: learned β, the prior after and the check heads, except with the paper preset, no prior or rectangles', () => {
    const words = (preset: 'paper' | 'default', prior: 'rise' | 'none', shapes: 'squares' | 'rects' = 'squares') => presetBorexWords({ preset, prior, borex: choices({ shapes }) });
    expect(words('default', 'rise')).toEqual({ priorWeight: 'learned β', composition: 'add the prior after the aggregate', deletionCheck: 'put the prior’s top 1/16 or 1/8 first, or keep the prior, where that deletes clearly better (few images), from 24 iterations' });
    expect(words('paper', 'rise')).toEqual({ priorWeight: 'fixed (the paper’s)', composition: 'add the prior before the aggregate (the paper’s)', deletionCheck: 'none (the paper’s)' });
    expect(words('default', 'none')).toEqual(words('paper', 'rise'));
    expect(words('default', 'rise', 'rects')).toEqual({ priorWeight: 'learned β', composition: 'add the prior before the aggregate (the paper’s)', deletionCheck: 'none (the paper’s)' });
  });

  it('BO sends the q-batch and the mask shape, not the prior’s weight or composition; other methods nothing', () => {
    const all = choices({ priorWeight: 'learned', composition: 'min', qBatch: '2', shapes: 'rects' });
    expect(borexOptions(all, 'bo')).toEqual({ options: { qBatch: 2, shapes: 'rects' }, problems: [] });
    expect(borexOptions(all, 'gradcampp')).toEqual({ options: {}, problems: [] });
  });

  it('aspects typed with squares are not sent (the field is the rectangles’)', () => {
    expect(borexOptions(choices({ aspects: '3' }), 'borex')).toEqual({ options: {}, problems: [] });
  });

  it('refuses bad typed values by their labels, in plain words', () => {
    expect(borexOptions(choices({ qBatch: '65' }), 'borex')).toEqual({ options: {}, problems: ['Masks per GP round: 65 is not allowed; use a whole number from 1 to 64'] });
    expect(borexOptions(choices({ qBatch: 'many' }), 'borex')).toEqual({ options: {}, problems: ['Masks per GP round: "many" is not a number'] });
    expect(borexOptions(choices({ shapes: 'rects', aspects: '1,x' }), 'borex')).toEqual({ options: {}, problems: ['Rectangle aspects: "1,x" is not a list of numbers'] });
    expect(borexOptions(choices({ shapes: 'rects', aspects: '30' }), 'borex')).toEqual({ options: {}, problems: ['Rectangle aspects: 30 is not allowed; use a number from 0.05 to 20'] });
    expect(borexOptions(choices({ shapes: 'rects', aspects: '2,2' }), 'borex')).toEqual({ options: {}, problems: ['Rectangle aspects: an aspect is repeated (2, 2)'] });
  });

  it('a history run’s options set the controls again; none sets the defaults', () => {
    expect(borexChoicesFrom({ priorWeight: 'learned', composition: 'prior-after', qBatch: 4 })).toEqual(choices({ priorWeight: 'learned', composition: 'prior-after', qBatch: '4' }));
    expect(borexChoicesFrom({ shapes: 'rects', aspects: [0.5, 2] })).toEqual(choices({ shapes: 'rects', aspects: '0.5,2' }));
    expect(borexChoicesFrom({ deletionCheck: 'prior' })).toEqual(choices({ deletionCheck: 'prior' }));
    expect(borexChoicesFrom(undefined)).toEqual(defaultBorexChoices());
  });
});

describe('the run history names the options', () => {
  const made: RunMade = { photo: 'abc', photoName: 'dog.jpg', model: 'mobilenetv2-12-int8', method: 'borex', prior: 'rise', label: 248, labelName: 'Eskimo dog', preset: 'default' };
  it('in words, after the method', () => {
    expect(borexOptionsText({ priorWeight: 'learned', composition: 'prior-after', qBatch: 4, shapes: 'rects', aspects: [0.5, 2] })).toBe('learned prior weight, add the prior after the aggregate, 4 masks per GP round, rectangles (aspects 0.5, 2)');
    expect(borexOptionsText({ seed: 3 })).toBeUndefined();
    expect(borexOptionsText({ deletionCheck: 'head' })).toBe('deletion check (the prior’s head)');
    expect(borexOptionsText({ deletionCheck: 'prior', qBatch: 2 })).toBe('2 masks per GP round, deletion check (the prior)');
    expect(borexOptionsText({ deletionCheck: 'both' })).toBe('deletion check (the prior’s head or the prior)');
    expect(borexOptionsText({ deletionCheck: 'heads' })).toBe('deletion check (the prior’s heads or the prior)');
    expect(borexOptionsText({ deletionCheck: 'uniform' })).toBe('deletion check (the prior, along the whole curve)');
    expect(borexOptionsText({ deletionCheck: 'off' })).toBeUndefined();
    expect(borexOptionsText({ priorWeight: 'fixed', composition: 'coverage' })).toBe('fixed prior weight, add the prior before the aggregate (the paper’s)');
    expect(describeRun({ ...made, borex: { priorWeight: 'learned', shapes: 'rects' } })).toBe('BOREx from a RISE prior · learned prior weight, rectangles · class 248 Eskimo dog · default preset · mobilenetv2-12-int8');
    expect(describeRun(made)).toBe('BOREx from a RISE prior · class 248 Eskimo dog · default preset · mobilenetv2-12-int8');
  });
  it('a result made with other options is stale', () => {
    expect(staleText({ ...made, borex: { priorWeight: 'learned' } }, made)).toBe('stale: made with BOREx options learned prior weight (now the preset’s)');
    expect(staleText({ ...made, borex: { qBatch: 4 } }, { ...made, borex: { qBatch: 4 } })).toBe('');
  });
});

describe('rectangles are drawn as rectangles', () => {
  it('progress triples with sampleShapes give each box its own half-sides', () => {
    const boxes = sampleSquares(samplesFromTriples([10, 20, 8, 30, 40, 16], [0.5, -0.25], [6, 11, 16, 16]));
    expect(boxes.map((q) => [q.row, q.col, q.halfSize, q.halfHeight, q.halfWidth])).toEqual([
      [10, 20, 8, 6, 11],
      [30, 40, 16, 16, 16],
    ]);
  });
  it('squares keep halfSize as both half-sides, as before', () => {
    const live = sampleSquares(samplesFromTriples([1, 2, 4, 5, 6, 8]));
    expect(live.map((q) => [q.halfHeight, q.halfWidth])).toEqual([
      [4, 4],
      [8, 8],
    ]);
    const replayed = sampleSquares([{ row: 1, col: 2, halfSize: 4, halfHeight: 3, halfWidth: 6, y: 0.1 }]);
    expect([replayed[0].halfHeight, replayed[0].halfWidth]).toEqual([3, 6]);
  });
});

describe('Batch: BOREx ids with modifiers', () => {
  const none: BorexModifiers = { prior: 'rise', learned: false, priorAfter: false, rects: false, check: '', q: '' };
  it('are built in the engine’s normal order, which its parser keeps', () => {
    const cases: [BorexModifiers, string][] = [
      [none, 'borex:rise'],
      [{ ...none, learned: true, priorAfter: true }, 'borex:rise+learned+pa'],
      [{ ...none, prior: 'none', rects: true, learned: true, q: '8' }, 'borex:none+learned+rects+q8'],
      [{ ...none, prior: 'gradcampp', q: '1' }, 'borex:gradcampp'],
      [{ ...none, learned: true, priorAfter: true, check: 'check', q: '2' }, 'borex:rise+learned+pa+check+q2'],
      [{ ...none, check: 'check-heads' }, 'borex:rise+check-heads'],
      [{ ...none, check: 'no-check' }, 'borex:rise+no-check'],
    ];
    for (const [m, id] of cases) {
      expect(borexMethodId(m)).toBe(id);
      expect(parseMethodId(batchMethodId(id, '')).id).toBe(id);
    }
  });
  it('a q out of range is built as typed and refused by the engine’s parser, in the CLI’s words', () => {
    expect(() => parseMethodId(batchMethodId(borexMethodId({ ...none, q: '100' }), ''))).toThrow('method "borex:rise+q100": +q100 needs a batch size from 2 to 64 (+q2 … +q64)');
  });
});
