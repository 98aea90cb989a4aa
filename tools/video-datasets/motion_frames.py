"""Dataset A's frames: motion-v1's own clip generator (tools/motion-model/clips.py, imported, not
copied), run for the seeds the Node generator asks for.

    python3 motion_frames.py OUT_DIR SEED0 PER_CLASS

Walks seeds SEED0, SEED0+1, ... and keeps the first PER_CLASS clips of each direction class (so
the dataset is balanced), writing each kept clip's frames as raw rgb24 (T x H x W x 3 bytes,
frame-major) to OUT_DIR/SEED.rgb and one JSON line per kept clip on stdout: seed, label, label
index, the target's box per frame (the tube, [x0, y0, x1, y1) in pixels, half-open), the
distractors' roles and boxes, speed, shape and size. The Node side (make-motion.ts) encodes the
frames with the engine's encoder and writes the tube files and the manifest.
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "motion-model"))

from clips import CLASSES, make_clip  # noqa: E402  (the model's generator, by import)


def main() -> None:
    out_dir, seed0, per_class = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    kept = [0] * len(CLASSES)
    seed = seed0
    while min(kept) < per_class:
        c = make_clip(seed)
        seed += 1
        if kept[c.label] >= per_class:
            continue
        kept[c.label] += 1
        with open(os.path.join(out_dir, f"{c.seed}.rgb"), "wb") as f:
            f.write(c.frames.tobytes())  # uint8 [T, H, W, 3], C order = frame-major rgb24
        t, h, w, _ = c.frames.shape
        print(json.dumps({
            "seed": c.seed, "label": CLASSES[c.label], "labelIndex": c.label,
            "frames": t, "height": h, "width": w,
            "tube": c.boxes, "distractorBoxes": c.distractor_boxes,
            "distractors": c.meta["distractors"], "speed": round(c.meta["speed"], 4),
            "shape": c.meta["shape"], "size": round(c.meta["size"], 3),
        }), flush=True)


if __name__ == "__main__":
    main()
