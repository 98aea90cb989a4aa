import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { borex, tempDir } from '../helpers/cli.ts';

interface Row {
  scene: string;
  prior: { insertion: number; deletion: number; fRp: number };
  refined: { insertion: number; deletion: number; fRp: number };
  check?: { kept: 'refined' | 'head' | 'prior'; refined: number; head?: number; share?: number; prior?: number };
}

// `npm run demo` (README's quick start), seed 0: the six bundled scenes with the photo defaults and
// the deletion check `uniform` (docs/results/borex-seeds.md: its output table is there).
describe('borex demo', () => {
  it('explains the six scenes with the photo defaults and the even check, says which map the check kept, and no scene deletes worse than its prior by > 0.05', () => {
    const out = tempDir();
    const r = borex(['demo', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as Row[];
    expect(rows.map((x) => x.scene)).toEqual(['shapes-01-circle', 'shapes-02-square', 'shapes-03-triangle', 'shapes-04-star', 'shapes-05-cross', 'shapes-06-ring']);
    for (const row of rows) {
      const result = JSON.parse(fs.readFileSync(path.join(out, row.scene, 'result.json'), 'utf8')) as { config: { borex: Record<string, unknown> }; borex: { modelCalls: number } };
      expect(result.config.borex).toMatchObject({ priorWeight: 'learned', composition: 'prior-after', check: 'uniform', iterations: 50 });
      // 35 rounds of two images and the check's 30: the 100 model calls of the paper's budget.
      expect(result.borex.modelCalls).toBe(100);
      expect(row.check).toBeDefined();
      // The table's last column is the check's choice, in words.
      const words = { refined: 'the refinement', head: `the prior’s top 1/${Math.round(1 / row.check!.share!)} first`, prior: 'the prior' }[row.check!.kept];
      expect(r.stdout.split('\n').find((l) => l.startsWith(row.scene))!.endsWith(words)).toBe(true);
      // Kept the prior: the refined map is the prior, so are its metrics.
      if (row.check!.kept === 'prior') expect(row.refined).toEqual(row.prior);
      expect(row.refined.deletion - row.prior.deletion).toBeLessThanOrEqual(0.05);
    }
  }, 300_000);
});
