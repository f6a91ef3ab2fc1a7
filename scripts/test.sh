#!/usr/bin/env bash
# Sets up everything and runs every test: formatting and lints, the UI's
# type check, lint and unit tests, the Rust workspace (domain rules, store
# on real SQLite files, the CLI binary, the mock Single Window over HTTP, the
# sync engine against the real mock process with faults and SIGKILLs, PDFs
# checked with poppler and zbar, bindings freshness), the keyring against a
# real Secret Service, and the real-window end-to-end test under Xvfb.
# Exits non-zero on the first failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"

"$root/scripts/setup.sh" --tests

step() { printf '\n== %s\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
(cd ui && npm run --silent check && npm run --silent lint)
cargo clippy --workspace --all-targets --features e2e -- -D warnings

step "UI unit tests"
(cd ui && npm run --silent test)

step "Rust tests"
cargo test --workspace

step "credentials in a real Secret Service (gnome-keyring)"
tests/sync/keyring.sh

step "end-to-end, real window"
tests/e2e/run.sh

step "all tests passed"
