#!/usr/bin/python3
"""Reference values for src/engine/stats/wilcoxon.ts, computed with the real SciPy.

Run with Debian's interpreter (python3-scipy, SciPy 1.10.1 on bookworm), not a pyenv one:

    /usr/bin/python3 tools/stats/make_wilcoxon_fixtures.py > test/fixtures/stats/wilcoxon-scipy.json

Every case calls

    scipy.stats.wilcoxon(x, y, alternative=ALT, zero_method='wilcox',
                         correction=False, method='auto')

and records the statistic, the p-value and every warning SciPy emitted. The route 'auto' took
('exact' or 'approx') is derived from SciPy 1.10's rule (exact iff len(x) <= 50 and no zero
differences) and cross-checked by calling SciPy again with that method forced: both calls must give
identical numbers, or this script fails. For the 'approx' route the z statistic comes from that
forced call (SciPy attaches `zstatistic` only when method='approx' is passed explicitly).

Inputs are generated from fixed seeds and stored verbatim, so the JSON alone is the reference.
"""
import json
import sys
import warnings

import numpy as np
import scipy
from scipy import stats

ALTERNATIVES = ('two-sided', 'greater', 'less')


def call(x, y, alternative, method):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        res = stats.wilcoxon(x, y, alternative=alternative, zero_method='wilcox',
                             correction=False, method=method)
    msgs = sorted({str(w.message) for w in caught})
    return res, msgs


def route(d):
    if len(d) <= 50 and not np.any(d == 0):
        return 'exact'
    return 'approx'


def as_list(a):
    out = [float(v) for v in np.asarray(a, dtype=np.float64)]
    for v in out:
        if not np.isfinite(v):
            raise SystemExit('non-finite input in a fixture case')
    return out


def make_case(name, x, y, alternatives=ALTERNATIVES):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    d = x - y
    results = {}
    for alt in alternatives:
        res, msgs = call(x, y, alt, 'auto')
        method = route(d)
        forced, _ = call(x, y, alt, method)
        stat, p = float(res.statistic), float(res.pvalue)
        if (stat, p) != (float(forced.statistic), float(forced.pvalue)):
            raise SystemExit(f'{name}/{alt}: auto and forced {method} disagree')
        z = float(forced.zstatistic) if method == 'approx' else None
        improved = d > 0 if alt in ('greater', 'two-sided') else d < 0
        results[alt] = {
            'statistic': stat,
            'pValue': p,
            'method': method,
            'zStatistic': z,
            'shareImproved': float(np.mean(improved)),
            'scipyWarnings': msgs,
        }
    return [{
        'name': name,
        'x': as_list(x),
        'y': as_list(y),
        'n': int(np.count_nonzero(d)),
        'nPairs': int(len(d)),
        'nZero': int(np.sum(d == 0)),
        'medianDifference': float(np.median(d)),
        'hasTies': bool(len(np.unique(np.abs(d[d != 0]))) < np.count_nonzero(d)),
        'results': results,
    }]


def make_error(name, x, y, alternative='two-sided'):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            res = stats.wilcoxon(x, y, alternative=alternative, zero_method='wilcox',
                                 correction=False, method='auto')
        outcome = {'scipyError': None, 'scipyResult': [repr(float(res.statistic)),
                                                       repr(float(res.pvalue))]}
    except Exception as exc:  # noqa: BLE001 - we record whatever SciPy raised
        outcome = {'scipyError': f'{type(exc).__name__}: {exc}', 'scipyResult': None}
    return {'name': name, 'x': [float(v) for v in x], 'y': [float(v) for v in y],
            'alternative': alternative, **outcome}


