#!/usr/bin/env bash
# Builds the WASM front end into dist/ with Trunk (release, wasm-opt from npm's binaryen).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/binaryen/bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
trunk build --release
