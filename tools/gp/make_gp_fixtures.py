#!/usr/bin/python3
"""Reference values for src/engine/gp from scikit-learn (the library the public BOREx code uses).

Run with Debian's interpreter (python3-sklearn 1.2.1, python3-scipy 1.10):

    /usr/bin/python3 tools/gp/make_gp_fixtures.py

It writes test/fixtures/gp/sklearn-gp.json. The values are committed, so the TypeScript tests
never need Python.

Two sklearn models with the same covariance matrix K = Matern(l) + 0.01 I are recorded:

* "alpha" model: ``GaussianProcessRegressor(Matern(l, nu=1.5), alpha=0.01)``, which is what the
  public BOREx script builds. The noise only enters through ``alpha``, so ``predict`` returns the
  *latent* standard deviation sqrt(k(z,z) - k*^T K^-1 k*) with k(z,z) = 1.
* "white" model: ``ConstantKernel(1,'fixed') * Matern(l) + WhiteKernel(0.01,'fixed')`` with
  ``alpha=0`` (so the diagonal is again exactly 1 + 0.01). Its ``predict`` adds the white noise to
  k(z,z), i.e. it returns the *noisy* standard deviation sqrt(1.01 - k*^T K^-1 k*).

Both have the same posterior mean, log marginal likelihood and gradient (checked below).
"""
import json
import os
import warnings

import numpy as np
import scipy
import scipy.optimize
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

NOISE = 0.01
BOUNDS = (1.0, 20.0)
SIZES = np.array([30, 45, 60, 75], dtype=float)
JITTER = np.array([1.0, 1.0, 0.5])


def alpha_model(ls, optimizer):
    kernel = Matern(length_scale=ls, length_scale_bounds=BOUNDS, nu=1.5)
    return GaussianProcessRegressor(kernel=kernel, alpha=NOISE, optimizer=optimizer, normalize_y=False)


def white_model(ls, optimizer):
    kernel = ConstantKernel(1.0, "fixed") * Matern(length_scale=ls, length_scale_bounds=BOUNDS, nu=1.5) + WhiteKernel(
        NOISE, "fixed"
    )
    return GaussianProcessRegressor(kernel=kernel, alpha=0.0, optimizer=optimizer, normalize_y=False)


def borex_points(rng, n):
    """(row, col, s) like BOREx: grid centres plus the N(0, diag(1,1,0.5)^2) jitter."""
    rows = rng.integers(0, 224, n).astype(float)
    cols = rng.integers(0, 224, n).astype(float)
    s = SIZES[rng.integers(0, 4, n)]
    return np.stack([rows, cols, s], axis=1) + rng.standard_normal((n, 3)) * JITTER


def clustered_points(rng, n):
    """BO-like sampling: most points near a few centres (close pairs make K ill-conditioned)."""
    centres = rng.uniform(20, 204, (3, 2))
    pick = centres[rng.integers(0, 3, n)]
    rc = np.rint(pick + rng.standard_normal((n, 2)) * 8)
    s = SIZES[rng.integers(0, 4, n)]
    return np.column_stack([rc, s]) + rng.standard_normal((n, 3)) * JITTER


def smooth_y(x, rng):
    """A smooth saliency-like target in [-1, 1] plus a little noise."""
    c = rng.uniform(40, 184, 2)
    r2 = ((x[:, 0] - c[0]) ** 2 + (x[:, 1] - c[1]) ** 2) / (2 * 30.0**2)
    y = np.tanh(1.6 * np.exp(-r2) * (60.0 / x[:, 2]) - 0.4) + 0.05 * rng.standard_normal(len(x))
    return np.clip(y, -1, 1)


def video_points(rng, n):
    """(row, col, n, s, t) for the video extension: frame start n in [0, 16), t in {2, 4, 8}."""
    rows = rng.integers(0, 224, n).astype(float)
    cols = rng.integers(0, 224, n).astype(float)
    start = rng.integers(0, 16, n).astype(float)
    s = SIZES[rng.integers(0, 4, n)]
    t = np.array([2.0, 4.0, 8.0])[rng.integers(0, 3, n)]
    return np.stack([rows, cols, start, s, t], axis=1) + rng.standard_normal((n, 5)) * np.array([1, 1, 0, 0.5, 0])


