#!/usr/bin/env bash
# Runs a fixed set of real commands (MobileNetV2 int8, seed 0) with the `borex` CLI of REPO and
# keeps what they wrote under OUT, so two versions of the code can be compared byte for byte
# with compare.mjs. Used to show that a refactor changed no result:
#   tools/same-results/capture.sh /tmp/before /path/to/old/checkout
#   tools/same-results/capture.sh /tmp/after .
#   node tools/same-results/compare.mjs /tmp/before /tmp/after
set -euo pipefail
OUT="$(realpath -m "${1:?usage: capture.sh OUT [REPO]}")"
REPO="$(realpath "${2:-.}")"
HERE="$(cd "$(dirname "$0")" && pwd)"
SHARED="$(realpath "$HERE/../../../shared/assets")"
[ -d "$SHARED/models" ] || { echo "capture.sh: $SHARED/models is missing" >&2; exit 3; }
export BOREX_MODEL_DIR="$SHARED/models"
rm -rf "$OUT" && mkdir -p "$OUT"
borex() { node "$REPO/bin/borex.mjs" "$@"; }
DOG="$SHARED/images/darknet/dog.jpg"
M=mobilenetv2-12-int8

for method in rise gradcampp bo; do
  borex explain "$DOG" --model $M --method $method --seed 0 --out "$OUT/explain-$method" > /dev/null
done
borex explain "$DOG" --model $M --method borex --preset paper --seed 0 --out "$OUT/explain-borex-paper" > /dev/null

# A 6-photo VOC root (the first six photos of the subset, by name), linked in place.
VOC="$OUT/voc6"
mkdir -p "$VOC/JPEGImages" "$VOC/Annotations"
for f in $(ls "$SHARED/voc2012-subset/JPEGImages" | sort | head -6); do
  ln -s "$SHARED/voc2012-subset/JPEGImages/$f" "$VOC/JPEGImages/$f"
  ln -s "$SHARED/voc2012-subset/Annotations/${f%.jpg}.xml" "$VOC/Annotations/${f%.jpg}.xml"
done
borex batch "$VOC" --model $M --methods rise,borex:rise,gradcampp --seed 0 --out "$OUT/batch" > /dev/null 2>&1
borex compare "$OUT/batch" --out "$OUT/compare" > /dev/null
echo "captured into $OUT"
