#!/usr/bin/env bash
# Runs the keyring test against a REAL Secret Service: a private D-Bus
# session with gnome-keyring unlocked by a throwaway password. The test fails
# (not skips) if the keyring cannot be reached, because this script sets
# PORTDESK_KEYRING_TEST=1. Needs gnome-keyring and dbus (dbus-run-session).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
# Build first, outside the D-Bus session, so the session only runs the test.
cargo build -q -p portdesk-mock-window -p portdesk-cli
cargo test -q -p portdesk-sync --test keyring --no-run
export PORTDESK_KEYRING_TEST=1
# A fresh keyring dir: never the developer's real keyring.
export XDG_DATA_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(echo -n portdesk-test | gnome-keyring-daemon --unlock --components=secrets)"
  # --unlock creates the login collection; start makes it the default.
  eval "$(gnome-keyring-daemon --start --components=secrets)"
  cargo test -q -p portdesk-sync --test keyring -- --nocapture
'
