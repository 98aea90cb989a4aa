#!/usr/bin/env bash
# Issue 15 (after voc78.sh OUT): the same items, settings and seeds with BOREx's default, fixed
# prior weight (borex:rise), in two shards; and the learned-weight map with the default composition
# (borex:rise+learned), re-scored exactly from voc78.sh's +pa maps (compositions.ts `coverage`, no
# BOREx re-run). Then one compare of every pair. The RISE prior is the same in both runs (one mask
# set and one jitter stream per seed, whatever the items): compare takes voc78.sh's.
#   tools/borex-findings/voc78-default.sh OUT   (OUT as given to voc78.sh; SKIP_DEFAULT=1: the two
#   def-shard runs are already there)
set -euo pipefail
OUT="$(realpath -m "${1:?usage: voc78-default.sh OUT}")"
NICE="${NICE:-0}"
source "$(dirname "$0")/protocol.sh"
ALL=(--model mobilenetv2-float32 --resize stretch --preset paper --insertion-start baseline --seeds 0,1,2 --threads 1)
PA=borex:rise+learned+pa
if [ "${SKIP_DEFAULT:-0}" != 1 ]; then
  for i in 0 1; do borex batch "$SHARED/voc2012-subset" "${ALL[@]}" --methods rise,borex:rise --shard "$i/2" --out "$OUT/def-shard$i" & done
  wait
fi
borex merge "$OUT/def" "$OUT/def-shard0" "$OUT/def-shard1"
for i in 0 1; do
  nice -n "$NICE" node "$REPO/bin/run-ts.mjs" "$HERE/compositions.ts" "$OUT/shard$i" --model mobilenetv2-float32 --resize stretch \
    --threads 1 --method "$PA" --compose coverage --as borex:rise+learned --out "$OUT/learned$i" &
done
wait
borex compare "$OUT/merged" "$OUT/def" "$OUT/learned0" "$OUT/learned1" --metrics insertion,deletion,fRp \
  --baseline rise --candidate borex:rise --baseline rise --candidate borex:rise+learned --baseline rise --candidate "$PA" \
  --baseline borex:rise --candidate "$PA" --baseline borex:rise --candidate borex:rise+learned --baseline borex:rise+learned --candidate "$PA" \
  --out "$OUT/all-report"
