#!/usr/bin/env bash
# Installs what building and testing Vigie needs, skipping what is already there:
# the wasm32 target, Trunk, wasm-bindgen-cli at the lockfile's version, the npm
# packages of end2end/ (echarts, binaryen's wasm-opt, Playwright) and Debian's Chromium.
# Usage: scripts/setup.sh [--browser]   (--browser also installs Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q " ${TRUNK_VERSION}$"; then
  say "installing trunk ${TRUNK_VERSION} (about 8 minutes)"
  TRUNK_SKIP_VERSION_CHECK=true cargo install --locked trunk --version "${TRUNK_VERSION}"
fi

WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}$"; then
  say "installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (about 3 minutes)"
  # Without --locked: with it the build misses a transitive crate (see TOOLCHAIN facts).
  cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"
fi
if ! grep -q "wasm_bindgen = \"${WASM_BINDGEN_VERSION}\"" Trunk.toml; then
  echo "Trunk.toml names another wasm-bindgen than Cargo.lock (${WASM_BINDGEN_VERSION}): update [tools]" >&2
  exit 1
fi

if [ ! -x end2end/node_modules/.bin/playwright ] || [ ! -f end2end/node_modules/echarts/dist/echarts.min.js ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing npm packages (echarts, binaryen, Playwright)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
say "toolchain ready"
