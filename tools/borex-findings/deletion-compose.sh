#!/usr/bin/env bash
# Issue 15 item 6 (docs/results/borex-seeds.md, "Item 6, deletion"): the 20-item, 3-seed protocol
# of seeds-subset.sh with the learned prior weight and the prior added after the aggregate
# (+pa = --composition prior-after), end to end, in 3 shards (the 2-core machine is shared), then
# the other compositions re-scored from its maps (compositions.ts turns a +pa map back into the
# default map exactly, so `coverage` is the default borex:rise+learned) and compared.
#   tools/borex-findings/deletion-compose.sh OUT
set -euo pipefail
OUT="$(realpath -m "${1:?usage: deletion-compose.sh OUT}")"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(realpath "$HERE/../..")"
SHARED="$(realpath "$REPO/../shared/assets")"
export BOREX_MODEL_DIR="$SHARED/models"
borex() { nice -n 10 node "$REPO/bin/borex.mjs" "$@"; }
SUB="$OUT/sub20"
mkdir -p "$SUB/JPEGImages" "$SUB/Annotations"
for b in 2007_000032 2007_000033 2007_000039 2007_000042 2007_000061 2007_000063 2007_000068 2007_000121 2007_000123 2007_000129 \
         2007_000170 2007_000175 2007_000187 2007_000241 2007_000243 2007_000250 2007_000256 2007_000332 2007_000333 2007_000346; do
  ln -sf "$SHARED/voc2012-subset/JPEGImages/$b.jpg" "$SUB/JPEGImages/$b.jpg"
  ln -sf "$SHARED/voc2012-subset/Annotations/$b.xml" "$SUB/Annotations/$b.xml"
done
LIKE=(--model mobilenetv2-float32 --resize stretch --preset paper --insertion-start baseline --metric-step 896 --seeds 0,1,2 --threads 1)
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
