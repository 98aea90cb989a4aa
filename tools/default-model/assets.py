"""Build the demo samples, the Node accuracy fixture and the model card from the EXPORTED ONNX.

    cd tools/default-model && /usr/bin/python3 assets.py

Debian's python has no onnxruntime, so the ONNX file's own weights are loaded into an
equivalent torch network (common.fused_from_onnx: conv layers with the BatchNorm already folded
in, exactly the graph the .onnx holds) and run with torch's forward.

Writes
  resources/samples/*.png, *.mask.png, samples.json   (224x224 scenes; masks at 224x224)
  test/fixtures/default-model/testset/*.png, labels.json   (112x112 scenes + python-measured accuracy)
  resources/models/shapes-v1.md                           (model card)
"""
from __future__ import annotations

import hashlib
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import MEAN, RES, STD, fused_from_onnx, half_occlusion, predict, to_tensor  # noqa: E402
from scenes import CLASSES, make_scene  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
MODELS = os.path.join(REPO, "resources", "models")
SAMPLES = os.path.join(REPO, "resources", "samples")
TESTSET = os.path.join(REPO, "test", "fixtures", "default-model", "testset")
ONNX = os.path.join(MODELS, "shapes-v1.onnx")

FIXTURE_SEED0 = 4_000_000  # Node accuracy fixture: seeds FIXTURE_SEED0 + i
FIXTURE_N = 120  # ~24 KB per noisy 112x112 PNG: keeps the fixture under 3 MB
SAMPLE_SEED0 = 5_000_000  # demo samples are searched from here
SAMPLE_RES = 224
RESIZE_CHECK_SEED0 = 6_000_000  # 224-rendered scenes brought down to 112 (robustness check)
RESIZE_CHECK_N = 500


def save_png(path: str, arr: np.ndarray) -> None:
    """PNG via PIL (adaptive filters, much smaller than filter-0 PNGs for these textures)."""
    from PIL import Image

    Image.fromarray(arr).save(path, optimize=True)


def load_png(path: str) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"))


