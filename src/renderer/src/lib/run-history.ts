/**
 * The explain view's run history, as data (no DOM: unit-tested): every finished run, newest first,
 * capped, with up to MAX_PINS pinned runs that are never evicted; what a run was made with, in
 * words; and how a shown result differs from the current settings (a stale result is marked).
 * lib/history-store.ts keeps the list in IndexedDB so that it survives a page reload.
 */
import type { AdvancedOptions, CurveMetrics } from '../../../shared/api.ts';
import { delta, type Verdict } from './delta.ts';
import { borexOptionsText } from './settings.ts';

/** Runs kept (pinned ones are never evicted, so the list can hold more while many are pinned). */
export const HISTORY_CAP = 20;
/** Runs shown side by side. */
export const MAX_PINS = 4;

/** What a run was made with: the settings a stale result is checked against. */
export interface RunMade {
  /** The photo's identity: a digest of its bytes (the same photo opened again is the same photo). */
  photo: string;
  photoName: string;
  model: string;
  method: string;
  /** BOREx only: the prior it refined (`file`: an imported map, named by priorFile). */
  prior?: string;
  priorFile?: string;
  label: number;
  labelName: string;
  preset: string;
  /** The seed asked for; undefined: the engine's default. */
  seed?: number;
  /** BOREx/BO's issue-15 options as sent (priorWeight, composition, qBatch, shapes, aspects); undefined: none, the paper's. */
  borex?: AdvancedOptions;
}

export interface HistoryEntry {
  id: string;
  /** When the run ended (ms since 1970). */
  at: number;
  made: RunMade;
  /** The class's probability for the photo. */
  probability: number;
  metrics?: CurveMetrics;
  priorMetrics?: CurveMetrics;
  pinned: boolean;
}

/** Adds a run at the top; beyond `cap`, the oldest unpinned runs go (their ids in `evicted`). */
export function addRun(list: readonly HistoryEntry[], entry: HistoryEntry, cap = HISTORY_CAP): { list: HistoryEntry[]; evicted: string[] } {
  const next = [entry, ...list.filter((e) => e.id !== entry.id)];
  const evicted: string[] = [];
  for (let i = next.length - 1; i >= 0 && next.length > cap; i--) {
    if (next[i].pinned || next[i].id === entry.id) continue;
    evicted.push(next[i].id);
    next.splice(i, 1);
  }
  return { list: next, evicted };
}

/** Pins or unpins a run; a fifth pin is refused with the reason (the list is unchanged). */
export function setPinned(list: readonly HistoryEntry[], id: string, pinned: boolean, max = MAX_PINS): { list: HistoryEntry[]; error?: string } {
  const entry = list.find((e) => e.id === id);
  if (!entry) return { list: [...list], error: 'that run is no longer in the history' };
  if (entry.pinned === pinned) return { list: [...list] };
  if (pinned && list.filter((e) => e.pinned).length >= max) return { list: [...list], error: `up to ${max} runs can be pinned side by side; unpin one first` };
  return { list: list.map((e) => (e.id === id ? { ...e, pinned } : e)) };
}

/** The pinned runs, in the order they were made (oldest left). */
export const pinnedRuns = (list: readonly HistoryEntry[]) => list.filter((e) => e.pinned).sort((a, b) => a.at - b.at);

/** Restores a saved list as the view keeps it: newest first, capped the same way. */
export function restored(saved: readonly HistoryEntry[], cap = HISTORY_CAP): { list: HistoryEntry[]; evicted: string[] } {
  let list: HistoryEntry[] = [];
  const evicted: string[] = [];
  for (const e of [...saved].sort((a, b) => a.at - b.at)) {
    const added = addRun(list, e, cap);
    list = added.list;
    evicted.push(...added.evicted);
  }
  return { list, evicted };
}

export const METHOD_NAMES: Record<string, string> = { borex: 'BOREx', bo: 'BO', rise: 'RISE', 'pn-rise': 'PN-RISE', gradcam: 'Grad-CAM', gradcampp: 'Grad-CAM++', file: 'an imported map', none: 'no prior' };
const name = (m: string) => METHOD_NAMES[m] ?? m;

/** The method in words: "BOREx from a RISE prior", "RISE". */
export function methodText(made: Pick<RunMade, 'method' | 'prior' | 'priorFile'>): string {
  if (made.method !== 'borex' || made.prior === undefined) return name(made.method);
  if (made.prior === 'none') return 'BOREx from no prior';
  if (made.prior === 'file') return `BOREx from ${made.priorFile ? `the map ${made.priorFile}` : 'an imported map'}`;
  return `BOREx from a ${name(made.prior)} prior`;
}

/** A run's settings in words, for the history list and the pinned panes' titles. */
export function describeRun(made: RunMade): string {
  const options = borexOptionsText(made.borex);
  return [methodText(made), ...(options ? [options] : []), `class ${made.label} ${made.labelName}`, `${made.preset} preset`, ...(made.seed === undefined ? [] : [`seed ${made.seed}`]), made.model].join(' · ');
}

/**
 * How a shown result differs from the current settings, each in words ("method RISE (now
 * Grad-CAM)"): empty when the result is current. A prior is compared only when both are BOREx runs.
 */
export function staleness(made: RunMade, now: RunMade): string[] {
  const out: string[] = [];
  if (made.photo !== now.photo) out.push(`photo ${made.photoName} (now ${now.photoName})`);
  if (made.model !== now.model) out.push(`model ${made.model} (now ${now.model})`);
  if (made.method !== now.method) out.push(`method ${name(made.method)} (now ${name(now.method)})`);
  else if (made.method === 'borex' && (made.prior !== now.prior || (made.prior === 'file' && made.priorFile !== now.priorFile))) out.push(`prior ${priorText(made)} (now ${priorText(now)})`);
  const [was, is] = [borexOptionsText(made.borex) ?? 'the preset’s', borexOptionsText(now.borex) ?? 'the preset’s'];
  if (made.method === now.method && was !== is) out.push(`BOREx options ${was} (now ${is})`);
  if (made.label !== now.label) out.push(`class ${made.label} ${made.labelName} (now ${now.label} ${now.labelName})`);
  if (made.preset !== now.preset) out.push(`preset ${made.preset} (now ${now.preset})`);
  if (made.seed !== now.seed) out.push(`seed ${made.seed ?? 'default'} (now ${now.seed ?? 'default'})`);
  return out;
}
const priorText = (m: RunMade) => (m.prior === 'file' && m.priorFile ? m.priorFile : name(m.prior ?? 'none'));

/** The stale mark's text, or '' for a current result. */
export function staleText(made: RunMade, now: RunMade | undefined): string {
  const diff = now ? staleness(made, now) : [];
  return diff.length ? `stale: made with ${diff.join(', ')}` : '';
}

/** A run's "did the refinement help?" mark on insertion (the list's Δ): undefined without a prior. */
export function insertionVerdict(e: Pick<HistoryEntry, 'metrics' | 'priorMetrics'>): { value: number; verdict: Verdict } | undefined {
  return delta('insertion', e.metrics?.insertion, e.priorMetrics?.insertion);
}
