#!/usr/bin/env bash
# Sets up everything and runs every test: formatting, then ONE build of the
# whole workspace (clippy linting the workspace's crates while they compile,
# -D warnings) with the UI's type check, lint and unit tests beside it, and
# ONE pass over the test binaries it made: domain rules, store on real
# SQLite files, the CLI binary, commands through Tauri's IPC, the mock
# Single Window over HTTP, sync against the real mock process with faults
# and SIGKILLs, PDFs checked with poppler and zbar, bindings freshness, the
# keyring against a real Secret Service, and the real-window end-to-end
# tests under Xvfb (in a lane of their own beside the rest,
# scripts/test_lanes.py) — all inside tests/session.sh (private D-Bus +
# gnome-keyring, Xvfb, tauri-driver). Exits non-zero on the first failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
t0=$(date +%s)
step() { printf '\n== %s (at %ds)\n' "$*" $(( $(date +%s) - t0 )); }

# tauri-driver (compiled from crates.io on a fresh machine) is needed only
# by the test run at the end: it builds beside the workspace.
"$root/scripts/setup.sh" --tests --driver-later
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
"$root/scripts/setup.sh" --driver >"$logs/driver.log" 2>&1 &
driver=$!
. scripts/cargo-env.sh

step "format; UI build (embedded in the app under test)"
cargo fmt --all -- --check
(cd ui && npm run --silent build) >/dev/null

# The UI's type check, lint and unit tests need no Rust; they run while the
# workspace compiles and fill the cores in the build's narrow stretches.
(cd ui && npm run --silent check && npm run --silent lint && npm run --silent test) >"$logs/ui.log" 2>&1 &
ui=$!

step "build every test, clippy -D warnings on the workspace's crates (UI checks and tests beside it)"
build_tests

step "UI type check, lint and unit tests"
if ! wait "$ui"; then
  cat "$logs/ui.log"
  echo "UI type check, lint or unit tests failed" >&2
  exit 1
fi
grep -E "svelte-check found|Test Files|Tests  " "$logs/ui.log" || tail -5 "$logs/ui.log"
if ! wait "$driver"; then
  cat "$logs/driver.log"
  echo "installing tauri-driver failed" >&2
  exit 1
fi

step "all Rust tests: unit, integration, keyring, real window (two lanes)"
cargo test --workspace --lib --bins --tests --features "$PORTDESK_TEST_FEATURES" --no-run \
  --message-format=json 2>/dev/null >"$logs/tests.json"
tests/session.sh python3 scripts/test_lanes.py <"$logs/tests.json"

step "all tests passed"
