#!/usr/bin/env bash
# Sets up everything and runs every test: formatting and lints, the Rust
# workspace (unit, store, command and bindings tests), the UI's type check,
# lint and unit tests, the CLI against the fixtures, and the real-window
# end-to-end tests under Xvfb. Exits non-zero on the first failure.
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

# The tauri build context needs ui/dist to exist before the shell compiles.
[ -d ui/dist ] || (cd ui && npm run --silent build)

step "Rust tests"
cargo test --workspace

step "end-to-end, real window"
tests/e2e/run.sh

step "all tests passed"
