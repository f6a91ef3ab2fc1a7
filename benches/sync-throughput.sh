#!/usr/bin/env bash
# Sync throughput: the outbox worker against the mock, beside the mock's raw
# ingest rate from a bare load generator, in the same run.
# Usage: benches/sync-throughput.sh [N]   (default 10000)
# PROFILE=dev runs both the mock and the bench unoptimised (quicker to build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
n=${1:-10000}
profile=${PROFILE:-release}
target=${CARGO_TARGET_DIR:-$root/target}
if [ "$profile" = dev ]; then
  cargo build -q -p portdesk-mock-window
  export PORTDESK_MOCK_BIN="$target/debug/mock-window"
  cargo bench -q --profile dev -p portdesk-sync --bench sync_throughput -- "$n"
else
  cargo build -q --release -p portdesk-mock-window
  export PORTDESK_MOCK_BIN="$target/release/mock-window"
  cargo bench -q -p portdesk-sync --bench sync_throughput -- "$n"
fi
