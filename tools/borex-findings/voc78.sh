#!/usr/bin/env bash
# Issue 15, Done when: the like-for-like table on every item of ../shared/assets/voc2012-subset
# (not the 20-item subset), 224 metric steps, seeds 0, 1, 2: the RISE prior and BOREx with the
# learned prior weight and the prior after the aggregate (+learned+pa), in two shards (one per
# core), merged; then the default-composition map of the same BOREx loops re-scored from the +pa
# maps (compositions.ts: `coverage` is borex:rise+learned exactly) and compared.
#   tools/borex-findings/voc78.sh OUT      (M=LIST: other BOREx methods, comma-separated)
set -euo pipefail
OUT="$(realpath -m "${1:?usage: voc78.sh OUT}")"
NICE="${NICE:-0}"
source "$(dirname "$0")/protocol.sh"
ALL=(--model mobilenetv2-float32 --resize stretch --preset paper --insertion-start baseline --seeds 0,1,2 --threads 1)
M="${M:-borex:rise+learned+pa}"
two_shards "$OUT" "$SHARED/voc2012-subset" "${ALL[@]}" --methods "rise,$M"
PAIRS=(); for c in ${M//,/ }; do PAIRS+=(--baseline rise --candidate "$c"); done
borex compare "$OUT/merged" "${PAIRS[@]}" --metrics insertion,deletion,fRp --out "$OUT/report"
