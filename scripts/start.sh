#!/usr/bin/env bash
# Sets up everything and runs PortDesk: installs system and npm packages,
# builds the UI and the app (with `custom-protocol`: the UI embedded, as the
# tauri CLI's `tauri build` does) and starts it. Extra arguments go to the
# app (e.g. --data-dir DIR). Idempotent: later runs rebuild only what changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"

"$root/scripts/setup.sh"

echo "== building PortDesk (first build takes several minutes)"
(cd ui && npm run --silent build) >/dev/null
# The app and the mock Single Window in one build.
cargo build --workspace --bins --features portdesk/custom-protocol
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "PortDesk needs a graphical session (DISPLAY or WAYLAND_DISPLAY is not set)." >&2
  exit 1
fi

# No Single Window configured: start the mock one for this session, with its
# state beside the app's data so filings survive a restart.
if [ -z "${PORTDESK_SERVER_URL:-}" ]; then
  mock_dir="${PORTDESK_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/cn.portdesk.desktop}"
  mkdir -p "$mock_dir"
  # Owner-only files: the log holds the mock's control token (its second
  # stdout line), the database its sealing key. The app needs no /control.
  (umask 077 && exec "$target_dir/debug/mock-window" --db "$mock_dir/mock-window.db" >"$mock_dir/mock-window.log" 2>&1) &
  mock_pid=$!
  trap 'kill $mock_pid 2>/dev/null || true' EXIT
  export PORTDESK_SERVER_URL="http://127.0.0.1:8421"
  echo "== mock Single Window on $PORTDESK_SERVER_URL (log: $mock_dir/mock-window.log; demo login 2102961234 / op01 / demo1234)"
fi

"$target_dir/debug/portdesk-app" "$@"
