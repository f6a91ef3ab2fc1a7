#!/usr/bin/env bash
# The fault test (crates/sync/tests/faults.rs) at other sizes.
# Usage: tests/sync/fault-run.sh [N...]   (default: 1000 10000)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
cargo build -q -p portdesk-mock-window -p portdesk-cli
for n in "${@:-1000 10000}"; do
  for m in $n; do
    echo "== fault test, N=$m"
    PORTDESK_FAULT_N=$m cargo test -q -p portdesk-sync --test faults -- --nocapture 2>&1 \
      | grep -E '^N=|retried entries|test result|panicked'
  done
done
