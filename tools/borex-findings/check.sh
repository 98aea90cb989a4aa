#!/usr/bin/env bash
# Issue 15 item 6, deletion: the deletion check (+check, methods/borex-check.ts). The 20-item,
# 3-seed protocol (protocol.sh) with the photo default +learned+pa, with and without the check
# (the check's 14 images come out of the same 100, so its GP gets 43 observations, not 50), in two
# shards (one per core), merged, then compared with the RISE prior and with each other.
#   tools/borex-findings/check.sh OUT       (ITEMS=DIR: another folder of photos than the 20)
set -euo pipefail
OUT="$(realpath -m "${1:?usage: check.sh OUT}")"
source "$(dirname "$0")/protocol.sh"
D=borex:rise+learned+pa
for i in 0 1; do
  borex batch "${ITEMS:-$SUB}" "${LIKE[@]}" --methods "rise,$D,$D+check" --shard "$i/2" --out "$OUT/shard$i" > "$OUT/shard$i.log" 2>&1 &
done
wait
borex merge "$OUT/merged" "$OUT/shard0" "$OUT/shard1"
borex compare "$OUT/merged" --metrics insertion,deletion,fRp --baseline rise --candidate "$D+check" --out "$OUT/report-vs-rise"
borex compare "$OUT/merged" --metrics insertion,deletion,fRp --baseline "$D" --candidate "$D+check" --out "$OUT/report-vs-default"
