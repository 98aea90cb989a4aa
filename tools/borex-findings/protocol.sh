# Sourced by the issue-15 scripts of this folder: the like-for-like protocol of
# docs/results/borex-seeds.md, written once. Needs OUT set; defines REPO, SHARED, HERE, borex (the
# CLI under nice), SUB (the 20-item VOC folder of symlinks, made here) and LIKE (the settings).
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(realpath "$HERE/../..")"
SHARED="$(realpath "$REPO/../shared/assets")"
export BOREX_MODEL_DIR="$SHARED/models"
PROTOCOL_NICE="${NICE:-10}"
borex() { nice -n "$PROTOCOL_NICE" node "$REPO/bin/borex.mjs" "$@"; }
# The first 20 photos (by name) of ../shared/assets/voc2012-subset that have an item under the
# class-map rule with this model and resize (one item each).
SUB="$OUT/sub20"
mkdir -p "$SUB/JPEGImages" "$SUB/Annotations"
for b in 2007_000032 2007_000033 2007_000039 2007_000042 2007_000061 2007_000063 2007_000068 2007_000121 2007_000123 2007_000129 \
         2007_000170 2007_000175 2007_000187 2007_000241 2007_000243 2007_000250 2007_000256 2007_000332 2007_000333 2007_000346; do
  ln -sf "$SHARED/voc2012-subset/JPEGImages/$b.jpg" "$SUB/JPEGImages/$b.jpg"
  ln -sf "$SHARED/voc2012-subset/Annotations/$b.xml" "$SUB/Annotations/$b.xml"
done
# Float MobileNetV2, plain stretch, preset paper, insertion from the baseline, 896 px per metric
# step (56 steps instead of 224, to fit the 2-core machine; the same for every method), three seeds.
LIKE=(--model mobilenetv2-float32 --resize stretch --preset paper --insertion-start baseline --metric-step 896 --seeds 0,1,2 --threads 1)
# `borex batch ARGS...` in two shards (one per core) into DIR/shard0, DIR/shard1 (logs beside),
# merged into DIR/merged:   two_shards DIR ARGS...
two_shards() {
  local dir=$1; shift
  for i in 0 1; do borex batch "$@" --shard "$i/2" --out "$dir/shard$i" > "$dir/shard$i.log" 2>&1 & done
  wait
  borex merge "$dir/merged" "$dir/shard0" "$dir/shard1"
}
