#!/usr/bin/env bash
# Issue 15, Done when, the second setting: BOREx against its prior on the VOC subset with the
# defaults of `borex batch` (MobileNetV2 int8, its resize and centre crop, insertion from a blur,
# 224 steps, preset paper's RISE prior; as voc-tables.sh), seeds 0, 1, 2, for one BOREx method
# (default: the photo default with the deletion check), in two shards (one per core), merged.
#   tools/borex-findings/voc-defaults-check.sh OUT     (M=LIST: other BOREx methods, comma-separated)
set -euo pipefail
OUT="$(realpath -m "${1:?usage: voc-defaults-check.sh OUT}")"
NICE="${NICE:-0}"
source "$(dirname "$0")/protocol.sh"
M="${M:-borex:rise+learned+pa+check}"
two_shards "$OUT" "$SHARED/voc2012-subset" --model mobilenetv2-12-int8 --preset paper --seeds 0,1,2 --methods "rise,$M" --threads 1
PAIRS=(); for c in ${M//,/ }; do PAIRS+=(--baseline rise --candidate "$c"); done
borex compare "$OUT/merged" "${PAIRS[@]}" --metrics insertion,deletion,fRp --out "$OUT/report"
