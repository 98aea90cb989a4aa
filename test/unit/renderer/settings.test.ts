/** The explain view's advanced fields (src/renderer/src/lib/settings.ts): refused in the user's words, before sending. */
import { describe, expect, it } from 'vitest';
import { advancedOptions, defaultSettings } from '../../../src/renderer/src/lib/settings.ts';

const fields = (patch: Record<string, string>) => ({ ...defaultSettings().advanced, ...patch });

describe('advanced options', () => {
  it('sends what the engine accepts', () => {
    expect(advancedOptions(fields({ iterations: '20', halfSizes: '4, 8', keepProbability: '0.3' }))).toEqual({ options: { iterations: 20, halfSizes: [4, 8], keepProbability: 0.3 }, problems: [] });
  });

  it('refuses a value out of range by its label and in plain words, never the schema text', () => {
    const { options, problems } = advancedOptions(fields({ iterations: '1001', masks: '0', keepProbability: '1.5', seed: '2.5', halfSizes: '1,2,3,4,5,6,7,8,9', gain: 'lots' }));
    expect(options).toEqual({});
    expect(problems).toEqual([
      'Seed: 2.5 is not allowed; use a whole number from 0 to 2147483647',
      'RISE masks N: 0 is not allowed; use a whole number from 1 to 50000',
      'Keep p₁: 1.5 is not allowed; use a number from 0.01 to 0.99',
      'Iterations: 1001 is not allowed; use a whole number from 1 to 1000',
      'Squash gain: "lots" is not a number',
      'Mask half-sizes: 1,2,3,4,5,6,7,8,9 is not allowed; use 1 to 8 numbers separated by commas',
    ]);
    expect(problems.join(' ')).not.toMatch(/expected|got number|≥|≤/);
  });
});

describe('explain progress steps', () => {
  it('names the step and how many there are, so a new stage does not look like the end', async () => {
    const { overallProgress, planStages, stepText } = await import('../../../src/renderer/src/lib/stages.ts');
    const plan = planStages('borex', 'rise');
    expect(plan).toEqual(['rise', 'borex', 'insertion/deletion']);
    expect(stepText(plan, 'borex', 12, 50)).toBe('step 2 of 3: BOREx iterations 12/50');
    expect(stepText(plan, 'insertion/deletion', 1, 2)).toBe('step 3 of 3: scoring (insertion, deletion) 1/2');
    expect(planStages('borex', 'gradcampp')).toEqual(['borex', 'insertion/deletion']);
    expect(stepText(planStages('gradcam', 'none'), 'other', 1, 4)).toBe('other 1/4');
    // The bar goes on across steps: the end of RISE is a third of the way, not the end.
    expect(overallProgress(plan, 'rise', 100, 100)).toBeCloseTo(1 / 3, 12);
    expect(overallProgress(plan, 'borex', 25, 50)).toBeCloseTo(0.5, 12);
    expect(overallProgress(plan, 'insertion/deletion', 2, 2)).toBe(1);
  });
});
