#!/usr/bin/env bash
# Renders docs/gallery/: one SVG per example diagram, drawn by netc itself
# (--emit=svg, Graphviz in-process). The list below says which diagrams;
# networks built from blocks get a collapsed view (--depth) that fits a
# README, and the full one.
#
#   tools/gallery.sh [NETC]          rewrite docs/gallery/
#   tools/gallery.sh --check [NETC]  fail if a checked-in picture is stale
#
# NETC defaults to build/bin/netc.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
netc=${1:-build/bin/netc}

# file name | example | netc options
diagrams=(
  "lenet5|lenet5|"
  "alexnet|alexnet|"
  "vgg16|vgg16|"
  "captcha|captcha|"
  "resnet18|resnet18|--depth=2"
  "resnet18.full|resnet18|"
  "resnet50|resnet50|--depth=2"
  "mobilenet_v2|mobilenet_v2|--depth=1"
  "mobilenet_v2.blocks|mobilenet_v2|--depth=2"
  "unet|unet|--depth=1"
  "unet.full|unet|"
)

out=docs/gallery
if ((check)); then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

for diagram in "${diagrams[@]}"; do
  IFS='|' read -r name example options <<<"$diagram"
  # shellcheck disable=SC2086 # options are words
  "$netc" --emit=svg $options -o "$out/$name.svg" "examples/$example.net"
done

if ((check)); then
  stale=0
  for diagram in "${diagrams[@]}"; do
    name=${diagram%%|*}
    if ! cmp -s "$out/$name.svg" "docs/gallery/$name.svg"; then
      echo "docs/gallery/$name.svg is stale or missing" >&2
      stale=1
    fi
  done
  for file in docs/gallery/*.svg; do
    name=$(basename "$file" .svg)
    if ! printf '%s\n' "${diagrams[@]}" | grep -q "^$name|"; then
      echo "docs/gallery/$name.svg is not in tools/gallery.sh's list" >&2
      stale=1
    fi
  done
  if ((stale)); then
    echo "run tools/gallery.sh to redraw the gallery, then commit it" >&2
    exit 1
  fi
  echo "docs/gallery is up to date (${#diagrams[@]} diagrams)"
fi
