"""Build motion-v1's Node fixture and model card from the exported ONNX (run after train.py).

    cd tools/motion-model && /usr/bin/python3 assets.py

Writes test/fixtures/video/motion/ (clips as .npy uint8 [T,H,W,3], their tubes as JSON, clips.json,
reference.json with torch's logits of the ONNX file's own weights) and resources/models/motion-v1.md.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clips import CLASSES, OPPOSITE, RES, T, make_clip  # noqa: E402
from common import fused_from_onnx, predict, to_tensor  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
MODELS = os.path.join(REPO, "resources", "models")
ONNX = os.path.join(MODELS, "motion-v1.onnx")
FIXTURE = os.path.join(REPO, "test", "fixtures", "video", "motion")
FIXTURE_SEED0 = 40_000_000
# one clip per class, then one more with three distractors: 5 clips (~1 MB of raw .npy)
WANT = [0, 1, 2, 3, "three-distractors"]


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def build_fixture(net):
    os.makedirs(FIXTURE, exist_ok=True)
    for f in os.listdir(FIXTURE):
        os.remove(os.path.join(FIXTURE, f))
    chosen, seed = [], FIXTURE_SEED0
    for want in WANT:
        while True:
            c = make_clip(seed)
            seed += 1
            ok = (c.label == want) if isinstance(want, int) else len(c.distractor_boxes[0]) == 3
            if not ok:
                continue
            lg = predict(net, to_tensor(c.frames[None]))[0]
            if int(lg.argmax()) == c.label:  # known-answer clips: the model gets them right
                chosen.append(c)
                break
    items, clips = [], []
    x = to_tensor(np.stack([c.frames for c in chosen]))
    logits = predict(net, x)
    rlogits = predict(net, torch.flip(x, dims=(2,)))
    for i, c in enumerate(chosen):
        name = f"clip-{i:02d}-{CLASSES[c.label]}"
        np.save(os.path.join(FIXTURE, name + ".npy"), c.frames)
        tube = {str(t): [b] for t, b in enumerate(c.boxes)}
        with open(os.path.join(FIXTURE, name + ".tube.json"), "w") as f:
            json.dump(tube, f)
            f.write("\n")
        dtube = {str(t): bs for t, bs in enumerate(c.distractor_boxes)}
        clips.append({"file": name + ".npy", "tube": name + ".tube.json", "label": CLASSES[c.label],
                      "labelIndex": c.label, "seed": c.seed, "speed": round(c.meta["speed"], 4),
                      "shape": c.meta["shape"], "size": round(c.meta["size"], 3),
                      "distractors": c.meta["distractors"], "distractorTube": dtube})
        items.append({"file": name + ".npy", "labelIndex": c.label,
                      "predicted": int(logits[i].argmax()), "logits": [float(v) for v in logits[i]],
                      "reversedLabelIndex": OPPOSITE[c.label], "reversedPredicted": int(rlogits[i].argmax()),
                      "reversedLogits": [float(v) for v in rlogits[i]]})
    note = ("Frames: .npy uint8 [T=16, H=64, W=3]: RGB; input = NCTHW float32, v/255 then (v - 0.5) / 0.25. "
            "Tubes: {frame: [[x0, y0, x1, y1]]}, pixels, half-open (x1, y1 exclusive), the target's mask "
            "= pixels with coverage >= 0.5, box = its tight bounding box. reversed* = the clip reversed in time "
            "(frames T-1..0), whose label is the opposite direction.")
    note = note.replace("W=3]", "W=64, 3]")
    with open(os.path.join(FIXTURE, "clips.json"), "w") as f:
        json.dump({"note": note, "classes": CLASSES, "clips": clips}, f, indent=1)
        f.write("\n")
    ref = {"model": "motion-v1", "modelSha256": sha256(ONNX), "note": "logits from torch's forward of the ONNX "
           "file's own weights (Debian's python has no onnxruntime)", "items": items}
    with open(os.path.join(FIXTURE, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(FIXTURE, f)) for f in os.listdir(FIXTURE))
    return chosen, size


def card(report: dict, chosen, fixture_bytes: int) -> str:
    te = report["test"]
    a = lambda k: te[k]["accuracy"]  # noqa: E731
    n = report["test_clips"]
    return f"""# motion-v1: BOREx Studio's built-in video model

