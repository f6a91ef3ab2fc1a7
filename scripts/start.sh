#!/usr/bin/env bash
# Sets up everything and runs PortDesk: installs system and npm packages,
# builds the app with the tauri CLI and starts it. Extra arguments go to the
# app (e.g. --data-dir DIR). Idempotent: later runs rebuild only what changed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"

"$root/scripts/setup.sh"

echo "== building PortDesk (first build takes several minutes)"
npx --no-install tauri build --debug --no-bundle --ci
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "PortDesk needs a graphical session (DISPLAY or WAYLAND_DISPLAY is not set)." >&2
  exit 1
fi
exec "$target_dir/debug/portdesk-app" "$@"
