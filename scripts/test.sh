#!/usr/bin/env bash
# Sets up everything and runs every test: formatting, the UI's type check,
# lint and unit tests, then ONE build of the whole workspace (clippy linting
# the workspace's crates while they compile, -D warnings) and ONE cargo test
# pass over it: domain rules, store on real SQLite files, the CLI binary,
# commands through Tauri's IPC, the mock Single Window over HTTP, sync
# against the real mock process with faults and SIGKILLs, PDFs checked with
# poppler and zbar, bindings freshness, the keyring against a real Secret
# Service, and the real-window end-to-end tests under Xvfb — all inside
# tests/session.sh (private D-Bus + gnome-keyring, Xvfb, tauri-driver).
# Exits non-zero on the first failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
t0=$(date +%s)
step() { printf '\n== %s (at %ds)\n' "$*" $(( $(date +%s) - t0 )); }

"$root/scripts/setup.sh" --tests
. scripts/cargo-env.sh

step "format, UI type check and lint"
cargo fmt --all -- --check
(cd ui && npm run --silent check && npm run --silent lint)

step "UI unit tests"
(cd ui && npm run --silent test)

step "UI build (embedded in the app under test)"
(cd ui && npm run --silent build) >/dev/null

step "build every test, clippy -D warnings on the workspace's crates"
build_tests

step "all Rust tests: unit, integration, keyring, real window"
tests/session.sh cargo test --workspace --lib --bins --tests --features "$PORTDESK_TEST_FEATURES"

step "all tests passed"
