import type { MethodChoice, PriorChoice } from '../../../shared/api.ts';

/**
 * An explain job's stages in order (the engine reports each from 0 to its total: rise.ts,
 * borex.ts, insertion-deletion.ts), so the progress line says which step of how many it is in,
 * rather than starting again at 0 with "about 0 s left" while scoring is still to come.
 */
export function planStages(method: MethodChoice, prior: PriorChoice): string[] {
  const scoring = 'insertion/deletion';
  if (method === 'rise' || method === 'pn-rise') return [method, scoring];
  if (method === 'gradcam' || method === 'gradcampp') return [scoring];
  if (method === 'bo') return ['borex', scoring];
  return [...(prior === 'rise' || prior === 'pn-rise' ? [prior] : []), 'borex', scoring];
}

const WORDS: Record<string, string> = { rise: 'RISE masks', 'pn-rise': 'PN-RISE masks', borex: 'BOREx iterations', 'insertion/deletion': 'scoring (insertion, deletion)' };

/** "step 2 of 3: BOREx iterations 12/50"; a stage not in the plan is named as the engine names it. */
export function stepText(plan: readonly string[], stage: string, done: number, total: number): string {
  const i = plan.indexOf(stage);
  const what = `${WORDS[stage] ?? stage} ${done}/${total}`;
  return i < 0 ? what : `step ${i + 1} of ${plan.length}: ${what}`;
}

/** The whole job's share done, each step an equal part: the bar moves on across steps, never back to 0. */
export function overallProgress(plan: readonly string[], stage: string, done: number, total: number): number {
  const i = plan.indexOf(stage);
  const within = total > 0 ? Math.min(done / total, 1) : 0;
  return i < 0 ? within : (i + within) / plan.length;
}
