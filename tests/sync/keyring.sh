#!/usr/bin/env bash
# The keyring test alone, against a REAL Secret Service (tests/session.sh:
# a private D-Bus session with gnome-keyring). scripts/test.sh runs it in
# its one cargo test pass, inside the same kind of session.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
. scripts/cargo-env.sh
(cd ui && npm run --silent build) >/dev/null
build_tests
sync=$(test_binary sync)
cd crates/sync && ../../tests/session.sh "$sync" keyring:: --nocapture
