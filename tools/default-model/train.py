"""Train BOREx Studio's default model (shapes-v1) on freshly generated synthetic scenes.

Run with Debian's python (python3-torch 1.13, python3-onnx):
    cd tools/default-model && /usr/bin/python3 train.py
then build the samples / test fixture from the exported ONNX:
    /usr/bin/python3 assets.py

Writes resources/models/shapes-v1.onnx, shapes-v1.borex.json, shapes-v1.labels.txt and
tools/default-model/train-report.json (numbers used by assets.py for shapes-v1.md).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from multiprocessing import Pool

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import MEAN, RES, STD, ShapesNet, half_occlusion, predict, to_tensor  # noqa: E402
from scenes import CLASSES, make_scene  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
MODELS = os.path.join(REPO, "resources", "models")

TRAIN_SEED0 = 1_000_000  # training scenes: seeds TRAIN_SEED0 + i
TEST_SEED0 = 3_000_000  # held-out test scenes (accuracy report)


def _gen(seed: int):
    s = make_scene(seed, RES)
    boxes = [o["box"] for o in s.objects if not o["decoy"]]
    return s.image, s.label, np.packbits(s.label_mask), boxes


def generate(seed0: int, n: int, procs: int):
    with Pool(procs) as pool:
        out = pool.map(_gen, range(seed0, seed0 + n), chunksize=256)
    images = np.stack([o[0] for o in out])
    labels = np.array([o[1] for o in out], dtype=np.int64)
    masks = np.stack([o[2] for o in out])
    boxes = [o[3] for o in out]
    return images, labels, masks, boxes


# ----------------------------------------------------------------------------- occlusion augmentation
def _rect_keep(rng) -> np.ndarray:
    keep = np.ones((RES, RES), dtype=np.float32)
    for _ in range(int(rng.integers(1, 4))):
        w, h = rng.integers(12, 72, 2)
        x0, y0 = rng.integers(-10, RES - 5, 2)
        keep[max(0, y0):max(0, y0 + h), max(0, x0):max(0, x0 + w)] = 0
    return keep


def _rise_keep(rng) -> np.ndarray:
    """RISE-style: a random binary s x s grid, bilinearly upsampled and randomly shifted."""
    s = int(rng.integers(3, 11))
    cell = math.ceil(RES / s)
    grid = (rng.random((1, 1, s + 1, s + 1)) < rng.uniform(0.3, 0.75)).astype(np.float32)
    up = F.interpolate(torch.from_numpy(grid), size=((s + 1) * cell, (s + 1) * cell), mode="bilinear",
                       align_corners=False)[0, 0].numpy()
    dx, dy = rng.integers(0, cell, 2)
    return up[dy:dy + RES, dx:dx + RES]


def _blob_keep(rng) -> np.ndarray:
    """A few Gaussian 'holes' (soft occluders) or the complement (only soft windows visible)."""
    yy, xx = np.mgrid[0:RES, 0:RES].astype(np.float32)
    acc = np.zeros((RES, RES), dtype=np.float32)
    for _ in range(int(rng.integers(1, 5))):
        cx, cy = rng.uniform(0, RES, 2)
        sg = rng.uniform(6, 30)
        acc = np.maximum(acc, np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * sg * sg)))
    return (1 - acc) if rng.random() < 0.5 else acc


def occlusion_keep(rng, label_mask: np.ndarray, boxes) -> np.ndarray | None:
    """A keep-mask for one training sample, or None (clean). Never hides more than 65 % of the
    labelled objects (weighted by the soft mask)."""
    u = rng.random()
    if u < 0.35:
        return None
    area = label_mask.sum()
    for _ in range(4):
        if u < 0.5:
            keep = half_occlusion(boxes, rng)
        elif u < 0.7:
            keep = _rect_keep(rng)
        elif u < 0.9:
            keep = _rise_keep(rng)
        else:
            keep = _blob_keep(rng)
        if area == 0 or (keep * label_mask).sum() / area >= 0.35:
            return keep
    return None


def make_batch(idx, images, labels, masks, boxes, rng, augment: bool):
    x = to_tensor(images[idx])
    y = torch.from_numpy(labels[idx])
    if not augment:
        return x, y
    keeps = np.ones((len(idx), 1, RES, RES), dtype=np.float32)
    for j, i in enumerate(idx):
        lm = np.unpackbits(masks[i])[: RES * RES].reshape(RES, RES).astype(np.float32)
        k = occlusion_keep(rng, lm, boxes[i])
        if k is not None:
            keeps[j, 0] = k
    x = x * torch.from_numpy(keeps)  # grey baseline = 0 after normalisation
    # label-preserving geometry: the classes are rotation/flip invariant
    k = int(rng.integers(4))
    if k:
        x = torch.rot90(x, k, dims=(2, 3))
    if rng.random() < 0.5:
        x = torch.flip(x, dims=(3,))
    # mild photometric jitter (per-sample brightness/contrast in normalised space)
    if rng.random() < 0.5:
        a = torch.from_numpy(rng.uniform(0.8, 1.2, (len(idx), 1, 1, 1)).astype(np.float32))
        b = torch.from_numpy(rng.uniform(-0.2, 0.2, (len(idx), 1, 1, 1)).astype(np.float32))
        x = x * a + b
    return x.contiguous(), y


def evaluate(model, images, labels, boxes, seed: int):
    x = to_tensor(images)
    y = torch.from_numpy(labels)
    clean = (predict(model, x).argmax(1) == y).float().mean().item()
    rng = np.random.default_rng(seed)
    keeps = np.stack([half_occlusion(b, rng) for b in boxes])[:, None]
    xo = x * torch.from_numpy(keeps)
    occl = (predict(model, xo).argmax(1) == y).float().mean().item()
    return clean, occl, keeps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-n", type=int, default=32000)
    ap.add_argument("--test-n", type=int, default=2000)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=4e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=MODELS)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    t0 = time.time()
    tr = generate(TRAIN_SEED0, args.train_n, args.threads)
    te = generate(TEST_SEED0, args.test_n, args.threads)
    t_gen = time.time() - t0
    print(f"generated {args.train_n} train + {args.test_n} test scenes in {t_gen:.0f}s", flush=True)
    print("train class counts", np.bincount(tr[1], minlength=len(CLASSES)).tolist(), flush=True)

    model = ShapesNet(len(CLASSES))
    nparams = sum(p.numel() for p in model.parameters())
    print("parameters", nparams, flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    steps_per_epoch = args.train_n // args.batch
    total = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=total, pct_start=0.15)
    t1 = time.time()
    step = 0
    for ep in range(args.epochs):
        model.train()
        perm = rng.permutation(args.train_n)
        run_loss, run_acc, seen = 0.0, 0.0, 0
        for b in range(steps_per_epoch):
            idx = perm[b * args.batch:(b + 1) * args.batch]
            x, y = make_batch(idx, *tr, rng, augment=True)
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            run_loss += loss.item() * len(idx)
            run_acc += (logits.argmax(1) == y).float().sum().item()
            seen += len(idx)
            if step % 100 == 0:
                print(f"ep {ep} step {step}/{total} loss {run_loss / seen:.3f} acc {run_acc / seen:.3f} "
                      f"{time.time() - t1:.0f}s", flush=True)
                run_loss, run_acc, seen = 0.0, 0.0, 0
        clean, occl, _ = evaluate(model, te[0], te[1], te[3], seed=123)
        print(f"== epoch {ep}: test clean {clean:.4f} half-occluded {occl:.4f} ({time.time() - t1:.0f}s)", flush=True)
    t_train = time.time() - t1

    model.eval()
    clean, occl, keeps = evaluate(model, te[0], te[1], te[3], seed=123)
    lm = np.stack([np.unpackbits(m)[: RES * RES].reshape(RES, RES) for m in te[2]]).astype(np.float32)
    hidden = float(((1 - keeps[:, 0]) * lm).sum() / lm.sum())
    print(f"final: clean {clean:.4f} half-occluded {occl:.4f} (hidden fraction of label pixels {hidden:.3f})")

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "shapes-v1.onnx")
    dummy = torch.zeros(1, 3, RES, RES)
    torch.onnx.export(model, dummy, onnx_path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "N"}, "output": {0: "N"}}, opset_version=13,
                      do_constant_folding=True)
    import onnx

    m = onnx.load(onnx_path)
    onnx.checker.check_model(m)
    print("onnx ops", [n.op_type for n in m.graph.node])
    with open(os.path.join(args.out, "shapes-v1.labels.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    spec = {"layout": "NCHW", "height": RES, "width": RES, "resize": "stretch", "cropFraction": 1,
            "channelOrder": "RGB", "mean": MEAN, "std": STD, "output": "logits",
            "labels": "shapes-v1.labels.txt", "inputName": "input", "outputName": "output"}
    with open(os.path.join(args.out, "shapes-v1.borex.json"), "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    report = {
        "command": "cd tools/default-model && /usr/bin/python3 train.py " + " ".join(sys.argv[1:]),
        "args": vars(args) | {"out": os.path.relpath(args.out, REPO)},
        "parameters": nparams,
        "train_scenes": args.train_n, "train_seeds": [TRAIN_SEED0, TRAIN_SEED0 + args.train_n - 1],
        "test_scenes": args.test_n, "test_seeds": [TEST_SEED0, TEST_SEED0 + args.test_n - 1],
        "generation_seconds": round(t_gen, 1), "training_seconds": round(t_train, 1),
        "test_accuracy_clean": round(clean, 4), "test_accuracy_half_occluded": round(occl, 4),
        "half_occlusion_hidden_fraction": round(hidden, 3),
        "torch": torch.__version__, "onnx": onnx.__version__, "numpy": np.__version__,
    }
    with open(os.path.join(HERE, "train-report.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
