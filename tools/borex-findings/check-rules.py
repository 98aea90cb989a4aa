#!/usr/bin/env python3
"""Issue 15 item 6: selection rules for the deletion check, simulated on check-candidates.ts output.

For every item and seed, each rule picks one map among R (the BOREx map), P (its prior) and the
prior heads H<q> (the prior's top share q, then R's order), by their check scores (the
trapezoid-weighted deletion scores at the check's fractions; lower is better):
  R, P, H<q>        always that map
  R|X               X where its score is strictly lower than R's, else R
  R|H*              the lowest score among R and every head
  R|H<q>|P>m        the lower of R and H<q>, replaced by P where P's score is below (1 - m) times it
  R|H<=q|P>m @K     with --fractions (check-candidates.ts's raw `scores`): the lowest of R and every
                    head up to share q, replaced by P as above, scored over the first K fractions
                    (trapezoid weights over [0, 1] as borex-check.ts's checkWeights); m = inf: no P
  --rule q=Q,gain=G,prior=M,pgain=PG,on=F1:F2:...   with --fractions, instead of those: the lowest
                    of R and every head up to share Q whose score is below R's by more than G
                    (absolute), replaced by P as above (M = inf: no P) or, with pgain, where P's
                    score is below it by more than PG (absolute), scored over the fractions F1, F2, ...
                    (a subset of --fractions; default all); repeatable
  --cv K[:SEED]     with the --rule list as a grid: K-fold cross-validation over the items (an
                    item's seeds stay together; folds by a seeded shuffle of the item keys, SEED 0).
                    For each fold the rule is chosen on the other folds' items — among the rules
                    whose F_rp mean (over seeds) is within --cv-fslack (default 0.002) of R's, the
                    one whose worst seed's deletion p against P is lowest (then the higher F) — and
                    applied to the fold's items; prints the fold's choice and the cross-validated
                    row (every item chosen by a rule fitted without it)
  --oracle          with --fractions, also: per seed, the fewest item switches from R to a head or P
                    that make deletion's p < 0.05, chosen with the true metrics (greedy: the most
                    deletion gained per F lost first) — what a perfect check would have to find
Prints per rule: the mean over seeds of each metric's mean with the one-sided Wilcoxon p against P
per seed (SciPy, zero_method='wilcox', as borex compare), the worst deletion gap to P and how many
item-seeds exceed 0.05 (the demo criterion), and the share of item-seeds that kept R.
    python3 tools/borex-findings/check-rules.py [--fractions LIST [--rule SPEC ... [--cv K[:SEED]]] [--oracle]] OUT0.jsonl [OUT1.jsonl ...]
(--fractions: those check-candidates.ts was given; then only the R|H<=q|P>m rules, or the --rule
ones, are printed. A rule that keeps a head check-candidates.ts --lazy did not score stops with a
KeyError: give --lazy-on the rule's fractions.)
"""
import json
import random
import sys

from scipy.stats import wilcoxon

args = sys.argv[1:]
fractions = None
specs = []
oracle = False
cv = None
cv_fslack = 0.002
while args and args[0].startswith('--'):
    if args[0] == '--fractions':
        fractions = [float(f) for f in args[1].split(',')]
        args = args[2:]
    elif args[0] == '--rule':
        specs.append(dict(kv.split('=') for kv in args[1].split(',')))
        args = args[2:]
    elif args[0] == '--cv':
        k, _, cv_seed = args[1].partition(':')
        cv = (int(k), int(cv_seed or 0))
        args = args[2:]
    elif args[0] == '--cv-fslack':
        cv_fslack = float(args[1])
        args = args[2:]
    elif args[0] == '--oracle':
        oracle = True
        args = args[1:]
    else:
        sys.exit('unknown option ' + args[0])
rows = [json.loads(line) for f in args for line in open(f)]
seeds = sorted({r['seed'] for r in rows})
heads = [k for k in rows[0] if k.startswith('H')]