def down2(img: np.ndarray) -> np.ndarray:
    """2x2 box average 224 -> 112 (close to a linear-kernel downscale), rounded back to uint8."""
    f = img.astype(np.float32).reshape(img.shape[0] // 2, 2, img.shape[1] // 2, 2, 3).mean(axis=(1, 3))
    return np.clip(np.round(f), 0, 255).astype(np.uint8)


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def build_fixture(model, onnx_sha: str):
    os.makedirs(TESTSET, exist_ok=True)
    for f in os.listdir(TESTSET):
        os.remove(os.path.join(TESTSET, f))
    items, images = [], []
    for i in range(FIXTURE_N):
        s = make_scene(FIXTURE_SEED0 + i, RES)
        name = f"{i:03d}.png"
        save_png(os.path.join(TESTSET, name), s.image)
        back = load_png(os.path.join(TESTSET, name))
        assert (back == s.image).all()
        images.append(back)
        items.append({"file": name, "labelIndex": s.label, "label": CLASSES[s.label], "seed": FIXTURE_SEED0 + i})
    logits = predict(model, to_tensor(np.stack(images)))
    pred = logits.argmax(1).numpy()
    correct = 0
    for it, p, lg in zip(items, pred, logits.numpy()):
        it["predicted"] = int(p)
        it["logits"] = [round(float(v), 4) for v in lg]
        correct += int(p == it["labelIndex"])
    acc = correct / FIXTURE_N
    doc = {
        "model": "resources/models/shapes-v1.onnx",
        "modelSha256": onnx_sha,
        "spec": "resources/models/shapes-v1.borex.json",
        "note": "112x112 scenes = the model's input size (no resize). Accuracy measured in python with "
                "torch 1.13's forward of the ONNX file's own weights (Debian python has no onnxruntime); "
                "onnxruntime-node should reproduce 'predicted' for every item and 'logits' to ~1e-3.",
        "count": FIXTURE_N,
        "correct": correct,
        "accuracy": acc,
        "items": items,
    }
    with open(os.path.join(TESTSET, "labels.json"), "w") as f:
        head = json.dumps({k: v for k, v in doc.items() if k != "items"}, indent=2)[:-2]
        f.write(head + ',\n  "items": [\n')
        f.write(",\n".join("    " + json.dumps(it) for it in items))
        f.write("\n  ]\n}\n")
    return acc, correct


def pick_samples(model):
    """One sample per class, correctly and confidently classified (after a 2x2 downscale to the
    model's 112x112), with some variety: single objects, several instances, decoys."""
    wants = {  # class -> (n labelled instances, has decoys)
        0: (1, False), 1: (1, True), 2: (2, False), 3: (1, False), 4: (1, True), 5: (3, False),
    }
    chosen = {}
    seed = SAMPLE_SEED0
    while len(chosen) < len(CLASSES):
        s = make_scene(seed, RES)  # cheap look at the layout first
        n_main = sum(not o["decoy"] for o in s.objects)
        has_decoy = any(o["decoy"] for o in s.objects)
        if s.label not in chosen and wants[s.label] == (n_main, has_decoy):
            big = make_scene(seed, SAMPLE_RES)
            p = torch.softmax(predict(model, to_tensor(down2(big.image)[None])), 1)[0]
            if int(p.argmax()) == s.label and float(p[s.label]) > 0.9:
                chosen[s.label] = (seed, float(p[s.label]))
        seed += 1
    return chosen


def build_samples(model):
    os.makedirs(SAMPLES, exist_ok=True)
    for f in os.listdir(SAMPLES):
        if f.endswith(".png") or f == "samples.json":
            os.remove(os.path.join(SAMPLES, f))
    chosen = pick_samples(model)
    entries = []
    for k, label in enumerate(sorted(chosen)):
        seed, prob = chosen[label]
        s = make_scene(seed, SAMPLE_RES)
        base = f"shapes-{k + 1:02d}-{CLASSES[label]}"
        save_png(os.path.join(SAMPLES, base + ".png"), s.image)
        save_png(os.path.join(SAMPLES, base + ".mask.png"), s.label_mask.astype(np.uint8) * 255)
        entries.append({
            "file": base + ".png",
            "mask": base + ".mask.png",
            "label": CLASSES[label],
            "labelIndex": label,
            "boxes": [o["box"] for o in s.objects if not o["decoy"]],
            "decoys": [{"label": CLASSES[o["cls"]], "labelIndex": o["cls"], "box": o["box"]}
                       for o in s.objects if o["decoy"]],
            "width": SAMPLE_RES,
            "height": SAMPLE_RES,
            "seed": seed,
            "pythonProbability": round(prob, 4),
        })
    # A plain array (what the demo and tests read); the format is described in shapes-v1.md.
    with open(os.path.join(SAMPLES, "samples.json"), "w") as f:
        f.write("[\n" + ",\n".join("  " + json.dumps(e) for e in entries) + "\n]\n")
    return entries


def resize_check(model):
    imgs, labels = [], []
    for i in range(RESIZE_CHECK_N):
        s = make_scene(RESIZE_CHECK_SEED0 + i, SAMPLE_RES)
        imgs.append(down2(s.image))
        labels.append(s.label)
    pred = predict(model, to_tensor(np.stack(imgs))).argmax(1).numpy()
    return float((pred == np.array(labels)).mean())


def main():
    torch.set_num_threads(2)
    model = fused_from_onnx(ONNX)
    onnx_sha = sha256(ONNX)
    with open(os.path.join(HERE, "train-report.json")) as f:
        rep = json.load(f)
    # the fused ONNX weights must reproduce the training-time test accuracy
    te_imgs, te_labels, te_boxes = [], [], []
    for i in range(rep["test_scenes"]):
        s = make_scene(rep["test_seeds"][0] + i, RES)
        te_imgs.append(s.image)
        te_labels.append(s.label)
        te_boxes.append([o["box"] for o in s.objects if not o["decoy"]])
    x = to_tensor(np.stack(te_imgs))
    y = torch.tensor(te_labels)
    clean = (predict(model, x).argmax(1) == y).float().mean().item()
    rng = np.random.default_rng(123)
    keeps = torch.from_numpy(np.stack([half_occlusion(b, rng) for b in te_boxes])[:, None])
    occl = (predict(model, x * keeps).argmax(1) == y).float().mean().item()
    print(f"ONNX weights: test clean {clean:.4f} half-occluded {occl:.4f} "
          f"(training run said {rep['test_accuracy_clean']} / {rep['test_accuracy_half_occluded']})")
    fx_acc, fx_correct = build_fixture(model, onnx_sha)
    print(f"fixture accuracy {fx_acc:.4f} ({fx_correct}/{FIXTURE_N})")
    entries = build_samples(model)
    print("samples", [(e["file"], e["seed"], e["pythonProbability"]) for e in entries])
    rs = resize_check(model)
    print(f"224->112 (2x2 box) accuracy {rs:.4f}")

    # sanity checks of what the model looks at (same test scenes)
    lm = torch.from_numpy(np.stack([make_scene(rep["test_seeds"][0] + i, RES).label_mask
                                    for i in range(len(te_imgs))])[:, None].astype(np.float32))
    kb = np.ones((len(te_imgs), 1, RES, RES), dtype=np.float32)
    for j, bxs in enumerate(te_boxes):
        for x0, y0, x1, y1 in bxs:
            kb[j, 0, max(0, y0 - 2):y1 + 2, max(0, x0 - 2):x1 + 2] = 0
    pb = predict(model, x * torch.from_numpy(kb)).argmax(1)
    acc_boxes = (pb == y).float().mean().item()
    box_pred_square = (pb == CLASSES.index("square")).float().mean().item()
    acc_mask_grey = (predict(model, x * (1 - lm)).argmax(1) == y).float().mean().item()
    acc_only_obj = (predict(model, x * lm).argmax(1) == y).float().mean().item()
    from train import _rise_keep

    rrng = np.random.default_rng(1)
    kr = torch.from_numpy(np.stack([_rise_keep(rrng) for _ in range(len(te_imgs))])[:, None])
    acc_rise = (predict(model, x * kr).argmax(1) == y).float().mean().item()

    # per-class clean accuracy on the test set
    pred = predict(model, x).argmax(1)
    per_class = {CLASSES[c]: round(float((pred[y == c] == c).float().mean()), 4) for c in range(len(CLASSES))}

    size = os.path.getsize(ONNX)
    fixture_bytes = sum(os.path.getsize(os.path.join(TESTSET, f)) for f in os.listdir(TESTSET))
    sample_bytes = sum(os.path.getsize(os.path.join(SAMPLES, f)) for f in os.listdir(SAMPLES))
    md = f"""# shapes-v1: BOREx Studio's built-in default model

A small CNN that names the shape class of the large objects in a synthetic, cluttered 112x112 scene.
Made entirely here, from our own generator: no external data or weights.

## Classes
{", ".join(f"{i} {c}" for i, c in enumerate(CLASSES))} (`shapes-v1.labels.txt`, one per line).

## Input / output (`shapes-v1.borex.json`)
- input `input`: float32 NCHW `[N,3,112,112]` (dynamic N), RGB, `v/255` then `(v - mean) / std` with
  mean {MEAN}, std {STD}. A mid-grey pixel (v/255 = 0.5) is exactly 0: the occlusion baseline.
- resize: `stretch` to 112x112, cropFraction 1.
- output `output`: logits `[N,6]`.
- graph (opset 13): 6 x (Conv3x3 [BN folded] + Relu) with two MaxPools, last conv map 128 x 14 x 14,
  then `GlobalAveragePool -> Flatten -> Gemm`: Grad-CAM / Grad-CAM++ target = the last Relu's output.
- {rep['parameters']} parameters; file size {size} bytes.
- sha256 `{onnx_sha}`

## Data (tools/default-model/scenes.py)
One labelled class per scene: 1-3 instances of it (18-45 px across), random colours, rotations, fills,
on a cluttered background (gradients, value noise, stripes, checkers, soft low-contrast blobs, thin
lines, pixel noise). In 30 % of scenes 1-2 small (8-12 px) decoy shapes of other classes: never the
label. Masks are exact (pixel in an object iff >= half its area is covered). Seeds: training
{rep['train_seeds'][0]}..{rep['train_seeds'][1]}, test {rep['test_seeds'][0]}..{rep['test_seeds'][1]},
Node fixture {FIXTURE_SEED0}..{FIXTURE_SEED0 + FIXTURE_N - 1}, samples searched from {SAMPLE_SEED0}.

## Training
    {rep['command']}
    cd tools/default-model && /usr/bin/python3 assets.py    # samples, fixture, this card

Debian python3 {sys.version.split()[0]}, torch {rep['torch']}, onnx {rep['onnx']}, numpy {rep['numpy']}, CPU
({rep['args']['threads']} threads). {rep['train_scenes']} scenes generated once (seeded; {rep['generation_seconds']} s),
{rep['args']['epochs']} epochs, batch {rep['args']['batch']}, AdamW + one-cycle (max lr {rep['args']['lr']}),
label smoothing 0.05. Training time {rep['training_seconds']} s ({rep['training_seconds'] / 60:.1f} min) of wall time,
measured while other jobs shared the 2 cores (load average ~6-7); the network alone trains at ~150
images/s on 2 idle cores, i.e. ~11-13 min for this run.
Augmentation: random rot90/flip (the classes are rotation invariant), brightness/contrast jitter, and
occlusion by the grey baseline (0 after normalisation) in 65 % of samples: half of each labelled
object's box, random rectangles, RISE-style upsampled random grids, soft Gaussian holes/windows, always
leaving >= 35 % of the labelled objects' pixels visible.

## Accuracy
| set | accuracy |
| --- | --- |
| test, {rep['test_scenes']} fresh scenes (seeds above), clean | {clean:.4f} |
| same scenes, half of every labelled object hidden by grey (random side of its box; {rep['half_occlusion_hidden_fraction'] * 100:.0f} % of label pixels hidden) | {occl:.4f} |
| {RESIZE_CHECK_N} scenes rendered at 224x224, 2x2 box-averaged to 112 | {rs:.4f} |
| Node fixture (`test/fixtures/default-model/testset`, {FIXTURE_N} scenes) | {fx_acc:.4f} ({fx_correct}/{FIXTURE_N}) |

What the model looks at (same {rep['test_scenes']} test scenes, grey = 0 after normalisation):
| variant | accuracy |
| --- | --- |
| one random RISE-style mask each (3-10 cell grid, keep 0.3-0.75, bilinear, shifted) | {acc_rise:.4f} |
| background grey, only the labelled objects' mask pixels kept | {acc_only_obj:.4f} |
| the labelled objects' mask pixels grey (their grey silhouette remains: still recognised) | {acc_mask_grey:.4f} |
| each labelled object's box (+2 px) grey | {acc_boxes:.4f} (chance 0.167; {box_pred_square * 100:.0f} % of answers "square", the grey boxes' shape) |

So the label lives in the objects, not the background; deletion-style metrics should note that a grey
silhouette of the exact mask still carries the shape.

Per class (test, clean): {", ".join(f"{k} {v}" for k, v in per_class.items())}.
Numbers measured with torch's forward of the ONNX file's own weights (Debian's python has no
onnxruntime); `test/integration/default-model.test.ts` re-measures the fixture through the engine with onnxruntime-node.

## Samples (`resources/samples/`, {sample_bytes} bytes) and fixture ({fixture_bytes} bytes)
{len(entries)} scenes rendered at 224x224 by scenes.py (the model's `stretch` resize brings them to 112x112),
one per class, picked from seed {SAMPLE_SEED0} on as the first scene of that class with a wanted layout
(single object / several instances / with decoys) that the model classifies with p > 0.9 after a 2x2
downscale. For each: `NAME.png`, `NAME.mask.png` (8-bit, 255 = pixels of the labelled class's objects,
0 elsewhere, at 224x224) and an entry in `samples.json`, a JSON array of
`{{file, mask, label, labelIndex, boxes, decoys, width, height, seed, pythonProbability}}`: `boxes` =
`[x0,y0,x1,y1]` (x1,y1 exclusive) of each labelled object, `decoys` = `{{label, labelIndex, box}}` of the
small other-class shapes (not the label, not in the mask).

The fixture `test/fixtures/default-model/testset/` holds {FIXTURE_N} scenes at 112x112 (`NNN.png`) and
`labels.json`: `{{model, modelSha256, spec, note, count, correct, accuracy, items: [{{file, labelIndex,
label, seed, predicted, logits}}]}}`; `accuracy`/`predicted`/`logits` are python's (torch forward of the
ONNX weights). onnxruntime-node reproduces every prediction, logits within ~1e-4.
"""
    with open(os.path.join(MODELS, "shapes-v1.md"), "w") as f:
        f.write(md)
    print(md)


if __name__ == "__main__":
    main()
