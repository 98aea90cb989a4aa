#!/usr/bin/env bash
# Issue 15 item 5 (docs/results/borex-seeds.md, "Item 5, masks past squares"): RISE, BOREx with
# squares and BOREx with rectangles (+rects) on the VOC items whose class has >= 2 boxes, like for
# like (the settings of seeds-subset.sh: float MobileNetV2, plain stretch, preset paper, insertion
# from the baseline, VOC boxes, metric step 896, seeds 0, 1, 2).
#   tools/borex-findings/rects-multi-box.sh OUT
set -euo pipefail
OUT="$(realpath -m "${1:?usage: rects-multi-box.sh OUT}")"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(realpath "$HERE/../..")"
export BOREX_MODEL_DIR="$(realpath "$REPO/../shared/assets")/models"
borex() { nice -n 10 node "$REPO/bin/borex.mjs" "$@"; }
[ -f "$OUT/multi-box.csv" ] || "$HERE/multi-box-items.sh" "$OUT" 20
LIKE=(--model mobilenetv2-float32 --resize stretch --preset paper --insertion-start baseline --metric-step 896 --seeds 0,1,2 --threads 1)
borex batch "$OUT/multi-box.csv" "${LIKE[@]}" --methods rise,borex:rise,borex:rise+rects --out "$OUT/rects" ${RESUME:+--resume}
# Each BOREx against its prior, and rectangles against squares (compare has no default pair for +rects).
borex compare "$OUT/rects" --metrics insertion,deletion,fRp --baseline rise --candidate borex:rise --baseline rise --candidate borex:rise+rects \
  --baseline borex:rise --candidate borex:rise+rects --out "$OUT/rects-report"
