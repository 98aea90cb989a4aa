#!/usr/bin/env bash
# The bundled photo model's class names (resources/models/mobilenetv2-12-int8.labels.txt), made from
# Debian's own package rather than copied from ../shared/assets: `apt-get download opencv-doc`
# (bookworm 4.6.0+dfsg-12, Apache-2.0 AND BSD-3-Clause) holds the 1000 ILSVRC-2012 class names in
# index order as examples/data/dnn/classification_classes_ILSVRC2012.txt.
#   tools/imagenet-labels/make.sh           write the file
#   tools/imagenet-labels/make.sh --check   rebuild it and compare with the committed one
set -euo pipefail
cd "$(dirname "$0")/../.."
out=resources/models/mobilenetv2-12-int8.labels.txt
sha=4eb3da435cf544e4a6f390f62c84cb9c9bb68cf8b14e97f8a063452382e5efd2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download opencv-doc >/dev/null 2>&1 && dpkg-deb -x opencv-doc_*.deb x)
made="$work/x/usr/share/doc/opencv-doc/examples/data/dnn/classification_classes_ILSVRC2012.txt"
echo "$sha  $made" | sha256sum --check --quiet
if [[ "${1:-}" == "--check" ]]; then
  cmp "$made" "$out" && echo "$out: the same as Debian's opencv-doc"
else
  cp "$made" "$out" && echo "wrote $out"
fi