def weights(fs):
    return [((fs[k + 1] if k + 1 < len(fs) else 1) - (fs[k - 1] if k > 0 else 0)) / 2 for k in range(len(fs))]


def score(r, c, w):
    return sum(wk * s for wk, s in zip(w, r[c]['scores']))


def spec_rule(spec):
    on = [float(f) for f in spec['on'].split(':')] if 'on' in spec else fractions
    # The subset's trapezoid weights, at the subset's places in the recorded scores.
    w = [0.0] * len(fractions)
    for f, wk in zip(on, weights(on)):
        w[fractions.index(f)] = wk
    cands = [h for h in heads if float(h[1:]) <= float(spec.get('q', 0))]
    gain = float(spec.get('gain', 0))
    m = float(spec.get('prior', 'inf'))
    pgain = float(spec['pgain']) if 'pgain' in spec else None

    def rule(r):
        r_score = score(r, 'R', w)
        best, best_score = 'R', r_score
        for h in cands:
            v = score(r, h, w)
            if v < r_score - gain and v < best_score:
                best, best_score = h, v
        p = score(r, 'P', w)
        return 'P' if (p < best_score - pgain if pgain is not None else p < (1 - m) * best_score) else best
    return rule


def heads_rule(q, m, k):
    w = weights(fractions[:k])
    cands = [h for h in heads if float(h[1:]) <= q]

    def rule(r):
        best = min(['R'] + cands, key=lambda c: score(r, c, w))  # R first: R on ties
        return 'P' if score(r, 'P', w) < (1 - m) * score(r, best, w) else best
    return rule


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


if fractions:
    rules = {'R': rules['R'], 'P': rules['P']}
    if specs:
        rules.update({','.join(f'{k}={v}' for k, v in spec.items()): spec_rule(spec) for spec in specs})
    else:
        for k in (7, len(fractions)):
            for q in sorted({float(h[1:]) for h in heads}):
                for m in (0, 0.1, 0.2, 0.3, float('inf')):
                    rules[f'R|H<={q:g}|P>{m:g} @{k}'] = heads_rule(q, m, k)


def p_value(a, b, alt):
    if all(abs(x - y) < 1e-15 for x, y in zip(a, b)):
        return 1.0
    return wilcoxon(a, b, zero_method='wilcox', alternative=alt).pvalue


METRICS = (('insertion', 'greater'), ('deletion', 'less'), ('fRp', 'greater'))


def evaluate(rule, rs_all):
    """Per metric: (mean over seeds of the chosen maps' mean, [one-sided Wilcoxon p against P per seed])."""
    out = {}
    for metric, alt in METRICS:
        means, ps = [], []
        for s in seeds:
            rs = [r for r in rs_all if r['seed'] == s]
            chosen = [r[rule(r)][metric] for r in rs]
            means.append(sum(chosen) / len(chosen))
            ps.append(p_value(chosen, [r['P'][metric] for r in rs], alt))
        out[metric] = (sum(means) / len(means), ps)
    return out


def print_row(name, rule, rs_all=rows):
    ev = evaluate(rule, rs_all)
    cells = ['%.4f (%s)' % (ev[m][0], ' / '.join('%.2g' % p for p in ev[m][1])) for m, _ in METRICS]
    gaps = [r[rule(r)]['deletion'] - r['P']['deletion'] for r in rs_all]
    kept = sum(rule(r) == 'R' for r in rs_all) / len(rs_all)
    print(' | '.join([name, str(len(rs_all))] + cells + ['%+.3f (%d)' % (max(gaps), sum(g > 0.05 for g in gaps)), '%.2f' % kept]))


print('rule | n | insertion mean (p per seed) | deletion mean (p per seed) | F_rp mean (p per seed) | worst deletion gap to P (> 0.05) | kept R')
print('|'.join(['---'] * 7))
for name, rule in rules.items():
    print_row(name, rule)


