import { describe, expect, it } from 'vitest';
import { paperPairs, type JoinedItem, type LoadedRuns } from '../../../src/engine/jobs/compare.ts';
import { compareSeeds, runSeeds, seededCsv, seededMarkdown, seedView, spread } from '../../../src/engine/jobs/compare-seeds.ts';
import type { MethodRecord } from '../../../src/engine/jobs/run-store.ts';
import { wilcoxon } from '../../../src/engine/stats/index.ts';

const ok = (insertion: number, deletion: number, fRp: number): MethodRecord => ({ status: 'ok', metrics: { insertion, deletion, fRp, f1: fRp } });

/** 10 items, seeds 0..2: rise insertion 0.2 + 0.01·i + 0.02·seed; BOREx adds (seed + 1)·0.01 on all but item 0. */
function seededRuns(): LoadedRuns {
  const methods = [0, 1, 2].flatMap((s) => [`rise@s${s}`, `borex:rise@s${s}`]).concat(['gradcampp']);
  const items: JoinedItem[] = Array.from({ length: 10 }, (_, i) => {
    const m: Record<string, MethodRecord> = { gradcampp: ok(0.5, 0.05, 0.4) };
    for (const s of [0, 1, 2]) {
      const ins = 0.2 + 0.01 * i + 0.02 * s;
      m[`rise@s${s}`] = ok(ins, 0.05, 0.3);
      m[`borex:rise@s${s}`] = ok(ins + (i === 0 ? -0.005 : (s + 1) * 0.01 + 0.001 * i), 0.05 - 0.001 * (i - 4), 0.3 + 0.002 * i);
    }
    return { key: `img${i}.jpg#cat`, image: `img${i}.jpg`, status: 'ok', methods: m };
  });
  return { dirs: ['/r'], manifests: [], items, methods, warnings: [] };
}

describe('compare over seeds', () => {
  it('finds the seeds and shows each seed its own methods under plain ids, seed-free ones shared', () => {
    const runs = seededRuns();
    expect(runSeeds(runs.methods)).toEqual([0, 1, 2]);
    expect(runSeeds(['rise', 'borex:rise'])).toEqual([]);
    const view = seedView(runs, 1);
    expect(view.methods).toEqual(['rise', 'borex:rise', 'gradcampp']);
    expect(view.items[3].methods.rise.metrics!.insertion).toBeCloseTo(0.2 + 0.03 + 0.02, 12);
    expect(Object.keys(view.items[3].methods).sort()).toEqual(['borex:rise', 'gradcampp', 'rise']);
  });

  it('per seed: the one-seed comparison; across seeds: mean ± sample sd of the per-seed means and each p', () => {
    const runs = seededRuns();
    const c = compareSeeds(runs, [0, 1, 2], paperPairs, ['insertion'], 't');
    expect(c.perSeed.map((p) => p.seed)).toEqual([0, 1, 2]);
    const [row] = c.summary;
    expect(row).toMatchObject({ baseline: 'rise', candidate: 'borex:rise', metric: 'insertion', seeds: [0, 1, 2], n: [10, 10, 10] });
    // Per-seed means of rise: 0.245 + 0.02·s → mean 0.265, sd 0.02.
    expect(row.meanBaseline.mean).toBeCloseTo(0.265, 12);
    expect(row.meanBaseline.sd).toBeCloseTo(0.02, 12);
    // Each seed's p is the plain Wilcoxon of that seed's pairs.
    for (const s of [0, 1, 2]) {
      const x = runs.items.map((it) => it.methods[`borex:rise@s${s}`].metrics!.insertion!);
      const y = runs.items.map((it) => it.methods[`rise@s${s}`].metrics!.insertion!);
      expect(row.pValues[s]).toBe(wilcoxon(x, y, 'greater').pValue);
    }
    expect(row.significant).toBe(row.pValues.filter((p) => p! < 0.05).length);
    const md = seededMarkdown(c);
    expect(md).toContain('### Across seeds: Table 1');
    expect(md).toContain('## Seed 2');
    expect(md).toContain('0.2650 ± 0.0200');
    const csv = seededCsv(c).trim().split('\n');
    // header + 3 seeds × 1 pair + 1 summary line
    expect(csv).toHaveLength(5);
    expect(csv[4].split(',')[7]).toBe('all');
  });

  it('spread: mean and sample sd; one value has no sd; undefined values are skipped', () => {
    expect(spread([1, 2, 3])).toEqual({ mean: 2, sd: 1 });
    expect(spread([4])).toEqual({ mean: 4 });
    expect(spread([undefined, 2, 4])).toEqual({ mean: 3, sd: Math.SQRT2 });
    expect(spread([])).toEqual({});
  });

  it('paper pairs add the learned prior weight only when it is run', () => {
    expect(paperPairs(['rise', 'borex:rise', 'borex:none']).some((p) => p.candidate === 'borex:rise+learned')).toBe(false);
    expect(paperPairs(['rise', 'borex:rise', 'borex:none', 'borex:rise+learned']).filter((p) => p.candidate === 'borex:rise+learned').map((p) => [p.table, p.baseline])).toEqual([
      ['Table 1', 'rise'],
      ['Table 2', 'borex:rise'],
      ['Table 2', 'borex:none'],
      ['Table 2', 'borex:none'],
    ]);
  });

  it('the photo default (+learned+pa) gets its own Tables 1 and 2: priors, BO, its ablations, the paper BOREx, no prior', () => {
    const methods = ['rise', 'gradcampp', 'bo', 'borex:rise', 'borex:none', 'borex:rise+pa', 'borex:rise+learned', 'borex:rise+learned+pa', 'borex:gradcampp+learned+pa', 'borex:rise+no-flip+learned+pa', 'borex:rise+simple-avg+learned+pa'];
    const rows = paperPairs(methods).filter((p) => p.candidate.endsWith('+learned+pa'));
    expect(rows.map((p) => [p.table, p.name, p.baseline, p.candidate, p.subset?.id ?? ''])).toEqual([
      ['Table 1', 'RISE', 'rise', 'borex:rise+learned+pa', ''],
      ['Table 1', 'Grad-CAM++', 'gradcampp', 'borex:gradcampp+learned+pa', ''],
      ['Table 1', 'BO (Mokuwe et al.)', 'bo', 'borex:rise+learned+pa', ''],
      ['Table 2', 'no-flip', 'borex:rise+no-flip+learned+pa', 'borex:rise+learned+pa', ''],
      ['Table 2', 'simple-avg', 'borex:rise+simple-avg+learned+pa', 'borex:rise+learned+pa', ''],
      ['Table 2', 'fixed prior weight', 'borex:rise+pa', 'borex:rise+learned+pa', ''],
      ['Table 2', 'the prior before the aggregate (coverage)', 'borex:rise+learned', 'borex:rise+learned+pa', ''],
      ['Table 2', "the paper's BOREx (fixed weight, coverage)", 'borex:rise', 'borex:rise+learned+pa', ''],
      ['Table 2', 'no-prior', 'borex:none', 'borex:rise+learned+pa', ''],
      ['Table 2', 'no-prior (base insertion < 0.6)', 'borex:none', 'borex:rise+learned+pa', 'prior-insertion<0.6'],
    ]);
    // The paper's rows are unchanged by the variant being there.
    expect(paperPairs(methods).filter((p) => p.candidate === 'borex:rise').map((p) => p.baseline)).toEqual(['rise', 'bo', 'borex:none', 'borex:none']);
  });
});
