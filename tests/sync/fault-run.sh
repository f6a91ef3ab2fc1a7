#!/usr/bin/env bash
# The fault test (crates/sync/tests/sync/faults.rs) at other sizes.
# Usage: tests/sync/fault-run.sh [N...]   (default: 1000 10000)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
. scripts/cargo-env.sh
(cd ui && npm run --silent build) >/dev/null
build_tests
sync=$(test_binary sync)
cd crates/sync  # where cargo runs it
for n in "${@:-1000 10000}"; do
  for m in $n; do
    echo "== fault test, N=$m"
    PORTDESK_FAULT_N=$m "$sync" faults:: --nocapture 2>&1 \
      | grep -E '^N=|retried entries|test result|panicked'
  done
done
