/// <reference types="svelte" />
// (The reference declares the runes for plain `tsc`, which type-checks the unit tests that import this.)
import type { JobResult, JobState } from './job-store.svelte.ts';

/**
 * The app's running jobs, whichever view started them (issue 13, finding 11): each view registers
 * its job stores once (trackJob), and the tab bar's indicator lists the ones running now with their
 * progress, so a job stays in sight when its tab is left, and a click goes back to it.
 */
export type JobTab = 'explain' | 'batch' | 'video';

/** A job store as the indicator reads it: its state only. */
export interface Followed {
  readonly state: JobState<JobResult>;
}

interface Tracked {
  tab: JobTab;
  /** What the job is, in words: "Explain", "Batch", "Video proxy". */
  what: string;
  /** What its counts count when a stage does not say (a batch: photos). */
  unit?: string;
  store: Followed;
}

let tracked: Tracked[] = $state.raw([]);

/** Registers a view's job store with the indicator; the returned function takes it off again. */
export function trackJob(store: Followed, tab: JobTab, what: string, unit?: string): () => void {
  const entry: Tracked = { tab, what, unit, store };
  tracked = [...tracked, entry];
  return () => (tracked = tracked.filter((t) => t !== entry));
}

export interface RunningJob {
  tab: JobTab;
  what: string;
  /** "Batch: 3/10 photos · about 12 s left". */
  text: string;
  /** Share done, 0–1. */
  fraction: number;
}

/** How the time left is said (lib/maps.ts formatEta in the page; this module stays DOM-free for its unit test). */
export type EtaWords = (ms: number | undefined) => string;

/** The indicator's line for one running job. */
export function describeJob(what: string, s: { stage: string; done: number; total: number; etaMs?: number }, unit?: string, etaWords: EtaWords = () => ''): { text: string; fraction: number } {
  const counts = s.stage === 'starting' ? 'starting' : unit ? `${s.done}/${s.total} ${unit}` : `${s.stage} ${s.done}/${s.total}`;
  const eta = etaWords(s.etaMs);
  return { text: `${what}: ${counts}${eta ? ` · ${eta}` : ''}`, fraction: s.total > 0 ? Math.min(1, Math.max(0, s.done / s.total)) : 0 };
}

/** The jobs running now, in the order their views registered (reactive: read it in a $derived). */
export function runningJobs(etaWords?: EtaWords): RunningJob[] {
  return tracked.flatMap((t) => {
    const s = t.store.state;
    return s.phase === 'running' ? [{ tab: t.tab, what: t.what, ...describeJob(t.what, s, t.unit, etaWords) }] : [];
  });
}
