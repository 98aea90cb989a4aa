/** "Did the refinement help?" (src/renderer/src/lib/delta.ts). */
import { describe, expect, it } from 'vitest';
import { deltas, priorOf, signed4, verdictSentence } from '../../../src/renderer/src/lib/delta.ts';

describe('refined − prior', () => {
  it('marks insertion and F better when up, deletion better when down', () => {
    // dog.jpg in issue 13: BOREx lowered insertion 0.684 → 0.560 and raised deletion 0.012 → 0.031.
    const list = deltas({ insertion: 0.56, deletion: 0.031 }, { insertion: 0.684, deletion: 0.012 });
    expect(list.map((d) => [d.metric, +d.value.toFixed(6), d.verdict])).toEqual([
      ['insertion', -0.124, 'worse'],
      ['deletion', 0.019, 'worse'],
    ]);
    expect(verdictSentence(list)).toBe('The refinement made insertion and deletion worse.');
    const boxes = deltas({ insertion: 0.7, deletion: 0.01, fRp: 0.3 }, { insertion: 0.6, deletion: 0.0103, fRp: 0.2 });
    expect(boxes.map((d) => d.verdict)).toEqual(['better', 'same', 'better']);
    expect(verdictSentence(boxes)).toBe('The refinement helped on insertion and F; left deletion the same.');
    expect(signed4(-0.124)).toBe('−0.1240');
    expect(signed4(0.019)).toBe('+0.0190');
  });

  it('knows which batch method refines which prior', () => {
    const methods = ['rise', 'borex:rise', 'borex:rise+no-flip', 'bo', 'borex:none', 'borex:gradcampp'];
    expect(methods.map((m) => priorOf(m, methods) ?? null)).toEqual([null, 'rise', 'rise', null, null, null]);
  });
});
