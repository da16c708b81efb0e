#!/usr/bin/env bash
# Provision Docker, build the base image, then build one image per test function fixture:
#   test/fixtures/functions/<name>  ->  fnode-test/<name>:latest
# Usage: scripts/build-test-images.sh [name...]   (default: every fixture)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIXTURES=$ROOT/test/fixtures/functions

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1fs", b-a}'; }

"$ROOT/scripts/docker-up.sh"
"$ROOT/scripts/build-base-image.sh"

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for d in "$FIXTURES"/*/; do
    [ -f "$d/Dockerfile" ] && names+=("$(basename "$d")")
  done
fi

for name in "${names[@]}"; do
  dir=$FIXTURES/$name
  if [ ! -f "$dir/Dockerfile" ]; then
    echo "ERROR: no fixture $dir" >&2
    exit 1
  fi
  stamp=$dir/node_modules/.fnode-installed
  if [ ! -f "$stamp" ] || [ "$dir/package.json" -nt "$stamp" ]; then
    t=$(now)
    printf 'npm install %s ... ' "$name"
    if ! out=$(cd "$dir" && npm install --omit=dev --no-audit --no-fund --no-package-lock --loglevel=error 2>&1); then
      echo "FAILED"
      echo "$out" >&2
      exit 1
    fi
    mkdir -p "$dir/node_modules" # fixtures without dependencies (legacy) get none
    touch "$stamp"
    echo "done in $(since "$t")"
  fi
  t=$(now)
  printf 'building fnode-test/%s ... ' "$name"
  if ! out=$(DOCKER_BUILDKIT=0 docker build -q -t "fnode-test/$name:latest" "$dir" 2>&1); then
    echo "FAILED"
    echo "$out" >&2
    exit 1
  fi
  echo "done in $(since "$t")"
done

# Drop the untagged images that rebuilds leave behind (only ours: they carry the base image label).
docker image prune -f --filter label=fnode.node.sha256 >/dev/null