A tiny 3-D CNN that names the DIRECTION in which the one moving object of a synthetic 16-frame
64x64 clip moves, among 1-3 look-alike distractors that do not travel. Made entirely here, from our
own generator (`tools/motion-model/clips.py`): no external data or weights. Licence Apache-2.0 (as the
project).

## Classes
0 left, 1 right, 2 up, 3 down (`motion-v1.labels.txt`, one per line). Image axes: x to the right, y
down, so "up" is towards row 0. A clip reversed in time has the opposite class (left <-> right,
up <-> down).

## Input / output (`motion-v1.borex.json`)
- input `input`: float32 NCTHW `[N,3,{T},{RES},{RES}]` (dynamic N; T, H, W fixed), RGB, `v/255` (value
  range [0, 1]) then `(v - mean) / std` with mean [0.5, 0.5, 0.5], std [0.25, 0.25, 0.25]. A mid-grey
  voxel (v/255 = 0.5) is exactly 0: the occlusion baseline.
- frames: T = {T} frames sampled uniformly over the video (`sampling: "uniform"`); each frame resized
  (`stretch`) to {RES}x{RES}.
- output `output`: logits `[N,4]`.
- graph (opset 13): `ReduceMean(axes=[2]) -> Sub` (every voxel minus its pixel's mean over time),
  then 4 x (Conv3d [BN folded] + Relu):
  `3->16 k(3,4,4) s(1,4,4)`, `16->24 k3 s(2,1,1)`, `24->32 k3 s(1,2,2)`, `32->48 k3 s1`; the last map is
  48 x 8 x 8 x 8 (K x t x h x w), then `GlobalAveragePool -> Flatten -> Gemm`. 3-D Grad-CAM /
  Grad-CAM++ target = the last Relu's output (one cell = 2 frames x 8 x 8 pixels).
- {report['parameters']} parameters; file size {report['onnx_bytes']} bytes.
- sha256 `{sha256(ONNX)}`

The temporal centring is part of the model: it removes everything static (background, static
distractors, the scene's colours) before the first convolution. Without it the network did not start
to learn within the training budget (loss stayed at ln 4): with random object and background colours
the per-clip colour offsets swamp the small moving edges. For saliency methods this means a masked
(grey) voxel also shifts its pixel's temporal mean, i.e. it changes the input the convolutions see in
every frame at that pixel, not only in the masked frame.

## Data (`tools/motion-model/clips.py`)
Each clip: a static textured background (two-colour gradient, value noise, optional stripes, soft
blobs) with fresh per-pixel noise (sigma 0.005-0.03) and a small global brightness flicker (<= 2 %) in
every frame. One target (circle, square, triangle, diamond, cross or ring; 8-14 px across; random
rotation, colour kept >= 0.35 from the background's mean colour, mild shading) moves at a constant
1.0-2.5 px/frame in one of the 4 directions, fully inside the frame in every frame. 1-3 distractors
from exactly the same appearance distribution are static (35 %), jitter (centre + i.i.d. uniform offset
of up to 0.5-2 px per axis each frame, 40 %) or oscillate (sinusoid, amplitude 1-3 px, period 4-8
frames, 25 %); they never overlap the target's swept path or each other (2 px margin), so the
target is never occluded.

**Ground truth (exact):** objects are drawn with 4x4-supersampled coverage as alpha; an object's
mask in frame t = the pixels with coverage >= 0.5; its box = the mask's tight bounding box
`[x0, y0, x1, y1)` in pixels, half-open (x1, y1 exclusive), x = column, y = row, origin at the top-left
corner of pixel (0, 0). Tubes are written as `{{frame: [[x0, y0, x1, y1]], ...}}` (frame = index 0..15).

Seeds: training {report['train_seeds'][0]}..{report['train_seeds'][1]}, test {report['test_seeds'][0]}..{report['test_seeds'][1]},
Node fixture searched from {FIXTURE_SEED0}. `make_clip(seed)` is deterministic (numpy PCG64).

## Training
    cd tools/motion-model && {report['command'].split('&& ')[1]}
    cd tools/motion-model && /usr/bin/python3 assets.py    # fixture, this card

Debian python3, torch {report['torch']}, onnx {report['onnx']}, numpy {report['numpy']}, CPU,
{report['args']['threads']} training thread. {report['train_clips']} clips generated once ({report['args']['procs']} processes,
{report['generation_seconds']} s), {report['args']['epochs']} epochs, batch {report['args']['batch']}, AdamW + one-cycle
(max lr {report['args']['lr']}), label smoothing 0.05. Training time {report['training_seconds']} s of wall time, on 2 cores
shared with other jobs. Augmentation, exact for this data: the 8 symmetries of the square (flip x,
flip y, transpose) and time reversal, each mapping the label to a known direction (16 variants per
stored clip), plus brightness/contrast jitter.

## Accuracy ({n} fresh test clips, seeds above, never used in training)
| set | accuracy |
| --- | --- |
| fresh clips | {a('fresh')} |
| same clips reversed in time, against the reversed (opposite) label | {a('time_reversed_vs_reversed_label')} |
| same clips reversed in time, against the ORIGINAL label | {a('time_reversed_vs_original_label')} |
| same clips with the target frozen at its mean position (static), against the original label (chance 0.25) | {a('static_target_vs_original_label')} |

Predicted class counts on the static-target clips (left, right, up, down):
{te['static_target_vs_original_label']['predicted_counts']}; mean max softmax probability {te['static_target_mean_max_probability']}
(on the fresh clips: {te['fresh_mean_max_probability']}). Per class (fresh): {', '.join(f'{k} {v}' for k, v in te['fresh_per_class'].items())}.
So the model reads motion, not appearance: reversing time flips its answer, freezing the target
leaves it at chance accuracy. The static-target answers are not uniform, though (mostly "up", with low
confidence): a clip with nothing travelling lies outside the training distribution, and the model has
no "no motion" class. Numbers measured with torch's forward of the ONNX file's own weights (Debian's
python has no onnxruntime; max |logit difference| to the trained torch model
{report['onnx_weights_vs_torch_max_abs_logit_diff']:.2e}); `test/integration/motion-model.test.ts` checks
onnxruntime-node against them.

## Fixture (`test/fixtures/video/motion/`, {fixture_bytes} bytes)
{len(chosen)} clips (one per class, then one with three distractors; the first from seed {FIXTURE_SEED0} on
that the model gets right): `clip-NN-LABEL.npy` (uint8 `[16,64,64,3]`, RGB, `np.save`),
`clip-NN-LABEL.tube.json` (the target's tube), `clips.json` (label, seed, speed, shape, distractor
behaviours and their tubes) and `reference.json` (`{{model, modelSha256, items: [{{file, labelIndex,
predicted, logits, reversedLabelIndex, reversedPredicted, reversedLogits}}]}}`; reversed = frames
T-1..0).
"""


def main():
    torch.set_num_threads(1)
    net = fused_from_onnx(ONNX)
    chosen, size = build_fixture(net)
    with open(os.path.join(HERE, "train-report.json")) as f:
        report = json.load(f)
    with open(os.path.join(MODELS, "motion-v1.md"), "w") as f:
        f.write(card(report, chosen, size))
    print("fixture", size, "bytes;", [CLASSES[c.label] for c in chosen])


if __name__ == "__main__":
    main()
