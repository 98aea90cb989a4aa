#!/usr/bin/env bash
# Issue 15 item 6, deletion: the deletion check (methods/borex-check.ts). The 20-item, 3-seed
# protocol (protocol.sh) with the photo default +learned+pa, with and without the check (its 14
# images come out of the same 100, so its GP gets 43 observations, not 50), in two shards (one per
# core), merged, then compared with the RISE prior and with each other.
#   tools/borex-findings/check.sh OUT   (CHECK=check|check-prior|check-both: the modifier, default
#                                        check-prior, the pilot's; ITEMS=DIR: other photos than the 20)
set -euo pipefail
OUT="$(realpath -m "${1:?usage: check.sh OUT}")"
source "$(dirname "$0")/protocol.sh"
D=borex:rise+learned+pa
two_shards "$OUT" "${ITEMS:-$SUB}" "${LIKE[@]}" --methods "rise,$D,$D+${CHECK:-check-prior}"
borex compare "$OUT/merged" --metrics insertion,deletion,fRp --baseline rise --candidate "$D+${CHECK:-check-prior}" --out "$OUT/report-vs-rise"
borex compare "$OUT/merged" --metrics insertion,deletion,fRp --baseline "$D" --candidate "$D+${CHECK:-check-prior}" --out "$OUT/report-vs-default"
