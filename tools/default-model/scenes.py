"""Deterministic synthetic "shapes in clutter" scenes for BOREx Studio's built-in default model.

Everything here is our own: no external data. numpy only (PIL is not needed; PNGs are written
by the small encoder at the bottom).

Scene design (the labelling rule that tests rely on)
----------------------------------------------------
* Canvas: square, nominally 112x112 px ("design units"); any resolution R can be rendered, all
  geometry is scaled by R/112, so the same seed gives the same scene at 112 and at 224.
* Background: a cluttered texture: a two-colour linear gradient, low-frequency value noise,
  optional sinusoidal stripes, optional low-contrast checker/grid, 2-7 soft (Gaussian-edged)
  low-contrast blobs, 1-6 thin low-contrast lines, and per-pixel noise.
* Objects: ONE labelled class per scene (uniform over the 6 classes). The scene holds 1-3
  instances of that class (1: 70 %, 2: 20 %, 3: 10 %), each 18-45 design px across (the
  diameter of its circumscribed circle), random colour (kept away from the local background
  colour), random rotation, random shading/texture fill.
* Decoys: with probability 0.3 the scene also holds 1-2 SMALL shapes (8-12 design px) of other
  classes. They are never the label: "the label is the class of the large objects". They get
  their own masks (objects with decoy=True) but are NOT in the label mask.
* Objects never overlap (circumscribed circles kept >= 2 px apart) and lie fully inside.
* Masks are exact at the rendered resolution: a pixel belongs to an object iff at least half
  of its area (4x4 supersampling) is covered by the shape. The image itself uses the same
  coverage as alpha (anti-aliased edges).

Classes (index: name): 0 circle, 1 square, 2 triangle, 3 star, 4 cross, 5 ring.

Public API
----------
  CLASSES                      list of class names
  make_scene(seed, res=112)    -> Scene (image uint8 HxWx3, label, label_mask, class_masks, objects)
  write_png(path, array)       8-bit RGB (HxWx3) or grey (HxW) PNG
"""
from __future__ import annotations

import math
import struct
import zlib
from dataclasses import dataclass, field

import numpy as np

CLASSES = ["circle", "square", "triangle", "star", "cross", "ring"]
BASE = 112.0  # design resolution
SS = 4  # supersampling per axis for coverage


