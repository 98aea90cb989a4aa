"""Deterministic synthetic "which way does it move?" clips for BOREx Studio's video model motion-v1.

Everything here is our own: no external data. numpy only.

Clip design (the labelling rule that tests rely on)
---------------------------------------------------
* A clip is T = 16 frames of RES x RES = 64 x 64 RGB (uint8 [T, H, W, 3]).
* Background: a static textured canvas (two-colour linear gradient, low-frequency value noise,
  optional sinusoidal stripes, 1-5 soft low-contrast blobs) plus fresh per-pixel noise in every
  frame and a small per-frame global brightness flicker. The camera never moves.
* ONE target: a filled shape (circle, square, triangle, diamond, cross, ring; 8-14 px across, random
  rotation, colour, mild shading) moving at a constant velocity of 1.0-2.5 px / frame in one of
  four directions: the class. Its perpendicular coordinate is fixed. It stays fully inside the
  frame in every frame.
* 1-3 DISTRACTORS drawn from exactly the same shape / size / colour / shading distribution as the
  target (so only motion tells them apart), each either static, jittering (centre + i.i.d. uniform
  offset of up to 0.5-2 px per axis in every frame) or oscillating (sinusoid, amplitude 1-3 px,
  period 4-8 frames, so >= 2 full cycles: no net direction). Distractors never overlap the
  target's swept path or each other (2 px margin), so the target's box is never occluded.
* Classes (index: name, image axes: x right, y down): 0 left (-x), 1 right (+x), 2 up (-y), 3 down (+y).
  Reversing a clip in time turns class c into OPPOSITE[c] (left <-> right, up <-> down).

Ground truth (exact)
--------------------
Each object is rendered with anti-aliased coverage (4 x 4 supersampling per pixel). The object's
MASK in frame t is the set of pixels whose coverage is >= 0.5; its BOX in frame t is the tight
bounding box of that mask, [x0, y0, x1, y1) in pixels, half-open (x1, y1 exclusive), x = column,
y = row, origin at the top-left pixel corner. `Clip.boxes[t]` is the target's box in frame t;
`Clip.distractor_boxes[t]` those of the distractors.

Variants: make_clip(seed, variant="moving" | "static"). "static" is the same clip (same background,
distractors, colours, noise) with the target frozen at its mid-trajectory position (t = 7.5,
i.e. the mean of its moving positions) in every frame: no frame carries the class any more.

Public API
----------
  CLASSES, OPPOSITE, T, RES
  make_clip(seed, variant="moving", res=RES, frames=T) -> Clip
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

CLASSES = ["left", "right", "up", "down"]
OPPOSITE = [1, 0, 3, 2]
DIRS = [(-1.0, 0.0), (1.0, 0.0), (0.0, -1.0), (0.0, 1.0)]  # (dx, dy) per class
SHAPES = ["circle", "square", "triangle", "diamond", "cross", "ring"]
T = 16
RES = 64
SS = 4  # supersampling per axis
MODES = ("static", "jitter", "oscillate")  # distractor behaviours
MODE_P = {"static": 0.35, "jitter": 0.4, "oscillate": 0.25}


# ----------------------------------------------------------------------------- shapes
def _inside(cls: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Is local point (u, v) inside shape `cls` of circumradius 1 (unrotated)?"""
    if cls == 0:  # circle
        return u * u + v * v <= 1.0
    if cls == 1:  # square, corners on the unit circle
        h = 1.0 / math.sqrt(2.0)
        return (np.abs(u) <= h) & (np.abs(v) <= h)
    if cls == 2:  # equilateral triangle, circumradius 1
        ok = np.ones(u.shape, dtype=bool)
        for k in range(3):
            a = math.pi / 2 + math.pi + 2 * math.pi * k / 3
            ok &= (u * math.cos(a) + v * math.sin(a)) <= 0.5
        return ok
    if cls == 3:  # diamond (rhombus), half-diagonals 1 and 0.6
        return np.abs(u) + np.abs(v) / 0.6 <= 1.0
    if cls == 4:  # plus-shaped cross
        w, L = 0.33, 0.95
        au, av = np.abs(u), np.abs(v)
        return ((au <= w) & (av <= L)) | ((av <= w) & (au <= L))
    if cls == 5:  # ring, inner radius 0.5
        r2 = u * u + v * v
        return (r2 <= 1.0) & (r2 >= 0.25)
    raise ValueError(cls)