def main():
    cases = []
    rng = np.random.default_rng(20240611)

    # Small n, continuous data: no ties, no zeros -> exact distribution.
    for n in (2, 3, 5, 6, 8, 10, 12, 15, 20, 25, 30):
        y = rng.normal(0.5, 0.2, n)
        x = y + rng.normal(0.08, 0.15, n)
        cases += make_case(f'continuous n={n}', x, y)

    # SciPy's docstring example (corn heights, Wilcoxon 1945): two-sided p = 0.041259765625.
    corn = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
    cases += make_case('corn example', corn, [0] * len(corn))

    # The exact/approx boundary: 50 pairs -> exact, 51 pairs -> normal approximation.
    for n in (50, 51):
        y = rng.normal(0.6, 0.1, n)
        x = y + rng.normal(0.02, 0.1, n)
        cases += make_case(f'boundary n={n}', x, y)

    # Large n -> normal approximation (with and without an effect).
    for n in (60, 200, 1000):
        y = rng.uniform(0, 1, n)
        x = y + rng.normal(0.01, 0.2, n)
        cases += make_case(f'large n={n}', x, y)
    y = rng.uniform(0, 1, 200)
    x = y + rng.normal(0.0, 0.2, 200)
    cases += make_case('large n=200 null', x, y)

    # Ties but no zeros, n <= 50: SciPy 1.10 still takes the exact route and truncates r_plus.
    for n in (8, 12, 20, 40):
        y = np.round(rng.uniform(0, 1, n), 2)
        steps = rng.choice([-3, -2, -1, 1, 2, 3, 4], size=n)
        x = y + steps * 0.25  # multiples of 1/4 are exact in binary -> exact ties in x - y
        cases += make_case(f'ties exact-route n={n}', x, y)
    # Ties with half-integer r_plus in the exact route (truncation visible).
    cases += make_case('ties half-rank', [1, 2, 3, 4, 5], [0, 0, 1, 2, 7])
    # Ties in the large-n approximation (tie-corrected variance).
    y = np.zeros(300)
    x = rng.integers(-3, 6, 300).astype(np.float64)
    x[x == 0] = 7
    cases += make_case('ties approx n=300', x, y)

    # Zeros: even small n switches to the normal approximation (with a SciPy warning).
    for n, nz in ((6, 1), (12, 2), (20, 5), (45, 10), (120, 30)):
        y = rng.uniform(0, 1, n)
        x = y + rng.normal(0.05, 0.2, n)
        zeros = rng.choice(n, size=nz, replace=False)
        x[zeros] = y[zeros]
        cases += make_case(f'zeros n={n} nz={nz}', x, y)

    # All zeros except a few.
    base = np.linspace(0.1, 0.9, 30)
    for k in (1, 2, 3):
        x = base.copy()
        x[:k] += np.array([0.3, -0.1, 0.2])[:k]
        cases += make_case(f'all zeros except {k} of 30', x, base)
    x = np.zeros(80)
    x[[3, 17, 40, 41, 60]] = [1.5, 2.5, -0.5, 1.5, 3.0]
    cases += make_case('all zeros except 5 of 80', x, np.zeros(80))

    # Same sign everywhere.
    cases += make_case('all positive n=10', np.arange(1, 11) * 0.1 + 1, np.ones(10))
    cases += make_case('all negative n=20', -np.arange(1, 21) * 0.03, np.zeros(20))
    y = rng.uniform(0, 1, 1000)
    cases += make_case('all positive n=1000', y + rng.uniform(0.001, 0.5, 1000), y)
    y = rng.uniform(0, 1, 200)
    cases += make_case('all negative n=200', y - rng.uniform(0.001, 0.5, 200), y)
    # Smallest exact p-value: 2**-50 (one-sided) with 50 distinct positive differences.
    cases += make_case('all positive n=50 distinct', np.arange(1, 51) * 1.5, np.arange(1, 51))
    # 50 identical positive differences: one tie group, r_plus = 1275 = 50*51/2.
    cases += make_case('all equal positive n=50', np.arange(1, 51) + 0.5, np.arange(1, 51))

    # Two-sided exact: r_plus at the centre of the null distribution -> p = 1.
    cases += make_case('centre n=4', [1, -2, -3, 4], [0, 0, 0, 0])  # r_plus = 5 = 10/2
    cases += make_case('centre n=3', [1, 2, -3], [0, 0, 0])  # r_plus = 3 = 6/2

    # n = 1 and n = 2 edge cases.
    cases += make_case('n=1 positive', [0.7], [0.2])
    cases += make_case('n=1 negative', [0.1], [0.4])
    cases += make_case('n=2 one zero', [0.5, 0.3], [0.5, 0.1])
    cases += make_case('n=2 tie', [1.0, -1.0], [0.0, 0.0])

    errors = [
        make_error('all differences zero', [0.3, 0.5, 0.9], [0.3, 0.5, 0.9]),
        make_error('single zero difference', [0.4], [0.4]),
        make_error('different lengths', [0.1, 0.2, 0.3], [0.1, 0.2]),
    ]

    doc = {
        'generator': 'tools/stats/make_wilcoxon_fixtures.py',
        'call': "scipy.stats.wilcoxon(x, y, alternative=ALT, zero_method='wilcox', "
                "correction=False, method='auto')",
        'scipyVersion': scipy.__version__,
        'numpyVersion': np.__version__,
        'python': sys.version.split()[0],
        'cases': cases,
        'errors': errors,
    }
    # One line per case keeps the file diff-friendly without spreading arrays over thousands of lines.
    head = {k: v for k, v in doc.items() if k not in ('cases', 'errors')}
    lines = [json.dumps(head, allow_nan=False)[:-1] + ',']
    for key in ('cases', 'errors'):
        items = [' ' + json.dumps(item, allow_nan=False) for item in doc[key]]
        lines.append(f' "{key}": [')
        lines.append(',\n'.join(items))
        lines.append(' ],' if key == 'cases' else ' ]')
    lines.append('}')
    sys.stdout.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
