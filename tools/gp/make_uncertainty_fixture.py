#!/usr/bin/python3
"""Reference for BOREx's uncertainty map (src/engine/methods/borex.ts, uncertaintyMap) from
scikit-learn: the posterior σ of the public code's GP model at every pixel and mask size of a
small image, aggregated with the map's own rules (coverage, area, mean).

Run with Debian's interpreter (python3-sklearn 1.2.1, python3-scipy 1.10, numpy):

    /usr/bin/python3 tools/gp/make_uncertainty_fixture.py

It writes test/fixtures/gp/uncertainty-map.json (committed: the tests need no Python).

The model is ``GaussianProcessRegressor(Matern(l, nu=1.5), alpha=0.01, optimizer=None)`` (the
public BOREx model with ℓ held fixed), fitted on a handful of (row, col, s) points; σ is what its
``predict(return_std=True)`` returns (the latent σ). The aggregates are written out here
independently of the TypeScript: coverage = per size s, the mean over the in-image
(2s+1)×(2s+1) box of centres around each pixel, then the mean over sizes; area = the mean over
sizes of σ/(2s)²; mean = the mean over sizes.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import Matern

H, W = 9, 11
SIZES = [1, 2, 3]
LENGTH_SCALE = [3.0, 4.0, 2.0]
OBS = [
    ([2.0, 3.0, 1.0], 0.4),
    ([6.5, 8.2, 2.3], -0.2),
    ([4.0, 1.0, 3.0], 0.9),
    ([0.3, 9.7, 1.6], 0.1),
    ([8.0, 5.0, 2.0], -0.5),
    ([4.2, 5.1, 1.1], 0.3),
]

X = np.array([p for p, _ in OBS])
y = np.array([v for _, v in OBS])
gp = GaussianProcessRegressor(Matern(length_scale=LENGTH_SCALE, nu=1.5), alpha=0.01, optimizer=None, normalize_y=False)
gp.fit(X, y)

# Candidates in the engine's row-major pixel order, sizes innermost.
Z = np.array([[r, c, s] for r in range(H) for c in range(W) for s in SIZES], dtype=float)
_, std = gp.predict(Z, return_std=True)
std = std.reshape(H, W, len(SIZES))


def coverage(layer, r):
    out = np.zeros_like(layer)
    for i in range(H):
        for j in range(W):
            out[i, j] = layer[max(0, i - r):min(H, i + r + 1), max(0, j - r):min(W, j + r + 1)].mean()
    return out


maps = {
    "coverage": np.mean([coverage(std[:, :, k], s) for k, s in enumerate(SIZES)], axis=0),
    "area": np.mean([std[:, :, k] / (2 * s) ** 2 for k, s in enumerate(SIZES)], axis=0),
    "mean": std.mean(axis=2),
}

fixture = {
    "source": f"tools/gp/make_uncertainty_fixture.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}",
    "height": H,
    "width": W,
    "sizes": SIZES,
    "lengthScale": LENGTH_SCALE,
    "noise": 0.01,
    "points": X.tolist(),
    "targets": y.tolist(),
    "std": std.reshape(-1).tolist(),
    "maps": {k: v.reshape(-1).tolist() for k, v in maps.items()},
}
out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "gp", "uncertainty-map.json")
with open(out, "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(out))
