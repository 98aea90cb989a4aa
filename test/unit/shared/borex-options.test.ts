/**
 * The issue-15 BOREx options at the transport (advancedOptions, batch method ids): what the
 * schemas let through and refuse, and that the engine's parsers agree with them (the names are
 * declared once, in src/shared/requests.ts).
 */
import { describe, expect, it } from 'vitest';
import { advancedOptions, batchMethodId, batchRequest, composition, explainRequest, explainVideoRequest } from '../../../src/shared/api.ts';
import { ApiError } from '../../../src/shared/errors.ts';
import { parseComposition } from '../../../src/engine/methods/borex-aggregate.ts';
import { parseMethodId } from '../../../src/engine/jobs/batch-methods.ts';

const refusal = (schema: (v: unknown, p: string) => unknown, value: unknown, path = ''): string => {
  try {
    schema(value, path);
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).kind).toBe('bad-request');
    return (e as ApiError).message;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
};
const schemaTakes = (text: string) => {
  try {
    composition(text, '');
    return true;
  } catch {
    return false;
  }
};
const engineTakes = (text: string) => {
  try {
    parseComposition(text);
    return true;
  } catch {
    return false;
  }
};

describe('advancedOptions: the BOREx options', () => {
  it('accepts each option and keeps it as sent', () => {
    const a = { priorWeight: 'learned', composition: 'prior-after', qBatch: 4, shapes: 'rects', aspects: [0.5, 1, 2] };
    expect(advancedOptions(a, 'advanced')).toEqual(a);
    expect(advancedOptions({ priorWeight: 'fixed', shapes: 'squares', qBatch: 1 }, '')).toEqual({ priorWeight: 'fixed', shapes: 'squares', qBatch: 1 });
    expect(advancedOptions({ qBatch: 64 }, '')).toEqual({ qBatch: 64 });
    expect(advancedOptions({ shapes: 'rects', aspects: [0.05, 20] }, '')).toEqual({ shapes: 'rects', aspects: [0.05, 20] });
    for (const c of ['head', 'prior', 'both', 'heads', 'off']) expect(advancedOptions({ deletionCheck: c }, '')).toEqual({ deletionCheck: c });
  });

  it('absent options stay absent (no defaults are filled in at the transport)', () => {
    expect(advancedOptions({ seed: 2 }, '')).toEqual({ seed: 2 });
    expect(Object.keys(advancedOptions({}, ''))).toEqual([]);
  });

  it.each([
    [{ priorWeight: 'beta' }, 'advanced.priorWeight: expected one of fixed, learned, got "beta"'],
    [{ qBatch: 0 }, 'advanced.qBatch: expected an integer ≥ 1 ≤ 64, got number'],
    [{ qBatch: 65 }, 'advanced.qBatch: expected an integer ≥ 1 ≤ 64, got number'],
    [{ qBatch: 2.5 }, 'advanced.qBatch: expected an integer ≥ 1 ≤ 64, got number'],
    [{ shapes: 'circles' }, 'advanced.shapes: expected one of squares, rects, got "circles"'],
    [{ aspects: [2] }, 'advanced.aspects: the rectangles\' height/width ratios need shapes "rects"'],
    [{ shapes: 'squares', aspects: [2] }, 'advanced.aspects: the rectangles\' height/width ratios need shapes "rects"'],
    [{ shapes: 'rects', aspects: [] }, 'advanced.aspects: expected an array of 1–8 items, got array'],
    [{ shapes: 'rects', aspects: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, 'advanced.aspects: expected an array of 1–8 items, got array'],
    [{ shapes: 'rects', aspects: [0.04] }, 'advanced.aspects[0]: expected a number ≥ 0.05 ≤ 20, got number'],
    [{ shapes: 'rects', aspects: [1, 21] }, 'advanced.aspects[1]: expected a number ≥ 0.05 ≤ 20, got number'],
    [{ shapes: 'rects', aspects: [2, 2] }, 'advanced.aspects: an aspect is repeated (2, 2)'],
    [{ composition: 'blend' }, 'advanced.composition: expected one of coverage, prior-after, rank-sum, rank-product, min, max, product, tiebreak, prior-after*K (K > 0) or tiebreak:Q (0 < Q ≤ 1), got "blend"'],
    [{ composition: 3 }, 'advanced.composition: expected a string, got number'],
    [{ deletionCheck: 'yes' }, 'advanced.deletionCheck: expected one of head, prior, both, heads, uniform, off, got "yes"'],
    [{ deletionCheck: true }, 'advanced.deletionCheck: expected one of head, prior, both, heads, uniform, off, got boolean'],
  ])('refuses %j with its reason', (value, message) => {
    expect(refusal(advancedOptions, value, 'advanced')).toBe(message);
  });

  it('an explain request carries them; a video request refuses them by name', () => {
    const photo = { imageId: 'a', model: 'mobilenetv2-12-int8', method: 'borex', prior: 'rise', preset: 'default', advanced: { priorWeight: 'learned', shapes: 'rects' } };
    expect(explainRequest(photo, '').advanced).toEqual({ priorWeight: 'learned', shapes: 'rects' });
    const clip = { videoId: 'v', model: 'motion-v1', method: 'borex', prior: 'rise', preset: 'default' };
    expect(explainVideoRequest({ ...clip, advanced: { iterations: 8 } }, '').advanced).toEqual({ iterations: 8 });
    expect(refusal(explainVideoRequest, { ...clip, advanced: { priorWeight: 'learned', qBatch: 2 } })).toBe('advanced.priorWeight, qBatch: photos only; a video\'s explain does not take them');
    expect(refusal(explainVideoRequest, { ...clip, advanced: { composition: 'min' } })).toBe('advanced.composition: photos only; a video\'s explain does not take it');
    expect(refusal(explainVideoRequest, { ...clip, advanced: { deletionCheck: 'head' } })).toBe('advanced.deletionCheck: photos only; a video\'s explain does not take it');
  });
});

describe('composition: the schema lets through exactly what the engine parses', () => {
  const accepted = ['coverage', 'prior-after', 'rank-sum', 'rank-product', 'min', 'max', 'product', 'tiebreak', 'prior-after*3', 'prior-after*0.5', 'prior-after*.5', 'prior-after*2.', 'prior-after*001', 'tiebreak:0.02', 'tiebreak:1', 'tiebreak:1.0', 'tiebreak:.5'];
  const refused = ['', 'blend', 'Prior-after', 'prior-after*', 'prior-after*0', 'prior-after*0.0', 'prior-after*.', 'prior-after*1.2.3', 'prior-after*-1', 'prior-after*1e3', 'prior-after:2', 'tiebreak:', 'tiebreak:0', 'tiebreak:1.5', 'tiebreak:1.01', 'tiebreak*0.5', 'min*2', 'rank-sum:0.1', 'coverage*1', 'tiebreak:0.5:0.5'];

  it.each(accepted)('%s: both accept', (text) => {
    expect([schemaTakes(text), engineTakes(text)]).toEqual([true, true]);
    expect(composition(text, '')).toBe(text);
  });
  it.each(refused)('%j: both refuse', (text) => {
    expect([schemaTakes(text), engineTakes(text)]).toEqual([false, false]);
  });
  it('the transport is stricter only where the CLI is lenient: surrounding spaces, and names past 32 characters', () => {
    expect([schemaTakes(' min'), engineTakes(' min')]).toEqual([false, true]);
    const long = `prior-after*${'1'.repeat(25)}`;
    expect([schemaTakes(long), engineTakes(long)]).toEqual([false, true]);
  });
});

describe('batch method ids', () => {
  const base = { imageIds: ['a'], model: 'mobilenetv2-12-int8', preset: 'paper' };
  it('takes the plain choices and BOREx ids with modifiers, as sent', () => {
    const methods = ['rise', 'borex:rise', 'borex:rise+learned+pa', 'borex:rise+rects', 'borex:gradcampp+q4', 'borex+learned', 'bo'];
    expect(batchRequest({ ...base, methods }, '').methods).toEqual(methods);
  });
  it.each([
    ['lime'],
    ['borex:rise+'],
    ['borex:rise learned'],
    ['borex:RISE+pa'],
    ['bo+learned'],
    ['rise+pa'],
  ])('refuses %j at the transport', (id) => {
    expect(refusal(batchMethodId, id, 'methods[0]')).toBe(`methods[0]: expected one of rise, pn-rise, gradcam, gradcampp, borex:rise, borex:pn-rise, borex:gradcampp, borex:none, bo, or borex:PRIOR with modifiers (+learned, +fixed, +pa, +no-pa, +rects, +qN), got ${JSON.stringify(id)}`);
  });
  it('what the schema lets through is the engine parser’s to accept or refuse, in the CLI’s words', () => {
    const through = ['borex:rise+pa+learned', 'borex:rise+q1', 'borex:rise+q65', 'borex:rise+pa+pa', 'borex:rise+fast', 'borex:dino+pa', 'borex:rise+q2+q4', 'borex:rise+simple-avg+area', 'borex:rise+no-pa+fixed', 'borex:rise+learned+fixed', 'borex:rise+pa+no-pa'];
    for (const id of through) expect(batchMethodId(id, '')).toBe(id);
    const words = through.map((id) => {
      try {
        return parseMethodId(id).id;
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(words).toEqual([
      'borex:rise+learned+pa',
      'method "borex:rise+q1": +q1 needs a batch size from 2 to 64 (+q2 … +q64)',
      'method "borex:rise+q65": +q65 needs a batch size from 2 to 64 (+q2 … +q64)',
      'method "borex:rise+pa+pa" repeats a modifier',
      'method "borex:rise+fast": unknown modifier "+fast"; one of +no-flip, +simple-avg, +area, +learned, +fixed, +rects, +pa, +no-pa, +check-heads, +check, +check-both, +check-prior, +check-uniform, +no-check',
      'method "borex:dino+pa": unknown prior "dino"; one of rise, pn-rise, gradcampp, none',
      'method "borex:rise+q2+q4" has more than one +qN modifier',
      'method "borex:rise+simple-avg+area": +simple-avg and +area are two different aggregates; pick one',
      'borex:rise+fixed+no-pa',
      'method "borex:rise+learned+fixed": +learned and +fixed are two different prior weights; pick one',
      'method "borex:rise+pa+no-pa": +pa and +no-pa are two different compositions; pick one',
    ]);
  });
  it('every id the app offers parses', () => {
    for (const id of ['borex:rise+learned', 'borex:rise+pa', 'borex:rise+rects', 'borex:rise+learned+pa', 'borex:none+learned+rects+q8']) expect(parseMethodId(batchMethodId(id, '')).kind).toBe('refine');
  });
});
