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
NICE=19 source "$(dirname "$0")/protocol.sh"
# Ablations: RISE prior, BOREx with the fixed prior weight, the learned one, no prior; one stream per run.
borex batch "$SUB" "${LIKE[@]}" --methods rise,borex:rise,borex:rise+learned,borex:none --out "$OUT/ablations"
borex compare "$OUT/ablations" --metrics insertion,deletion,fRp --out "$OUT/ablations-report"
# The same RISE → BOREx with each item's stream derived from (seed, image, class).
borex batch "$SUB" "${LIKE[@]}" --methods rise,borex:rise --per-item-streams --out "$OUT/per-item"
borex compare "$OUT/per-item" --metrics insertion,deletion,fRp --out "$OUT/per-item-report"
# Item 6: the prior added after the coverage aggregate, re-scored from the ablation run's maps.
nice -n 19 node "$REPO/bin/run-ts.mjs" "$REPO/tools/borex-findings/prior-after-aggregate.ts" "$OUT/ablations" --model mobilenetv2-float32 --resize stretch