def record(name, x, y, ls0, rng):
    d = x.shape[1]
    # Test points: fresh random points plus some training points (where sigma is smallest).
    xt = np.vstack([borex_points(rng, 24) if d == 3 else video_points(rng, 24), x[: min(6, len(x))]])

    ga = alpha_model(ls0, None).fit(x, y)
    gw = white_model(ls0, None).fit(x, y)
    mean_a, std_latent = ga.predict(xt, return_std=True)
    mean_w, std_noisy = gw.predict(xt, return_std=True)
    assert np.allclose(mean_a, mean_w, rtol=0, atol=1e-12)

    theta0 = np.log(ls0)
    extra_thetas = [theta0] + [rng.uniform(np.log(BOUNDS[0]), np.log(BOUNDS[1]), d) for _ in range(3)]
    lml = []
    for th in extra_thetas:
        v, g = ga.log_marginal_likelihood(th, eval_gradient=True)
        vw, gwd = gw.log_marginal_likelihood(th, eval_gradient=True)
        assert abs(v - vw) < 1e-10 and np.allclose(g, gwd, rtol=0, atol=1e-10)
        lml.append({"theta": th.tolist(), "value": float(v), "gradient": np.asarray(g).tolist()})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fa = alpha_model(ls0, "fmin_l_bfgs_b").fit(x, y)
        fw = white_model(ls0, "fmin_l_bfgs_b").fit(x, y)
    fitted_ls = np.atleast_1d(fa.kernel_.length_scale)
    # The white-kernel model optimises the same function; keep the better of the two as the bar.
    fit_lml = max(float(fa.log_marginal_likelihood_value_), float(fw.log_marginal_likelihood_value_))

    # Fits on growing prefixes, as BOREx refits after every observation (each from l0, as
    # sklearn's fit clones the constructor kernel).
    prefix_fits = []
    for n in range(2, len(x) + 1, 3) if len(x) >= 20 else []:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fp = alpha_model(ls0, "fmin_l_bfgs_b").fit(x[:n], y[:n])
        prefix_fits.append(
            {
                "n": n,
                "lengthScale": np.atleast_1d(fp.kernel_.length_scale).tolist(),
                "lml": float(fp.log_marginal_likelihood_value_),
            }
        )

    return {
        "name": name,
        "prefixFits": prefix_fits,
        "dims": d,
        "n": len(x),
        "X": x.tolist(),
        "y": y.tolist(),
        "lengthScale": list(map(float, ls0)),
        "test": {
            "X": xt.tolist(),
            "mean": mean_a.tolist(),
            "stdLatent": std_latent.tolist(),
            "stdNoisy": std_noisy.tolist(),
        },
        "lml": lml,
        "fit": {
            "initial": list(map(float, ls0)),
            "bounds": list(BOUNDS),
            "lengthScale": fitted_ls.tolist(),
            "lml": fit_lml,
        },
    }


def optimizer_cases():
    """scipy's L-BFGS-B (the optimizer sklearn calls) on small bounded problems, default options."""

    def rosen(x):
        f = 100.0 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2
        g = np.array([-400.0 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200.0 * (x[1] - x[0] ** 2)])
        return f, g

    w = np.array([1.0, 3.0, 0.5, 2.0])
    c = np.array([2.0, -1.0, -0.2, 0.5])
    a = np.array([[0.0, 0.4, 0.0, 0.1], [0.4, 0.0, 0.2, 0.0], [0.0, 0.2, 0.0, 0.3], [0.1, 0.0, 0.3, 0.0]])

    def quad(x):
        r = x - c
        f = 0.5 * np.sum(w * r * r) + 0.5 * r @ a @ r + 0.1 * np.sum(x**4)
        g = w * r + a @ r + 0.4 * x**3
        return f, g

    cases = []
    for name, fun, x0, lo, hi in [
        ("rosenbrock", rosen, [-1.2, 1.0], [-1.5, -0.5], [2.0, 3.0]),
        ("rosenbrock-active", rosen, [-1.2, 1.0], [-1.5, -0.5], [0.8, 3.0]),
        ("quartic-box", quad, [0.0, 0.0, 0.0, 0.0], [-0.5, -0.5, -2.0, -1.0], [1.0, 1.0, 1.0, 1.5]),
    ]:
        res = scipy.optimize.minimize(fun, np.array(x0), method="L-BFGS-B", jac=True, bounds=list(zip(lo, hi)))
        cases.append(
            {
                "name": name,
                "x0": x0,
                "lower": lo,
                "upper": hi,
                "x": res.x.tolist(),
                "f": float(res.fun),
                "nit": int(res.nit),
                "nfev": int(res.nfev),
            }
        )
    return cases


def main():
    rng = np.random.default_rng(20221204)
    ls3 = np.array([12.0, 12.0, 10.0])
    datasets = []
    x = borex_points(rng, 1)
    datasets.append(record("single", x, rng.uniform(-1, 1, 1), ls3, rng))
    x = borex_points(rng, 5)
    datasets.append(record("random-5", x, rng.uniform(-1, 1, 5), ls3, rng))
    x = borex_points(rng, 20)
    datasets.append(record("smooth-20", x, smooth_y(x, rng), ls3, rng))
    x = borex_points(rng, 30)
    datasets.append(record("random-30", x, rng.uniform(-1, 1, 30), ls3, rng))
    x = clustered_points(rng, 50)
    datasets.append(record("clustered-smooth-50", x, smooth_y(x, rng), ls3, rng))
    x = clustered_points(rng, 40)
    datasets.append(record("clustered-random-40", x, rng.uniform(-1, 1, 40), ls3, rng))
    x = borex_points(rng, 10)
    x[7] = x[2]  # an exact duplicate: fine with noise 0.01 on the diagonal
    datasets.append(record("duplicate-10", x, rng.uniform(-1, 1, 10), ls3, rng))
    x = video_points(rng, 25)
    datasets.append(record("video-25", x, rng.uniform(-1, 1, 25), np.array([12.0, 12.0, 3.0, 10.0, 3.0]), rng))

    out = {
        "generator": "tools/gp/make_gp_fixtures.py",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "noiseVariance": NOISE,
        "signalVariance": 1.0,
        "datasets": datasets,
        "scipy": scipy.__version__,
        "optimizer": optimizer_cases(),
    }
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "test", "fixtures", "gp", "sklearn-gp.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for case in out["optimizer"]:
        print(f"{case['name']:>22}: x={np.round(case['x'], 6)} f={case['f']:.3e} nit={case['nit']} nfev={case['nfev']}")
    for ds in datasets:
        print(f"{ds['name']:>22}: n={ds['n']:2d} fitted l={np.round(ds['fit']['lengthScale'], 4)} lml={ds['fit']['lml']:.6f}")


if __name__ == "__main__":
    main()
