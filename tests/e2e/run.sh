#!/usr/bin/env bash
# Real-window end-to-end tests: builds the app with the tauri CLI (so it
# embeds ui/dist), starts Xvfb and tauri-driver (which starts WebKitWebDriver),
# and runs tests/e2e/main.rs against them. Screenshots land in test-artifacts/e2e.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

# The app keeps the Single Window password and token in the REAL OS keyring:
# the whole run (Xvfb, tauri-driver, the tests) happens inside a private
# D-Bus session with gnome-keyring unlocked by a throwaway password, on a
# fresh XDG_DATA_HOME (never the developer's keyring), as tests/sync/keyring.sh does.
if [ -z "${PORTDESK_E2E_IN_KEYRING_SESSION:-}" ]; then
  export PORTDESK_E2E_IN_KEYRING_SESSION=1
  XDG_DATA_HOME=$(mktemp -d)
  export XDG_DATA_HOME
  trap 'rm -rf "$XDG_DATA_HOME"' EXIT
  dbus-run-session -- bash -c '
    set -euo pipefail
    eval "$(echo -n portdesk-e2e | gnome-keyring-daemon --unlock --components=secrets)"
    # --unlock creates the login collection; --start makes it the default.
    eval "$(gnome-keyring-daemon --start --components=secrets)"
    exec bash "$0"
  ' "$root/tests/e2e/run.sh"
  exit $?
fi

export PORTDESK_E2E_ARTIFACTS="${PORTDESK_E2E_ARTIFACTS:-$root/test-artifacts/e2e}"
mkdir -p "$PORTDESK_E2E_ARTIFACTS"

echo "== e2e: building the app with the tauri CLI (debug, no bundle)"
npx --no-install tauri build --debug --no-bundle --ci >"$PORTDESK_E2E_ARTIFACTS/tauri-build.log" 2>&1 \
  || { tail -n 60 "$PORTDESK_E2E_ARTIFACTS/tauri-build.log"; exit 1; }
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
# Keep a copy: cargo test rebuilds target/debug/portdesk-app without the
# embedded UI (it would then load the dev server URL).
export PORTDESK_E2E_APP="$PORTDESK_E2E_ARTIFACTS/portdesk-app"
cp "$target_dir/debug/portdesk-app" "$PORTDESK_E2E_APP"
# The real mock Single Window the sync, tax and certificate tests file to.
cargo build -q -p portdesk-mock-window
export PORTDESK_E2E_MOCK="$target_dir/debug/mock-window"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# A display of our own, unless one is given.
if [ -z "${DISPLAY:-}" ]; then
  display=":$(( 90 + RANDOM % 100 ))"
  Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >"$PORTDESK_E2E_ARTIFACTS/xvfb.log" 2>&1 &
  pids+=($!)
  export DISPLAY="$display"
  sleep 1
fi

port=${PORTDESK_E2E_DRIVER_PORT:-4444}
tauri-driver --port "$port" --native-port $((port + 1)) >"$PORTDESK_E2E_ARTIFACTS/tauri-driver.log" 2>&1 &
pids+=($!)
export PORTDESK_E2E_DRIVER="http://127.0.0.1:$port"
for _ in $(seq 1 50); do
  curl -sf "$PORTDESK_E2E_DRIVER/status" >/dev/null 2>&1 && break
  sleep 0.2
done

echo "== e2e: running tests/e2e/main.rs against $PORTDESK_E2E_APP"
# One test at a time: each owns the window.
cargo test --features e2e --test e2e -- --test-threads=1 --nocapture ${PORTDESK_E2E_FILTER:-}
