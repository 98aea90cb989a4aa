"""Held-out shapes scenes for the demo's deletion criterion (issue 15): scenes the bundled demo's
six were NOT picked from, so that a rule chosen on the demo can be tested on others.

    python3 tools/borex-findings/shapes-heldout.py OUT [PER_CLASS]     (default 4 per class)

Writes OUT/<seed>-<class>.png (224x224, like resources/samples) and OUT/scenes.jsonl, one line a
scene in `borex batch`'s input format: {image, label, boxes} (the labelled class's non-decoy
boxes, as samples.json has them). Seeds from HELDOUT_SEED0 on, the first PER_CLASS scenes of each
class in seed order, whatever their layout (the demo's six were chosen for a layout and for the
model's confidence; the batch records the model's probability, so a reader can filter on it).
numpy only (tools/default-model/scenes.py).
"""
from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "default-model"))
from scenes import CLASSES, make_scene, write_png  # noqa: E402

# Above every seed range tools/default-model uses (train, test, fixture 4e6, samples 5e6, resize 6e6).
HELDOUT_SEED0 = 8_000_000
RES = 224


def main() -> None:
    out = sys.argv[1]
    per_class = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    os.makedirs(out, exist_ok=True)
    counts = {c: 0 for c in range(len(CLASSES))}
    lines = []
    seed = HELDOUT_SEED0
    while min(counts.values()) < per_class:
        s = make_scene(seed, RES)
        if counts[s.label] < per_class:
            counts[s.label] += 1
            name = f"{seed}-{CLASSES[s.label]}.png"
            write_png(os.path.join(out, name), s.image)
            boxes = [o["box"] for o in s.objects if not o["decoy"]]
            lines.append(json.dumps({"image": os.path.abspath(os.path.join(out, name)), "label": s.label, "boxes": boxes}))
        seed += 1
    with open(os.path.join(out, "scenes.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines)} scenes, seeds {HELDOUT_SEED0}..{seed - 1}, in {out}")


if __name__ == "__main__":
    main()
