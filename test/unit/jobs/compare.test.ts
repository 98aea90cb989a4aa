import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparePair, compareRuns, formatP, loadRuns, paperPairs, toCsv, toJson, toMarkdown } from '../../../src/engine/jobs/compare.ts';
import { meanCurves, resampleCurve, toHtml } from '../../../src/engine/jobs/report-html.ts';
import type { ItemRecord, MethodRecord, RunManifest } from '../../../src/engine/jobs/run-store.ts';
import { wilcoxon } from '../../../src/engine/stats/index.ts';
import { tempDir } from '../../helpers/cli.ts';

const METHODS = ['rise', 'bo', 'borex:rise', 'borex:rise+no-flip', 'borex:none', 'gradcampp', 'borex:gradcampp'];

/** A run directory written by hand: item i has rise insertion 0.3 + 0.05·i, BOREx a bit better on most. */
function fakeRun(n = 12, opts: { methods?: string[]; sha?: string } = {}): string {
  const dir = path.join(tempDir(), 'run');
  fs.mkdirSync(dir);
  const methods = opts.methods ?? METHODS;
  const manifest: RunManifest = {
    format: 'borex-run',
    version: 1,
    kind: 'batch',
    spec: { input: { entries: n, entriesSha256: 'e' }, model: { name: 'm', sha256: opts.sha ?? 'abc' }, methods: methods.map((id) => ({ id })) },
    shard: null,
    created: 'now',
    versions: {},
  };
  fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(manifest));
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const ins = 0.3 + 0.05 * i;
    const m = (insertion: number, deletion: number, fRp: number): MethodRecord => ({ status: 'ok', metrics: { insertion, deletion, fRp, f1: fRp * 1.5 }, curves: { insertion: [0, insertion, 1], deletion: [1, deletion, 0] } });
    const failed: MethodRecord = { status: 'failed', error: { kind: 'runtime', message: 'method "gradcampp" is not available in this build yet' } };
    const all: Record<string, MethodRecord> = {
      rise: m(ins, 0.1, 0.3),
      bo: m(ins - 0.02, 0.12, 0.25),
      'borex:rise': m(ins + (i % 4 === 0 ? -0.01 : 0.02 + 0.001 * i), 0.1 + (i % 2 ? 0.01 : -0.01) * (1 + i / 10), 0.3 + 0.001 * (i - 3)),
      'borex:rise+no-flip': m(ins - 0.01 * (i + 1), 0.15, 0.2),
      'borex:none': m(ins, 0.1, 0.3 - 0.001 * i),
      gradcampp: failed,
      'borex:gradcampp': { ...failed, error: { kind: 'runtime', message: 'prior gradcampp failed: x' } },
    };
    const rec: ItemRecord = { entry: i, part: 0, parts: 1, key: `img${i}.jpg#cat`, image: `img${i}.jpg`, status: 'ok', class: 'cat', methods: Object.fromEntries(methods.map((id) => [id, all[id]])) };
    lines.push(JSON.stringify(rec));
  }
  lines.push(JSON.stringify({ entry: n, part: 0, parts: 1, key: 'bad.jpg', image: 'bad.jpg', status: 'failed', error: { kind: 'bad-input', message: 'bad.jpg: corrupt' } }));
  fs.writeFileSync(path.join(dir, 'items.jsonl'), lines.map((l) => l + '\n').join(''));
  return dir;
}