def _coverage(cls: int, cx: float, cy: float, r: float, rot: float, res: int):
    """Supersampled coverage of one shape: (y0, x0, alpha[h, w]) over its (clipped) bounding box."""
    x0 = max(0, int(math.floor(cx - r - 1)))
    x1 = min(res, int(math.ceil(cx + r + 1)))
    y0 = max(0, int(math.floor(cy - r - 1)))
    y1 = min(res, int(math.ceil(cy + r + 1)))
    h, w = y1 - y0, x1 - x0
    off = (np.arange(SS) + 0.5) / SS
    ys = (np.arange(y0, y1)[:, None] + off[None, :]).reshape(-1)
    xs = (np.arange(x0, x1)[:, None] + off[None, :]).reshape(-1)
    dx = (xs[None, :] - cx) / r
    dy = (ys[:, None] - cy) / r
    c, s = math.cos(rot), math.sin(rot)
    u = c * dx + s * dy
    v = -s * dx + c * dy
    ins = _inside(cls, u, v).astype(np.float32)
    alpha = ins.reshape(h, SS, w, SS).mean(axis=(1, 3))
    return y0, x0, alpha


def _box(y0: int, x0: int, alpha: np.ndarray) -> list[int]:
    """Tight [x0, y0, x1, y1) of the pixels with coverage >= 0.5."""
    ys, xs = np.nonzero(alpha >= 0.5)
    return [int(x0 + xs.min()), int(y0 + ys.min()), int(x0 + xs.max() + 1), int(y0 + ys.max() + 1)]


# ----------------------------------------------------------------------------- description
@dataclass
class Obj:
    shape: int
    size: float  # diameter of the circumscribed circle, px
    rot: float
    color: np.ndarray
    shade_dir: float
    shade_amp: float
    path: np.ndarray  # [T, 2] centre (x, y) per frame, px
    role: str  # "target" | "static" | "jitter" | "oscillate"


@dataclass
class Clip:
    seed: int
    variant: str
    frames: np.ndarray  # uint8 [T, H, W, 3]
    label: int  # direction class of the target (of the moving variant; see `variant`)
    boxes: list  # per frame: [x0, y0, x1, y1) of the target
    distractor_boxes: list  # per frame: list of [x0, y0, x1, y1) of the distractors
    meta: dict = field(default_factory=dict)


