#!/usr/bin/env bash
# Runs a command where the tests find what a user's desktop has: a private
# D-Bus session with gnome-keyring unlocked by a throwaway password (the
# REAL Secret Service, never the developer's keyring: XDG_DATA_HOME is
# fresh), an X display (Xvfb, unless DISPLAY is set) and tauri-driver for
# the real-window tests. Sets PORTDESK_KEYRING_TEST=1, so the keyring test
# fails (not skips) if the keyring cannot be reached.
# Usage: tests/session.sh COMMAND [ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ -z "${PORTDESK_IN_TEST_SESSION:-}" ]; then
  export PORTDESK_IN_TEST_SESSION=1
  XDG_DATA_HOME=$(mktemp -d)
  export XDG_DATA_HOME
  trap 'rm -rf "$XDG_DATA_HOME"' EXIT
  dbus-run-session -- bash -c '
    set -euo pipefail
    eval "$(echo -n portdesk-test | gnome-keyring-daemon --unlock --components=secrets)"
    # --unlock creates the login collection; --start makes it the default.
    eval "$(gnome-keyring-daemon --start --components=secrets)"
    exec bash "$0" "$@"
  ' "$root/tests/session.sh" "$@"
  exit $?
fi

export PORTDESK_KEYRING_TEST=1
export PORTDESK_E2E_ARTIFACTS="${PORTDESK_E2E_ARTIFACTS:-$root/test-artifacts/e2e}"
mkdir -p "$PORTDESK_E2E_ARTIFACTS"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ]; then
  # A display no other X server holds (a stale lock makes Xvfb exit at once).
  n=$(( 90 + RANDOM % 100 ))
  while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$(( n + 1 )); done
  display=":$n"
  Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >"$PORTDESK_E2E_ARTIFACTS/xvfb.log" 2>&1 &
  pids+=($!)
  export DISPLAY="$display"
fi

port=${PORTDESK_E2E_DRIVER_PORT:-4444}
tauri-driver --port "$port" --native-port $((port + 1)) >"$PORTDESK_E2E_ARTIFACTS/tauri-driver.log" 2>&1 &
pids+=($!)
export PORTDESK_E2E_DRIVER="http://127.0.0.1:$port"
for _ in $(seq 1 50); do
  curl -sf "$PORTDESK_E2E_DRIVER/status" >/dev/null 2>&1 && break
  sleep 0.2
done

"$@"
