#!/usr/bin/env bash
# Installs netc's build and test dependencies from Debian 12 packages, only
# those that are missing (so it is quick on a machine that has them).
set -euo pipefail

packages=(
  cmake ninja-build g++       # build tools
  pkg-config                  # finds Graphviz's C library
  antlr4 default-jre-headless # the ANTLR tool (4.7.2) and the JRE it runs on
  libantlr4-runtime-dev       # the ANTLR C++ runtime (4.9)
  llvm-14-dev                 # LLVM's Support library
  libgtest-dev                # GoogleTest
  graphviz                    # `dot`, to check that diagrams render
  libgraphviz-dev             # Graphviz's C library: --emit=svg|png|pdf
  python3-jsonschema          # validates the JSON reports against the schema
  clang-14 libclang-rt-14-dev # the libFuzzer target and the sanitizer build
  python3-onnx                # bench/: ONNX shape inference, timed beside netc;
                              # tests/: writes the netc import test models
  libonnx-dev libprotobuf-dev # netc import: ONNX's C++ ModelProto and protobuf
  python3-torch python3-torchvision # the reference: --emit=pytorch's modules
                              # run in torch; tests/import/ exports to ONNX
  pyflakes3                   # the generated PyTorch files must pass it
  neovim                      # the editor the language server is tested with
  python3-pynvim python3-pil  # tools/editor_screenshots.py (run by hand): drives
  fonts-dejavu-core           # Neovim's UI, draws the screen in DejaVu Sans Mono
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "netc setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The editor support's npm packages (editors/vscode/package-lock.json): the
# VS Code extension's language client, and vscode-textmate and
# vscode-oniguruma, with which the test editors/textmate-grammar
# (tests/textmate/) tokenizes the examples as VS Code does.
vscode_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/editors/vscode"
if [ ! -d "$vscode_dir/node_modules/vscode-textmate" ]; then
  if ! command -v npm >/dev/null; then
    # No Node.js on the machine: Debian's (18, with its npm).
    echo "netc setup: installing nodejs npm"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
  fi
  echo "netc setup: npm ci in editors/vscode"
  (cd "$vscode_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