def _rand_color(rng) -> np.ndarray:
    if rng.random() < 0.6:  # saturated (HSV)
        h = rng.random()
        s = rng.uniform(0.5, 1.0)
        v = rng.uniform(0.35, 1.0)
        i = int(h * 6) % 6
        f = h * 6 - math.floor(h * 6)
        p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
        return np.array([(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i], dtype=np.float32)
    return rng.uniform(0.0, 1.0, 3).astype(np.float32)


def _appearance(rng, bg_mean: np.ndarray):
    """Shape, size, rotation, colour, shading: the SAME distribution for target and distractors."""
    shape = int(rng.integers(len(SHAPES)))
    size = float(rng.uniform(8.0, 14.0))
    rot = float(rng.uniform(0, 2 * math.pi))
    for _ in range(50):  # keep the colour visibly away from the background's mean colour
        col = _rand_color(rng)
        if np.linalg.norm(col - bg_mean) >= 0.35:
            break
    return shape, size, rot, col, float(rng.uniform(0, 2 * math.pi)), float(rng.uniform(0.0, 0.15))


def _bilinear_grid(vals: np.ndarray, res: int) -> np.ndarray:
    g = vals.shape[0] - 1
    t = (np.arange(res) + 0.5) / res * g
    i0 = np.clip(np.floor(t).astype(int), 0, g - 1)
    f = (t - i0)[:, None]
    rows = vals[i0] * (1 - f)[:, :, None] + vals[i0 + 1] * f[:, :, None]
    rows = np.transpose(rows, (1, 0, 2))
    cols = rows[i0] * (1 - f)[:, :, None] + rows[i0 + 1] * f[:, :, None]
    return np.transpose(cols, (1, 0, 2))


def _background(rng, res: int) -> np.ndarray:
    yy, xx = np.mgrid[0:res, 0:res].astype(np.float32) + 0.5
    c0 = rng.uniform(0.15, 0.85, 3)
    c1 = np.clip(c0 + rng.normal(0, 0.2, 3), 0.05, 0.95)
    ang = rng.uniform(0, 2 * math.pi)
    proj = np.clip((math.cos(ang) * (xx - res / 2) + math.sin(ang) * (yy - res / 2)) / res + 0.5, 0, 1)[:, :, None]
    img = c0[None, None] * (1 - proj) + c1[None, None] * proj
    g = int(rng.integers(3, 10))
    nv = rng.normal(0, 1, (g + 1, g + 1, 3))
    if rng.random() < 0.5:
        nv = np.repeat(nv[:, :, :1], 3, axis=2)
    img = img + rng.uniform(0.03, 0.12) * _bilinear_grid(nv, res)
    if rng.random() < 0.4:
        sa = rng.uniform(0, math.pi)
        ph = (math.cos(sa) * xx + math.sin(sa) * yy) * 2 * math.pi / rng.uniform(4, 14) + rng.uniform(0, 2 * math.pi)
        img = img + rng.uniform(0.02, 0.08) * np.sin(ph)[:, :, None] * (0.5 + 0.5 * rng.uniform(-1, 1, 3))[None, None]
    for _ in range(int(rng.integers(1, 6))):
        bx, by, br = rng.uniform(0, res), rng.uniform(0, res), rng.uniform(3, 14)
        img = img + np.exp(-((xx - bx) ** 2 + (yy - by) ** 2) / (br * br))[:, :, None] * rng.normal(0, 0.08, 3)[None, None]
    return img.astype(np.float32)


def _extent(path: np.ndarray, r: float) -> tuple[float, float, float, float]:
    """Axis-aligned box (float) swept by a disc of radius r along `path`."""
    return (path[:, 0].min() - r, path[:, 1].min() - r, path[:, 0].max() + r, path[:, 1].max() + r)


def _overlap(a, b, margin: float) -> bool:
    return not (a[2] + margin <= b[0] or b[2] + margin <= a[0] or a[3] + margin <= b[1] or b[3] + margin <= a[1])


def _describe(rng, res: int, frames: int, modes=MODES):
    d: dict = {}
    d["label"] = label = int(rng.integers(len(CLASSES)))
    d["bg"] = _background(rng, res)
    bg_mean = d["bg"].reshape(-1, 3).mean(0)
    d["pix_noise"] = float(rng.uniform(0.005, 0.03))
    d["flicker"] = float(rng.uniform(0.0, 0.02))
    d["noise_seed"] = int(rng.integers(2**31))
    ts = np.arange(frames, dtype=np.float64)
    # --- target
    shape, size, rot, col, sd, sa = _appearance(rng, bg_mean)
    r = size / 2
    speed = float(rng.uniform(1.0, 2.5))
    travel = speed * (frames - 1)
    dx, dy = DIRS[label]
    lo, hi = r + 1.0, res - r - 1.0  # centre range keeping the shape (+1 px) inside
    along0 = float(rng.uniform(lo, hi - travel))  # start of the along-axis coordinate (increasing)
    across = float(rng.uniform(lo, hi))
    s = along0 + speed * ts if (dx + dy) > 0 else (along0 + travel) - speed * ts
    path = np.stack([s, np.full(frames, across)], 1) if dx != 0 else np.stack([np.full(frames, across), s], 1)
    target = Obj(shape, size, rot, col, sd, sa, path, "target")
    d["speed"] = speed
    # --- distractors
    placed = [_extent(path, r)]
    objs = [target]
    for _ in range(int(rng.integers(1, 4))):
        shape, size, rot, col, sd, sa = _appearance(rng, bg_mean)
        r = size / 2
        p = np.array([MODE_P[m] if m in modes else 0.0 for m in MODES])
        role = str(rng.choice(MODES, p=p / p.sum()))
        if role == "static":
            off = np.zeros((frames, 2))
        elif role == "jitter":
            off = rng.uniform(-1, 1, (frames, 2)) * rng.uniform(0.5, 2.0)
        else:
            amp = rng.uniform(1.0, 3.0)
            per = rng.uniform(4.0, 8.0)
            ph = rng.uniform(0, 2 * math.pi)
            axis = rng.uniform(0, math.pi)
            w = np.sin(2 * math.pi * ts / per + ph) * amp
            off = np.stack([w * math.cos(axis), w * math.sin(axis)], 1)
        ext_r = r + np.abs(off).max()
        for _try in range(40):
            c = rng.uniform(ext_r + 1.0, res - ext_r - 1.0, 2)
            p = c[None, :] + off
            e = _extent(p, r)
            if not any(_overlap(e, q, 2.0) for q in placed):
                placed.append(e)
                objs.append(Obj(shape, size, rot, col, sd, sa, p, role))
                break
    if len(objs) == 1:  # never leave a clip without a distractor: a static one in the largest free strip
        shape, size, rot, col, sd, sa = _appearance(rng, bg_mean)
        e0 = placed[0]
        gaps = [(e0[0], "x0"), (res - e0[2], "x1"), (e0[1], "y0"), (res - e0[3], "y1")]
        g, side = max(gaps)
        size = float(min(size, g - 4.0))
        r = size / 2
        mid = res / 2
        c = {"x0": (e0[0] - 2 - r - 0.5, mid), "x1": (e0[2] + 2 + r + 0.5, mid),
             "y0": (mid, e0[1] - 2 - r - 0.5), "y1": (mid, e0[3] + 2 + r + 0.5)}[side]
        objs.append(Obj(shape, size, rot, col, sd, sa, np.tile(np.array(c, dtype=np.float64), (frames, 1)), "static"))
    d["objects"] = objs
    return d


def make_clip(seed: int, variant: str = "moving", res: int = RES, frames: int = T, modes=MODES) -> Clip:
    """`modes`: the distractor behaviours allowed (a subset of MODES; the training curriculum starts
    with static distractors only). The default gives the clips every reported number uses."""
    if variant not in ("moving", "static"):
        raise ValueError(variant)
    rng = np.random.default_rng(seed)
    d = _describe(rng, res, frames, tuple(modes))
    nrng = np.random.default_rng(d["noise_seed"])
    noise = nrng.standard_normal((frames, res, res, 3), dtype=np.float32) * np.float32(d["pix_noise"])
    flick = nrng.uniform(-1, 1, frames).astype(np.float32) * d["flicker"]
    yy, xx = np.mgrid[0:res, 0:res].astype(np.float32)
    out = np.empty((frames, res, res, 3), dtype=np.uint8)
    boxes, dboxes = [], []
    for t in range(frames):
        img = d["bg"].copy()
        fb = []
        for o in d["objects"]:
            cx, cy = o.path[t]
            if o.role == "target" and variant == "static":
                cx, cy = o.path.mean(0)
            y0, x0, a = _coverage(o.shape, float(cx), float(cy), o.size / 2, o.rot, res)
            h, w = a.shape
            sh = (math.cos(o.shade_dir) * (xx[y0:y0 + h, x0:x0 + w] - cx)
                  + math.sin(o.shade_dir) * (yy[y0:y0 + h, x0:x0 + w] - cy)) / (o.size / 2)
            col = np.clip(o.color[None, None, :] * (1 + o.shade_amp * sh[:, :, None]), 0, 1)
            reg = img[y0:y0 + h, x0:x0 + w]
            img[y0:y0 + h, x0:x0 + w] = reg * (1 - a[:, :, None]) + col * a[:, :, None]
            b = _box(y0, x0, a)
            if o.role == "target":
                boxes.append(b)
            else:
                fb.append(b)
        dboxes.append(fb)
        img = img * (1 + flick[t]) + noise[t]
        out[t] = np.clip(np.round(img * 255.0), 0, 255).astype(np.uint8)
    meta = {"speed": d["speed"], "distractors": [o.role for o in d["objects"][1:]],
            "shape": SHAPES[d["objects"][0].shape], "size": d["objects"][0].size}
    return Clip(seed, variant, out, d["label"], boxes, dboxes, meta)


if __name__ == "__main__":  # quick look: python3 clips.py SEED -> prints the clip's facts
    import sys

    c = make_clip(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(CLASSES[c.label], c.meta, c.boxes[0], c.boxes[-1], c.distractor_boxes[0])
