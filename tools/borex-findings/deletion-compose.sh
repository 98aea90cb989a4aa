#!/usr/bin/env bash
# Issue 15 item 6 (docs/results/borex-seeds.md, "Item 6, deletion"): the 20-item, 3-seed protocol
# of seeds-subset.sh with the learned prior weight and the prior added after the aggregate
# (+pa = --composition prior-after), end to end, in 3 shards (the 2-core machine is shared), then
# the other compositions re-scored from its maps (compositions.ts turns a +pa map back into the
# default map exactly, so `coverage` is the default borex:rise+learned) and compared.
#   tools/borex-findings/deletion-compose.sh OUT
set -euo pipefail
OUT="$(realpath -m "${1:?usage: deletion-compose.sh OUT}")"
source "$(dirname "$0")/protocol.sh"
for i in 0 1 2; do borex batch "$SUB" "${LIKE[@]}" --methods rise,borex:rise+learned+pa --shard "$i/3" --out "$OUT/pa-$i" & done
wait
borex merge "$OUT/pa" "$OUT/pa-0" "$OUT/pa-1" "$OUT/pa-2"
COMPOSE=coverage,rank-sum,max,tiebreak:0.05,prior-after*3
nice -n 10 node "$REPO/bin/run-ts.mjs" "$HERE/compositions.ts" "$OUT/pa" --model mobilenetv2-float32 --resize stretch \
  --method borex:rise+learned+pa --compose "$COMPOSE" --out "$OUT/pa-compose"
M=borex:rise+learned+pa
ARGS=(--baseline rise --candidate "$M" --baseline "$M~coverage" --candidate "$M")
for c in ${COMPOSE//,/ }; do [ "$c" = coverage ] || ARGS+=(--baseline rise --candidate "$M~$c" --baseline "$M~coverage" --candidate "$M~$c"); done
ARGS+=(--baseline rise --candidate "$M~coverage")
borex compare "$OUT/pa" "$OUT/pa-compose" "${ARGS[@]}" --metrics insertion,deletion,fRp --out "$OUT/pa-report"
