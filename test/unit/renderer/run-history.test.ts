import { describe, expect, it } from 'vitest';
import { probabilityText, searchClasses } from '../../../src/renderer/src/lib/class-search.ts';
import { addRun, describeRun, HISTORY_CAP, insertionVerdict, MAX_PINS, pinnedRuns, restored, setPinned, staleText, type HistoryEntry, type RunMade } from '../../../src/renderer/src/lib/run-history.ts';

const made: RunMade = { photo: 'abc', photoName: 'dog.jpg', model: 'mobilenetv2-12-int8', method: 'borex', prior: 'rise', label: 248, labelName: 'Eskimo dog', preset: 'default' };
const run = (n: number, pinned = false): HistoryEntry => ({ id: `r${n}`, at: n, made, probability: 0.5, metrics: { insertion: 0.6, deletion: 0.1 }, pinned });
const ids = (l: readonly HistoryEntry[]) => l.map((e) => e.id);

describe('run history', () => {
  it('keeps the newest first and evicts the oldest unpinned run beyond the cap', () => {
    let list: HistoryEntry[] = [];
    const evicted: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const added = addRun(list, run(n), 3);
      list = added.list;
      evicted.push(...added.evicted);
    }
    expect(ids(list)).toEqual(['r5', 'r4', 'r3']);
    expect(evicted).toEqual(['r1', 'r2']);
    expect(HISTORY_CAP).toBe(20);
  });

  it('never evicts a pinned run: the oldest unpinned one goes instead, and with all pinned the list grows', () => {
    const list = [run(3), run(2, true), run(1, true)];
    expect(addRun(list, run(4), 3)).toEqual({ list: [run(4), run(3), run(2, true), run(1, true)].filter((e) => e.id !== 'r3'), evicted: ['r3'] });
    const allPinned = [run(2, true), run(1, true)];
    expect(ids(addRun(allPinned, run(3), 2).list)).toEqual(['r3', 'r2', 'r1']);
  });

  it('pins at most four runs, refusing a fifth with the reason; unpins', () => {
    let list = [1, 2, 3, 4, 5].map((n) => run(n));
    for (const id of ['r1', 'r2', 'r3', 'r4']) list = setPinned(list, id, true).list;
    const fifth = setPinned(list, 'r5', true);
    expect(fifth.error).toBe('up to 4 runs can be pinned side by side; unpin one first');
    expect(fifth.list.filter((e) => e.pinned).length).toBe(MAX_PINS);
    list = setPinned(list, 'r2', false).list;
    expect(setPinned(list, 'r5', true).error).toBeUndefined();
    expect(ids(pinnedRuns(setPinned(list, 'r5', true).list))).toEqual(['r1', 'r3', 'r4', 'r5']);
    expect(setPinned(list, 'gone', true).error).toBe('that run is no longer in the history');
  });

  it('restores a saved list newest first, capped the same way (pinned kept)', () => {
    const saved = [run(1, true), run(4), run(2), run(3)];
    expect(restored(saved, 2)).toEqual({ list: [run(4), run(1, true)], evicted: ['r2', 'r3'] });
  });

  it('says what a run was made with and what differs from the current settings', () => {
    expect(describeRun(made)).toBe('BOREx from a RISE prior · class 248 Eskimo dog · default preset · mobilenetv2-12-int8');
    expect(describeRun({ ...made, method: 'gradcampp', prior: undefined, seed: 7 })).toBe('Grad-CAM++ · class 248 Eskimo dog · default preset · seed 7 · mobilenetv2-12-int8');
    expect(staleText(made, made)).toBe('');
    expect(staleText(made, { ...made, method: 'rise', prior: undefined })).toBe('stale: made with method BOREx (now RISE)');
    expect(staleText(made, { ...made, prior: 'gradcampp' })).toBe('stale: made with prior RISE (now Grad-CAM++)');
    expect(staleText(made, { ...made, label: 1, labelName: 'goldfish', preset: 'paper', seed: 3 })).toBe('stale: made with class 248 Eskimo dog (now 1 goldfish), preset default (now paper), seed default (now 3)');
    expect(staleText(made, { ...made, photo: 'other', photoName: 'cat.jpg', model: 'shapes-v1' })).toBe('stale: made with photo dog.jpg (now cat.jpg), model mobilenetv2-12-int8 (now shapes-v1)');
    // A prior is not compared between runs that are not BOREx.
    expect(staleText({ ...made, method: 'rise', prior: undefined }, { ...made, method: 'rise', prior: undefined })).toBe('');
  });

  it('marks whether the refinement helped insertion', () => {
    expect(insertionVerdict({ metrics: { insertion: 0.7 }, priorMetrics: { insertion: 0.6 } })).toEqual({ metric: 'insertion', value: expect.closeTo(0.1, 12), verdict: 'better' });
    expect(insertionVerdict({ metrics: { insertion: 0.7 } })).toBeUndefined();
  });
});

describe('class search', () => {
  const labels = ['tench', 'goldfish', 'great white shark', 'tiger shark', 'hammerhead'];
  const p = [0.01, 0.02, 0.5, 0.3, 0.17];
  it('finds any label by part of its name, prefixes first, then by probability', () => {
    expect(searchClasses(labels, p, 'SHARK').map((m) => m.index)).toEqual([2, 3]);
    expect(searchClasses(labels, p, 'h').map((m) => m.index)).toEqual([4, 2, 3, 1, 0]);
    expect(searchClasses(labels, p, '1')).toEqual([{ index: 1, name: 'goldfish', probability: 0.02 }]);
    expect(searchClasses(labels, undefined, 'gold')).toEqual([{ index: 1, name: 'goldfish', probability: undefined }]);
    expect(searchClasses(labels, p, '', 2).map((m) => m.index)).toEqual([2, 3]);
    expect(searchClasses(labels, p, 'zebra')).toEqual([]);
  });
  it('writes small probabilities so that they do not read as zero', () => {
    expect(probabilityText(0.1234)).toBe('12.3 %');
    expect(probabilityText(0.00001234)).toBe('1.2e-3 %');
    expect(probabilityText(undefined)).toBe('');
  });
});
