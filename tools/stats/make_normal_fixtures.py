#!/usr/bin/python3
"""Reference values for src/engine/stats/normal.ts: Φ(z) from mpmath at 60 significant digits.

    /usr/bin/python3 tools/stats/make_normal_fixtures.py > test/fixtures/stats/normal-cdf-mpmath.json

Also records SciPy's `special.ndtr` at the same points (what `scipy.stats.norm.cdf/sf` return) so a
reader can see how far SciPy itself is from the true value in the far tail.
"""
import json
import sys

import mpmath
import numpy as np
import scipy
from scipy import special

mpmath.mp.dps = 60


def phi(z):
    return mpmath.ncdf(mpmath.mpf(z))


def main():
    zs = set()
    zs.update(float(v) for v in np.linspace(-39.0, 9.0, 481))
    zs.update(float(v) for v in np.linspace(-2.0, 2.0, 161))
    for edge in (0.0, 1e-300, 1e-12, 0.5, 1.0, np.sqrt(2.0), np.nextafter(np.sqrt(2.0), 0),
                 2.0, 5.0, 8.0, 10.0, 20.0, 27.4, 37.0, 38.4):
        zs.add(float(edge))
        zs.add(float(-edge))
    points = []
    for z in sorted(zs):
        points.append({'z': z, 'cdf': float(phi(z)), 'sf': float(phi(-z)),
                       'scipyNdtr': float(special.ndtr(z))})
    doc = {'generator': 'tools/stats/make_normal_fixtures.py', 'mpmathVersion': mpmath.__version__,
           'scipyVersion': scipy.__version__, 'digits': mpmath.mp.dps, 'points': points}
    sys.stdout.write('{\n' + ',\n'.join(
        [f' "{k}": {json.dumps(v)}' for k, v in doc.items() if k != 'points']
        + [' "points": [\n' + ',\n'.join('  ' + json.dumps(p) for p in points) + '\n ]']) + '\n}\n')


if __name__ == '__main__':
    main()
