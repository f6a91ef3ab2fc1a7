#!/usr/bin/env bash
# The real-window end-to-end tests alone: builds the UI and the workspace's
# tests (the app with `custom-protocol`, so it embeds ui/dist), then runs
# tests/e2e/main.rs inside tests/session.sh (Xvfb, tauri-driver, a private
# keyring). Extra arguments filter the tests, e.g. `tests/e2e/run.sh origin`.
# Screenshots land in test-artifacts/e2e. scripts/test.sh runs the same
# tests in its one cargo test pass.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
. scripts/cargo-env.sh

(cd ui && npm run --silent build) >/dev/null
build_tests
e2e=$(test_binary e2e)
tests/session.sh "$e2e" --nocapture "$@"
