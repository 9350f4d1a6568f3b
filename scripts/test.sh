#!/usr/bin/env bash
# README command 2: every test. Formatting and lint checks, unit and integration tests on
# SQLite and on the local PostgreSQL, then the browser tests (Playwright in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "toolchain"
scripts/setup.sh --browser

step "formatting"
cargo fmt --all -- --check

step "lint (server and browser targets)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p app -p frontend --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests (SQLite and PostgreSQL)"
export VIGIE_TEST_POSTGRES_URL="${VIGIE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
# app and server only (frontend has no tests, and --workspace would build app with
# frontend's csr feature too). The integration tests build and run the `vigie` binary
# (target/debug/vigie); the bench and the browser tests below use that same binary: a
# `cargo build -p server` here compiled the server again without the dev-dependencies'
# features (about a minute on two cores) for no other difference.
cargo test -p app -p server

step "benchmark smoke runs (small scale, both engines; fail if rollups and raw rows disagree, or if a posted run does not reach the board)"
"${CARGO_TARGET_DIR:-$PWD/target}/debug/vigie" bench --scale smoke,4 --repeat 2 --postgres-url "$VIGIE_TEST_POSTGRES_URL"
"${CARGO_TARGET_DIR:-$PWD/target}/debug/vigie" bench --mode ingest --scale smoke --repeat 5 --postgres-url "$VIGIE_TEST_POSTGRES_URL"

step "front end"
scripts/build-frontend.sh

step "browser tests"
export VIGIE_E2E_BINARY="${CARGO_TARGET_DIR:-$PWD/target}/debug/vigie"
(cd end2end && npx playwright test)
step "all tests passed"
