#!/usr/bin/env bash
# Issue 15, Done when (Tables 1 and 2 of docs/results/voc-subset.md over three seeds, with the
# photo default and its ablations): every photo of ../shared/assets/voc2012-subset with the
# defaults of `borex batch` (MobileNetV2 int8, its resize and centre crop, insertion from a blur,
# 224 steps, preset paper's RISE prior) and seeds 0, 1, 2, in two shards (one per core), merged.
# Methods: the paper's rows (rise, gradcampp, bo, borex:rise = the public code's BOREx,
# borex:none) and the photo default of the other presets, +learned+pa+check-heads, refining RISE
# and Grad-CAM++, with its ablations: no-flip, simple-avg, the fixed weight (+pa+check-heads), the
# aggregate as it is (+learned+check-heads) and no deletion check (+learned+pa, the default before
# 2026-12-04). That one's own two ablations are re-scored exactly from maps, without re-running
# BOREx (compositions.ts: a composition changes only the final map, so not under a check, which
# chooses among final maps): +learned alone (coverage, from the +learned+pa maps) and +pa alone
# (fixed weight, from the borex:rise maps). Then `borex compare` of everything (compare.ts paperPairs).
#   tools/borex-findings/voc-tables.sh OUT     (RESCORE_ONLY=1: the shard runs are already there)
set -euo pipefail
OUT="$(realpath -m "${1:?usage: voc-tables.sh OUT}")"
NICE="${NICE:-0}"
source "$(dirname "$0")/protocol.sh"
mkdir -p "$OUT"
D=borex:rise+learned+pa+check-heads
NO_CHECK=borex:rise+learned+pa
M="rise,gradcampp,bo,borex:rise,$D,borex:gradcampp+learned+pa+check-heads,borex:none,borex:rise+no-flip+learned+pa+check-heads"
M="$M,borex:rise+simple-avg+learned+pa+check-heads,borex:rise+pa+check-heads,borex:rise+learned+check-heads,$NO_CHECK"
if [ "${RESCORE_ONLY:-0}" != 1 ]; then
  for i in 0 1; do
    borex batch "$SHARED/voc2012-subset" --model mobilenetv2-12-int8 --preset paper --seeds 0,1,2 \
      --methods "$M" --threads 1 --shard "$i/2" --out "$OUT/shard$i" > "$OUT/shard$i.log" 2>&1 &
  done
  wait
fi
borex merge "$OUT/merged" "$OUT/shard0" "$OUT/shard1"
rescore() { # SHARD METHOD COMPOSITION AS DIR
  [ -f "$OUT/$5/items.jsonl" ] && return 0
  nice -n "$PROTOCOL_NICE" node "$REPO/bin/run-ts.mjs" "$HERE/compositions.ts" "$OUT/shard$1" --model mobilenetv2-12-int8 \
    --threads 1 --method "$2" --compose "$3" --as "$4" --out "$OUT/$5" > "$OUT/$5.log" 2>&1
}
for i in 0 1; do (rescore "$i" "$NO_CHECK" coverage borex:rise+learned "learned$i"; rescore "$i" borex:rise prior-after borex:rise+pa "pa$i") & done
wait
borex compare "$OUT/merged" "$OUT"/learned{0,1} "$OUT"/pa{0,1} --out "$OUT/report" \
  --title "VOC 2012 subset, MobileNetV2 int8, seeds 0-2: the paper's Tables 1 and 2, with the photo default (+learned+pa+check-heads)"