# ----------------------------------------------------------------------------- shapes
def _inside(cls: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Is local point (u, v) inside shape `cls` of circumradius 1 (unrotated)?"""
    if cls == 0:  # circle
        return u * u + v * v <= 1.0
    if cls == 1:  # square, corners on the unit circle
        h = 1.0 / math.sqrt(2.0)
        return (np.abs(u) <= h) & (np.abs(v) <= h)
    if cls == 2:  # equilateral triangle, circumradius 1 (inradius 1/2), apex down before rotation
        ok = np.ones(u.shape, dtype=bool)
        for k in range(3):
            a = math.pi / 2 + math.pi + 2 * math.pi * k / 3  # outward normals of the 3 edges
            ok &= (u * math.cos(a) + v * math.sin(a)) <= 0.5
        return ok
    if cls == 3:  # five-pointed star, outer radius 1, inner 0.42
        n = 10
        ang = [-math.pi / 2 + math.pi * i / 5 for i in range(n)]
        rad = [1.0 if i % 2 == 0 else 0.42 for i in range(n)]
        px = [r * math.cos(a) for r, a in zip(rad, ang)]
        py = [r * math.sin(a) for r, a in zip(rad, ang)]
        inside = np.zeros(u.shape, dtype=bool)
        j = n - 1
        for i in range(n):  # even-odd crossing rule
            xi, yi, xj, yj = px[i], py[i], px[j], py[j]
            cond = (yi > v) != (yj > v)
            with np.errstate(divide="ignore", invalid="ignore"):
                xcross = (xj - xi) * (v - yi) / (yj - yi) + xi
            inside ^= cond & (u < xcross)
            j = i
        return inside
    if cls == 4:  # plus-shaped cross; arm half-width 0.3, arm reach 0.95 (corners inside r=1)
        w, L = 0.3, 0.95
        au, av = np.abs(u), np.abs(v)
        return ((au <= w) & (av <= L)) | ((av <= w) & (au <= L))
    if cls == 5:  # ring (annulus), inner radius 0.55
        r2 = u * u + v * v
        return (r2 <= 1.0) & (r2 >= 0.55 * 0.55)
    raise ValueError(cls)


def _coverage(cls: int, cx: float, cy: float, r: float, rot: float, res: int):
    """Supersampled coverage of one shape: returns (y0, x0, alpha[h, w]) over its bounding box."""
    x0 = max(0, int(math.floor(cx - r - 1)))
    x1 = min(res, int(math.ceil(cx + r + 1)))
    y0 = max(0, int(math.floor(cy - r - 1)))
    y1 = min(res, int(math.ceil(cy + r + 1)))
    h, w = y1 - y0, x1 - x0
    off = (np.arange(SS) + 0.5) / SS
    ys = (np.arange(y0, y1)[:, None] + off[None, :]).reshape(-1)  # h*SS
    xs = (np.arange(x0, x1)[:, None] + off[None, :]).reshape(-1)  # w*SS
    dx = (xs[None, :] - cx) / r
    dy = (ys[:, None] - cy) / r
    c, s = math.cos(rot), math.sin(rot)
    u = c * dx + s * dy  # rotate the sample points by -rot
    v = -s * dx + c * dy
    ins = _inside(cls, u, v).astype(np.float32)
    alpha = ins.reshape(h, SS, w, SS).mean(axis=(1, 3))
    return y0, x0, alpha


# ----------------------------------------------------------------------------- scene description
@dataclass
class Obj:
    cls: int
    cx: float  # design units
    cy: float
    size: float  # diameter of circumscribed circle, design units
    rot: float
    color: np.ndarray
    shade_dir: float
    shade_amp: float
    texture: int  # 0 solid, 1 stripes, 2 speckle
    tex_freq: float
    tex_amp: float
    decoy: bool


@dataclass
class Scene:
    seed: int
    res: int
    image: np.ndarray  # uint8 [res, res, 3]
    label: int
    label_mask: np.ndarray  # bool [res, res]: pixels of the labelled class's (non-decoy) objects
    class_masks: dict  # class index -> bool mask (all objects of that class incl. decoys)
    objects: list = field(default_factory=list)  # dicts: cls, decoy, mask, box [x0,y0,x1,y1)


def _rand_color(rng):
    # mix of saturated and muted colours
    if rng.random() < 0.5:
        h = rng.random()
        s = rng.uniform(0.5, 1.0)
        v = rng.uniform(0.35, 1.0)
        i = int(h * 6) % 6
        f = h * 6 - math.floor(h * 6)
        p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
        rgb = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
        return np.array(rgb, dtype=np.float32)
    return rng.uniform(0.0, 1.0, 3).astype(np.float32)


def _describe(rng):
    """All random choices of a scene, resolution-free."""
    d = {}
    d["label"] = int(rng.integers(len(CLASSES)))
    # --- background
    d["g_c0"] = rng.uniform(0.1, 0.9, 3)
    d["g_c1"] = np.clip(d["g_c0"] + rng.normal(0, 0.25, 3), 0.05, 0.95)
    d["g_ang"] = rng.uniform(0, 2 * math.pi)
    d["noise_grid"] = int(rng.integers(3, 14))
    d["noise_vals"] = rng.normal(0, 1, (d["noise_grid"] + 1, d["noise_grid"] + 1, 3))
    d["noise_amp"] = rng.uniform(0.03, 0.14)
    d["noise_grey"] = rng.random() < 0.5
    d["stripes"] = rng.random() < 0.45
    d["st_ang"] = rng.uniform(0, math.pi)
    d["st_period"] = rng.uniform(5, 22)
    d["st_phase"] = rng.uniform(0, 2 * math.pi)
    d["st_amp"] = rng.uniform(0.03, 0.11)
    d["st_col"] = rng.uniform(-1, 1, 3)
    d["checker"] = rng.random() < 0.15
    d["ck_period"] = rng.uniform(8, 28)
    d["ck_amp"] = rng.uniform(0.02, 0.07)
    nb = int(rng.integers(2, 8))
    d["blobs"] = [
        (rng.uniform(0, BASE), rng.uniform(0, BASE), rng.uniform(4, 22), rng.uniform(0.4, 1.0),
         rng.uniform(0, math.pi), rng.normal(0, 0.09, 3))
        for _ in range(nb)
    ]
    nl = int(rng.integers(1, 7))
    d["lines"] = [
        (rng.uniform(0, BASE, 2), rng.uniform(0, BASE, 2), rng.uniform(0.6, 2.0), rng.normal(0, 0.1, 3))
        for _ in range(nl)
    ]
    d["pix_noise"] = rng.uniform(0.005, 0.04)
    # --- objects
    n = int(rng.choice([1, 2, 3], p=[0.7, 0.2, 0.1]))
    specs = [(d["label"], False, rng.uniform(18, 45 if n == 1 else (40 if n == 2 else 34))) for _ in range(n)]
    if rng.random() < 0.3:
        for _ in range(int(rng.integers(1, 3))):
            other = int(rng.integers(len(CLASSES) - 1))
            other += other >= d["label"]
            specs.append((other, True, rng.uniform(8, 12)))
    placed = []
    for cls, decoy, size in specs:
        r = size / 2
        for _try in range(60):
            cx = rng.uniform(r + 1, BASE - r - 1)
            cy = rng.uniform(r + 1, BASE - r - 1)
            if all(math.hypot(cx - o.cx, cy - o.cy) >= r + o.size / 2 + 2 for o in placed):
                break
        else:
            if not decoy and not any(not o.decoy for o in placed):
                cx = cy = BASE / 2  # cannot happen for the first object, kept for safety
            else:
                continue
        tex = int(rng.choice([0, 1, 2], p=[0.6, 0.2, 0.2]))
        placed.append(Obj(cls, cx, cy, size, rng.uniform(0, 2 * math.pi), _rand_color(rng),
                          rng.uniform(0, 2 * math.pi), rng.uniform(0.0, 0.18), tex,
                          rng.uniform(2.5, 6.0), rng.uniform(0.05, 0.15), decoy))
    d["objects"] = placed
    d["noise_seed"] = int(rng.integers(2**31))
    return d


def _bilinear_grid(vals: np.ndarray, res: int) -> np.ndarray:
    """Upsample a (g+1)x(g+1)xC grid of values spanning the canvas to res x res (bilinear)."""
    g = vals.shape[0] - 1
    t = (np.arange(res) + 0.5) / res * g
    i0 = np.clip(np.floor(t).astype(int), 0, g - 1)
    f = (t - i0)[:, None]
    rows = vals[i0] * (1 - f)[:, :, None] + vals[i0 + 1] * f[:, :, None]  # res x (g+1) x C
    rows = np.transpose(rows, (1, 0, 2))  # (g+1) x res x C
    cols = rows[i0] * (1 - f)[:, :, None] + rows[i0 + 1] * f[:, :, None]  # res x res x C
    return np.transpose(cols, (1, 0, 2))


def _render(d, res: int, seed: int) -> Scene:
    k = res / BASE
    yy, xx = np.mgrid[0:res, 0:res].astype(np.float32)
    X = (xx + 0.5) / k  # design-unit coordinates of pixel centres
    Y = (yy + 0.5) / k
    # gradient
    proj = (np.cos(d["g_ang"]) * (X - BASE / 2) + np.sin(d["g_ang"]) * (Y - BASE / 2)) / BASE + 0.5
    proj = np.clip(proj, 0, 1)[:, :, None]
    img = d["g_c0"][None, None, :] * (1 - proj) + d["g_c1"][None, None, :] * proj
    # value noise
    nv = d["noise_vals"]
    if d["noise_grey"]:
        nv = np.repeat(nv[:, :, :1], 3, axis=2)
    img = img + d["noise_amp"] * _bilinear_grid(nv, res)
    if d["stripes"]:
        ph = (np.cos(d["st_ang"]) * X + np.sin(d["st_ang"]) * Y) * 2 * math.pi / d["st_period"] + d["st_phase"]
        img = img + d["st_amp"] * np.sin(ph)[:, :, None] * (0.5 + 0.5 * d["st_col"])[None, None, :]
    if d["checker"]:
        p = d["ck_period"]
        ck = ((np.floor(X / p) + np.floor(Y / p)) % 2) * 2 - 1
        img = img + d["ck_amp"] * ck[:, :, None]
    for bx, by, br, asp, ang, col in d["blobs"]:
        c, s = math.cos(ang), math.sin(ang)
        u = (c * (X - bx) + s * (Y - by)) / br
        v = (-s * (X - bx) + c * (Y - by)) / (br * asp)
        img = img + np.exp(-(u * u + v * v))[:, :, None] * col[None, None, :]
    for (ax, ay), (bx, by), wdt, col in d["lines"]:
        dx, dy = bx - ax, by - ay
        L2 = dx * dx + dy * dy + 1e-6
        t = np.clip(((X - ax) * dx + (Y - ay) * dy) / L2, 0, 1)
        dist = np.hypot(X - (ax + t * dx), Y - (ay + t * dy))
        a = np.clip(wdt / 2 + 0.5 - dist, 0, 1) if k <= 1 else np.clip((wdt / 2 - dist) * k + 0.5, 0, 1)
        img = img + a[:, :, None] * col[None, None, :]
    img = img.astype(np.float32)
    nrng = np.random.default_rng(d["noise_seed"] + 7919 * res)

    class_masks = {c: np.zeros((res, res), dtype=bool) for c in range(len(CLASSES))}
    label_mask = np.zeros((res, res), dtype=bool)
    objects = []
    for o in d["objects"]:
        r = o.size / 2 * k
        y0, x0, alpha = _coverage(o.cls, o.cx * k, o.cy * k, r, o.rot, res)
        h, w = alpha.shape
        region = img[y0:y0 + h, x0:x0 + w]
        # keep the object colour away from the background under it
        bg = (region * alpha[:, :, None]).sum(axis=(0, 1)) / max(alpha.sum(), 1e-6)
        col = o.color.copy()
        diff = col - bg
        dist = np.abs(diff).max()
        if dist < 0.3:
            j = int(np.argmax(np.abs(diff)))
            sgn = 1.0 if (bg[j] < 0.5) else -1.0
            col[j] = np.clip(bg[j] + sgn * 0.4, 0, 1)
        Xl = (np.arange(x0, x0 + w)[None, :] + 0.5) / k - o.cx
        Yl = (np.arange(y0, y0 + h)[:, None] + 0.5) / k - o.cy
        sh = (math.cos(o.shade_dir) * Xl + math.sin(o.shade_dir) * Yl) / (o.size / 2)
        fill = col[None, None, :] + (o.shade_amp * sh)[:, :, None]
        if o.texture == 1:
            ph = (math.cos(o.rot) * Xl + math.sin(o.rot) * Yl) * 2 * math.pi / o.tex_freq
            fill = fill + o.tex_amp * np.sin(ph)[:, :, None]
        elif o.texture == 2:
            fill = fill + o.tex_amp * nrng.normal(0, 1, (h, w, 1)).astype(np.float32)
        region[:] = region * (1 - alpha[:, :, None]) + fill * alpha[:, :, None]
        m = np.zeros((res, res), dtype=bool)
        m[y0:y0 + h, x0:x0 + w] = alpha >= 0.5
        class_masks[o.cls] |= m
        if not o.decoy:
            label_mask |= m
        ys, xs = np.nonzero(m)
        box = [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1] if len(xs) else [0, 0, 0, 0]
        objects.append({"cls": o.cls, "decoy": o.decoy, "mask": m, "box": box,
                        "cx": o.cx * k, "cy": o.cy * k, "size": o.size * k, "rot": o.rot})
    img = img + nrng.normal(0, d["pix_noise"], img.shape).astype(np.float32)
    image = np.clip(np.round(img * 255), 0, 255).astype(np.uint8)
    return Scene(seed, res, image, d["label"], label_mask, class_masks, objects)


def make_scene(seed: int, res: int = 112) -> Scene:
    """The scene for `seed`, rendered at res x res. Same seed -> same scene at any res."""
    rng = np.random.default_rng(seed)
    return _render(_describe(rng), res, seed)


# ----------------------------------------------------------------------------- PNG
def write_png(path: str, arr: np.ndarray) -> None:
    """Write an 8-bit PNG: HxWx3 uint8 (RGB) or HxW uint8 (grey)."""
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    if arr.ndim == 2:
        h, w = arr.shape
        ctype, rowbytes = 0, w
    else:
        h, w, _ = arr.shape
        ctype, rowbytes = 2, w * 3
    raw = np.zeros((h, rowbytes + 1), dtype=np.uint8)
    raw[:, 1:] = arr.reshape(h, rowbytes)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, ctype, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw.tobytes(), 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def read_png(path: str) -> np.ndarray:
    """Read back an 8-bit, non-interlaced PNG written by write_png (filter type 0 only)."""
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, w, h, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        tag = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        if tag == b"IHDR":
            w, h, _bd, ctype = struct.unpack(">IIBB", body[:10])
        elif tag == b"IDAT":
            idat += body
        pos += 12 + n
    ch = 3 if ctype == 2 else 1
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, w * ch + 1)
    assert (raw[:, 0] == 0).all(), "only filter type 0 supported"
    out = raw[:, 1:].reshape(h, w, ch) if ch == 3 else raw[:, 1:].reshape(h, w)
    return out.copy()


if __name__ == "__main__":  # quick look: python3 scenes.py OUT_DIR [N]
    import os
    import sys

    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/scenes"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        s = make_scene(i)
        write_png(os.path.join(out, f"{i:03d}-{CLASSES[s.label]}.png"), s.image)
        write_png(os.path.join(out, f"{i:03d}-mask.png"), s.label_mask.astype(np.uint8) * 255)
