#!/usr/bin/env python3
"""Issue 15 item 6: selection rules for the deletion check, simulated on check-candidates.ts output.

For every item and seed, each rule picks one map among R (the BOREx map), P (its prior) and the
prior heads H<q> (the prior's top share q, then R's order), by their check scores (the
trapezoid-weighted deletion scores at the check's fractions; lower is better):
  R, P, H<q>        always that map
  R|X               X where its score is strictly lower than R's, else R
  R|H*              the lowest score among R and every head
  R|H<q>|P>m        the lower of R and H<q>, replaced by P where P's score is below (1 - m) times it
Prints per rule: the mean over seeds of each metric's mean with the one-sided Wilcoxon p against P
per seed (SciPy, zero_method='wilcox', as borex compare), the worst deletion gap to P and how many
item-seeds exceed 0.05 (the demo criterion), and the share of item-seeds that kept R.
    python3 tools/borex-findings/check-rules.py OUT0.jsonl [OUT1.jsonl ...]
"""
import json
import sys

from scipy.stats import wilcoxon

rows = [json.loads(line) for f in sys.argv[1:] for line in open(f)]
seeds = sorted({r['seed'] for r in rows})
heads = [k for k in rows[0] if k.startswith('H')]


def lowest(r, cands):
    best = 'R'
    for c in cands:
        if r[c]['check'] < r[best]['check']:
            best = c
    return best


def with_prior(h, m):
    def rule(r):
        best = lowest(r, [h])
        return 'P' if r['P']['check'] < (1 - m) * r[best]['check'] else best
    return rule


rules = {'R': lambda r: 'R', 'P': lambda r: 'P'}
rules.update({h: (lambda r, h=h: h) for h in heads})
rules['R|P'] = lambda r: lowest(r, ['P'])
rules.update({'R|' + h: (lambda r, h=h: lowest(r, [h])) for h in heads})
rules['R|H*'] = lambda r: lowest(r, heads)
for h in [h for h in heads if h in ('H0.0625', 'H0.125')]:
    for m in (0, 0.1, 0.2, 0.3):
        rules[f'R|{h}|P>{m}'] = with_prior(h, m)


def p_value(a, b, alt):
    if all(abs(x - y) < 1e-15 for x, y in zip(a, b)):
        return 1.0
    return wilcoxon(a, b, zero_method='wilcox', alternative=alt).pvalue


print('rule | n | insertion mean (p per seed) | deletion mean (p per seed) | F_rp mean (p per seed) | worst deletion gap to P (> 0.05) | kept R')
print('|'.join(['---'] * 7))
for name, rule in rules.items():
    cells = []
    for metric, alt in (('insertion', 'greater'), ('deletion', 'less'), ('fRp', 'greater')):
        means, ps = [], []
        for s in seeds:
            rs = [r for r in rows if r['seed'] == s]
            chosen = [r[rule(r)][metric] for r in rs]
            means.append(sum(chosen) / len(chosen))
            ps.append(p_value(chosen, [r['P'][metric] for r in rs], alt))
        cells.append('%.4f (%s)' % (sum(means) / len(means), ' / '.join('%.2g' % p for p in ps)))
    gaps = [r[rule(r)]['deletion'] - r['P']['deletion'] for r in rows]
    kept = sum(rule(r) == 'R' for r in rows) / len(rows)
    print(' | '.join([name, str(len(rows))] + cells + ['%+.3f (%d)' % (max(gaps), sum(g > 0.05 for g in gaps)), '%.2f' % kept]))