def fit(rs):
    """The --cv choice on these items: the lowest worst-seed deletion p among the rules within the F slack of R."""
    f_r = evaluate(rules['R'], rs)['fRp'][0]
    best = None
    for name in rules:
        if name in ('R', 'P'):
            continue
        ev = evaluate(rules[name], rs)
        if ev['fRp'][0] >= f_r - cv_fslack:
            key = (max(ev['deletion'][1]), -ev['fRp'][0])
            if best is None or key < best[0]:
                best = (key, name)
    return best[1] if best else 'R'


if cv:
    k, cv_seed = cv
    keys = sorted({r['key'] for r in rows})
    random.Random(cv_seed).shuffle(keys)
    fold = {key: i % k for i, key in enumerate(keys)}
    chosen = {}
    print()
    print('fold | items | rule chosen on the other folds')
    print('---|---|---')
    for i in range(k):
        chosen[i] = fit([r for r in rows if fold[r['key']] != i])
        print('%d | %d | %s' % (i, sum(v == i for v in fold.values()), chosen[i]))
    print()
    print_row(f'cross-validated ({k} folds, split {cv_seed})', lambda r: rules[chosen[fold[r['key']]]](r))


def greedy_oracle(rs):
    """The switches from R a check with the true metrics would make, fewest first (see --oracle)."""
    choice = ['R'] * len(rs)
    prior = [r['P']['deletion'] for r in rs]
    while p_value([r[c]['deletion'] for r, c in zip(rs, choice)], prior, 'less') >= 0.05:
        best = None
        for i, r in enumerate(rs):
            for c in [k for k in r if (k == 'P' or k.startswith('H')) and 'deletion' in r[k]]:
                gained = r[choice[i]]['deletion'] - r[c]['deletion']
                if gained > 0:
                    value = gained / max(r[choice[i]]['fRp'] - r[c]['fRp'], 1e-6)
                    if best is None or value > best[0]:
                        best = (value, i, c)
        if best is None:
            break
        choice[best[1]] = best[2]
    return choice


if oracle:
    print()
    print('seed | switches (to P) | deletion p | F_rp of R -> of the choice')
    print('---|---|---|---')
    for s in seeds:
        rs = [r for r in rows if r['seed'] == s]
        choice = greedy_oracle(rs)
        f_r = sum(r['R']['fRp'] for r in rs) / len(rs)
        f_c = sum(r[c]['fRp'] for r, c in zip(rs, choice)) / len(rs)
        p = p_value([r[c]['deletion'] for r, c in zip(rs, choice)], [r['P']['deletion'] for r in rs], 'less')
        print('%d | %d (%d) | %.2g | %.4f -> %.4f' % (s, sum(c != 'R' for c in choice), choice.count('P'), p, f_r, f_c))
    # How well the check's score difference (alternative − R, over --fractions) predicts the true
    # deletion difference, over every alternative whose metrics were scored.
    w = weights(fractions)
    pairs = [(score(r, c, w) - score(r, 'R', w), r[c]['deletion'] - r['R']['deletion']) for r in rows for c in r if (c == 'P' or c.startswith('H')) and 'deletion' in r[c]]
    n = len(pairs)
    mx, my = sum(x for x, _ in pairs) / n, sum(y for _, y in pairs) / n
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    corr = sxy / (sum((x - mx) ** 2 for x, _ in pairs) * sum((y - my) ** 2 for _, y in pairs)) ** 0.5
    print()
    print('check score difference vs true deletion difference (alternative − R): %d pairs, correlation %.3f' % (n, corr))
    for lo, hi in ((0, 0.002), (0.002, 0.005), (0.005, 0.01), (0.01, 1)):
        sel = [(x, y) for x, y in pairs if lo <= abs(y) < hi]
        print('  |true difference| in [%g, %g): %d pairs, same sign %.2f' % (lo, hi, len(sel), sum((x < 0) == (y < 0) for x, y in sel) / max(1, len(sel))))
