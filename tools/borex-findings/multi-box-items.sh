#!/usr/bin/env bash
# Issue 15 item 5: the VOC items whose class has at least 2 boxes (the photos with several objects
# of the explained class, where a single square cannot cover the evidence), as a batch manifest.
#   tools/borex-findings/multi-box-items.sh OUT [COUNT]
# The item's class is decided by the batch's own class rule (class map, float MobileNetV2, plain
# stretch: the like-for-like settings of docs/results/borex-seeds.md), so the rule is run once:
# a batch over all of ../shared/assets/voc2012-subset with a 1-mask RISE and no metrics (2 model
# calls per item) records every item's class and boxes in OUT/classes/items.jsonl. The items whose
# class has >= 2 boxes there, each checked against its VOC XML (objects of that class counted
# again from the file), the first COUNT (default 20) by item key, go to OUT/multi-box.csv with
# their label index, so a batch on that manifest explains exactly those (photo, class) items.
set -euo pipefail
OUT="$(realpath -m "${1:?usage: multi-box-items.sh OUT [COUNT]}")"
COUNT="${2:-20}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(realpath "$HERE/../..")"
SHARED="$(realpath "$REPO/../shared/assets")"
export BOREX_MODEL_DIR="$SHARED/models"
mkdir -p "$OUT"
if [ ! -f "$OUT/classes/items.jsonl" ] || [ -f "$OUT/classes/run.lock" ]; then
  nice -n 10 node "$REPO/bin/borex.mjs" batch "$SHARED/voc2012-subset" --model mobilenetv2-float32 --resize stretch \
    --preset paper --methods rise --masks 1 --no-metrics --maps none --threads 1 --out "$OUT/classes" ${RESUME:+--resume}
fi
node "$HERE/multi-box-items.mjs" "$OUT/classes/items.jsonl" "$SHARED/voc2012-subset" "$COUNT" > "$OUT/multi-box.csv"
echo "$(($(wc -l < "$OUT/multi-box.csv") - 1)) items in $OUT/multi-box.csv" >&2
