#!/usr/bin/env bash
# README command 1: installs what is missing, builds everything, and starts the demo on
# http://127.0.0.1:3000 with an embedded SQLite database (./vigie.db), demo data and a
# live simulation. Extra arguments go to `vigie demo` (see `vigie demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-frontend.sh
cargo build --release -p server
exec target/release/vigie demo "$@"
