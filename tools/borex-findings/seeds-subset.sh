#!/usr/bin/env bash
# The runs of docs/results/borex-seeds.md (issue 15): 20 VOC items, seeds 0, 1, 2, like for like
# with the public BOREx code (float MobileNetV2, plain stretch, preset paper, insertion from the
# baseline, VOC boxes), insertion/deletion every 896 pixels (56 steps instead of 224, to fit the
# 2-core machine; the same for every method, so pairs stay like for like).
#   tools/borex-findings/seeds-subset.sh OUT
# The 20 photos are the first 20 (by name) of ../shared/assets/voc2012-subset that have an item
# under the class-map rule with this model and resize (one item each).
set -euo pipefail
OUT="$(realpath -m "${1:?usage: seeds-subset.sh OUT}")"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(realpath "$HERE/../..")"
SHARED="$(realpath "$REPO/../shared/assets")"
export BOREX_MODEL_DIR="$SHARED/models"
borex() { nice -n 19 node "$REPO/bin/borex.mjs" "$@"; }
SUB="$OUT/sub20"
mkdir -p "$SUB/JPEGImages" "$SUB/Annotations"
for b in 2007_000032 2007_000033 2007_000039 2007_000042 2007_000061 2007_000063 2007_000068 2007_000121 2007_000123 2007_000129 \
         2007_000170 2007_000175 2007_000187 2007_000241 2007_000243 2007_000250 2007_000256 2007_000332 2007_000333 2007_000346; do
  ln -sf "$SHARED/voc2012-subset/JPEGImages/$b.jpg" "$SUB/JPEGImages/$b.jpg"
  ln -sf "$SHARED/voc2012-subset/Annotations/$b.xml" "$SUB/Annotations/$b.xml"
done
LIKE=(--model mobilenetv2-float32 --resize stretch --preset paper --insertion-start baseline --metric-step 896 --seeds 0,1,2 --threads 1)
# Ablations: RISE prior, BOREx with the fixed prior weight, the learned one, no prior; one stream per run.
borex batch "$SUB" "${LIKE[@]}" --methods rise,borex:rise,borex:rise+learned,borex:none --out "$OUT/ablations"
borex compare "$OUT/ablations" --metrics insertion,deletion,fRp --out "$OUT/ablations-report"
# The same RISE → BOREx with each item's stream derived from (seed, image, class).
borex batch "$SUB" "${LIKE[@]}" --methods rise,borex:rise --per-item-streams --out "$OUT/per-item"
borex compare "$OUT/per-item" --metrics insertion,deletion,fRp --out "$OUT/per-item-report"
# Item 6: the prior added after the coverage aggregate, re-scored from the ablation run's maps.
nice -n 19 node "$REPO/bin/run-ts.mjs" "$REPO/tools/borex-findings/prior-after-aggregate.ts" "$OUT/ablations" --model mobilenetv2-float32 --resize stretch
