#!/usr/bin/env bash
# Issue 15 item 6, deletion: does BOREx use a good prior better with smaller squares? The 20-item,
# 3-seed protocol (protocol.sh) with the learned prior weight and the prior after the aggregate
# (+learned+pa), at the default half-widths 30,45,60,75 and at two smaller sets (the same 4 sizes
# per run, so the same candidate count and 100 model calls per map), then compared.
#   tools/borex-findings/sizes.sh OUT
set -euo pipefail
OUT="$(realpath -m "${1:?usage: sizes.sh OUT}")"
source "$(dirname "$0")/protocol.sh"
M=borex:rise+learned+pa
for sizes in 30,45,60,75 15,30,45,60 10,20,30,45; do
  borex batch "$SUB" "${LIKE[@]}" --methods "rise,$M" --sizes "$sizes" --out "$OUT/s$sizes"
done
# Each size set against its own prior (the same RISE prior in every run; method ids are the same in
# every run, so each run is compared on its own).
for sizes in 30,45,60,75 15,30,45,60 10,20,30,45; do
  borex compare "$OUT/s$sizes" --metrics insertion,deletion,fRp --baseline rise --candidate "$M" --out "$OUT/report-s$sizes"
done
