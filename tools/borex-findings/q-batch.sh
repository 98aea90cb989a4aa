#!/usr/bin/env bash
# Issue 15 item 4 (docs/results/borex-seeds.md, "Item 4, q-batch"): BOREx with q query points per
# GP round (kriging believer, 2q images per model call, the same 100 model calls per map) against
# q = 1, on the 20 items and three seeds of seeds-subset.sh, like for like with the public code.
#   tools/borex-findings/q-batch.sh OUT
# Then the model time of one 2q-image call against q 2-image calls (onnxruntime batching, CPU,
# one thread), measured on the same machine right after.
set -euo pipefail
OUT="$(realpath -m "${1:?usage: q-batch.sh OUT}")"
source "$(dirname "$0")/protocol.sh"
borex batch "$SUB" "${LIKE[@]}" --methods rise,borex:rise,borex:rise+q4,borex:rise+q8 --out "$OUT/q-batch"
# Each q against its prior and against q = 1 (both directions: is q better, is q = 1 better).
PAIRS=(--baseline rise --candidate borex:rise --baseline rise --candidate borex:rise+q4 --baseline rise --candidate borex:rise+q8
       --baseline borex:rise --candidate borex:rise+q4 --baseline borex:rise+q4 --candidate borex:rise
       --baseline borex:rise --candidate borex:rise+q8 --baseline borex:rise+q8 --candidate borex:rise)
borex compare "$OUT/q-batch" --metrics insertion,deletion,fRp "${PAIRS[@]}" --out "$OUT/q-batch-report"
node "$REPO/tools/borex-findings/q-batch-timing.mjs" "$OUT/q-batch" --ref borex:rise
nice -n 10 node "$REPO/bin/run-ts.mjs" "$REPO/tools/borex-findings/q-batch-model-time.ts" --model mobilenetv2-float32 --threads 1 --q 4,8