describe('compare', () => {
  it("builds the paper's Table 1 and 2 pairs from the methods present", () => {
    const pairs = paperPairs(METHODS);
    expect(pairs.map((p) => [p.table, p.baseline, p.candidate, p.subset?.id])).toEqual([
      ['Table 1', 'rise', 'borex:rise', undefined],
      ['Table 1', 'gradcampp', 'borex:gradcampp', undefined],
      ['Table 1', 'bo', 'borex:rise', undefined],
      ['Table 2', 'borex:rise+no-flip', 'borex:rise', undefined],
      ['Table 2', 'borex:none', 'borex:rise', undefined],
      ['Table 2', 'borex:none', 'borex:rise', 'prior-insertion<0.6'],
    ]);
    expect(paperPairs(['rise', 'bo'])).toEqual([]);
  });

  it('tests candidate against baseline one-sided with the stats module, with means, median and share improved', () => {
    const runs = loadRuns([fakeRun()]);
    const c = compareRuns(runs, paperPairs(runs.methods));
    const ins = c.rows.find((r) => r.baseline === 'rise' && r.metric === 'insertion')!;
    const x = runs.items.filter((i) => i.status === 'ok').map((i) => i.methods['borex:rise'].metrics!.insertion!);
    const y = runs.items.filter((i) => i.status === 'ok').map((i) => i.methods.rise.metrics!.insertion!);
    const w = wilcoxon(x, y, 'greater');
    expect(ins).toMatchObject({ n: 12, alternative: 'greater', pValue: w.pValue, statistic: w.statistic, medianDifference: w.medianDifference, shareImproved: w.shareImproved, paperP: 1.016e-23 });
    expect(ins.meanCandidate! - ins.meanBaseline!).toBeCloseTo(x.reduce((a, b) => a + b) / 12 - y.reduce((a, b) => a + b) / 12, 12);
    expect(ins.shareImproved).toBeCloseTo(9 / 12, 12);
    const del = c.rows.find((r) => r.baseline === 'rise' && r.metric === 'deletion')!;
    expect(del.alternative).toBe('less');
    expect(del.pValue).toBe(wilcoxon(runs.items.filter((i) => i.status === 'ok').map((i) => i.methods['borex:rise'].metrics!.deletion!), runs.items.filter((i) => i.status === 'ok').map((i) => i.methods.rise.metrics!.deletion!), 'less').pValue);
    // A baseline that is worse on every item: the smallest exact p-value for n = 12, 1/2^12.
    const noflip = c.rows.find((r) => r.baseline === 'borex:rise+no-flip' && r.metric === 'fRp')!;
    expect(noflip.pValue).toBeCloseTo(1 / 4096, 15);
    expect(noflip.shareImproved).toBe(1);
    // Subset: items whose rise insertion < 0.6 (i = 0..5).
    const sub = c.rows.find((r) => r.subset && r.metric === 'fRp')!;
    expect(sub.n).toBe(6);
    // Identical values everywhere: no test, a note.
    expect(comparePair(runs.items, { table: 't', name: 'n', baseline: 'rise', candidate: 'borex:none' }, 'insertion')).toMatchObject({ n: 12, note: 'every paired difference is zero: no test' });
    // A method that failed everywhere: n = 0 and the engine's message.
    expect(c.rows.find((r) => r.baseline === 'gradcampp' && r.metric === 'fRp')).toMatchObject({ n: 0, note: 'borex:gradcampp failed on every item: prior gradcampp failed: x' });
    expect(c.items).toEqual({ total: 13, ok: 12, failed: 1, noItem: 0 });
    expect(c.methods.find((m) => m.id === 'gradcampp')).toMatchObject({ ok: 0, failed: 12 });
  });

  it('writes Markdown with stars, CSV with one row per test, JSON with the differences, and self-contained HTML', () => {
    const runs = loadRuns([fakeRun()]);
    const c = compareRuns(runs, paperPairs(runs.methods));
    const md = toMarkdown(c);
    expect(md).toContain('### Table 1');
    expect(md).toContain('### Table 2: BOREx(RISE) against');
    expect(md).toMatch(/\| no-flip \(`borex:rise\+no-flip`\) \| F-measure \(F_rp\) ↑ \| 12 \|.*\| 2\.441e-4\*\* \| 2\.987e-29\*\* \|/);
    expect(md).toContain('`gradcampp`: failed on 12 of 12 items — method "gradcampp" is not available in this build yet');
    const csv = toCsv(c).trim().split('\n');
    expect(csv).toHaveLength(1 + c.rows.length);
    expect(csv[0]).toBe('table,name,baseline,candidate,subset,metric,alternative,n,mean_baseline,mean_candidate,median_difference,share_improved,statistic,p_value,significance,test_method,warnings,note,paper_p');
    const json = JSON.parse(toJson(c));
    expect(json.rows[0].differences).toHaveLength(json.rows[0].n);
    const html = toHtml(c, runs.items, runs.methods);
    expect(html).toContain('Mean insertion and deletion curves');
    expect(html.match(/<svg/g)!.length).toBe(2 + c.rows.length);
    expect(html).not.toMatch(/<script|<link|src=|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(formatP(0.0004)).toBe('4.000e-4**');
    expect(formatP(0.03)).toBe('0.0300*');
    expect(formatP(0.5)).toBe('0.5000');
  });

  it('averages curves resampled over the fraction of pixels', () => {
    expect(resampleCurve([0, 1], 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(resampleCurve([0, 1, 0], 3)).toEqual([0, 1, 0]);
    const runs = loadRuns([fakeRun(2)]);
    const [rise] = meanCurves(runs.items, ['rise'], 'insertion');
    expect(rise.n).toBe(2);
    expect(rise.curve[50]).toBeCloseTo((0.3 + 0.35) / 2, 12);
  });

  it('joins runs of one model by item key (methods from either) and refuses runs of another model', () => {
    const a = fakeRun(5, { methods: ['rise', 'borex:rise'] });
    const b = fakeRun(5, { methods: ['bo'] });
    const runs = loadRuns([a, b]);
    expect(runs.methods).toEqual(['rise', 'borex:rise', 'bo']);
    const c = comparePair(runs.items, { table: 'x', name: 'bo', baseline: 'bo', candidate: 'borex:rise' }, 'insertion');
    expect(c.n).toBe(5);
    expect(() => loadRuns([a, fakeRun(5, { sha: 'other' })])).toThrow(expect.objectContaining({ kind: 'usage' }));
    expect(() => compareRuns(runs, [{ table: 'x', name: 'y', baseline: 'pn-rise', candidate: 'borex:rise' }])).toThrow(expect.objectContaining({ kind: 'usage' }));
  });
});
