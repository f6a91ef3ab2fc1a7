#!/usr/bin/env bash
# Installs what PortDesk needs to build, run and test on Debian/Ubuntu:
# system libraries for Tauri/WebKitGTK, the test tools (Xvfb, WebKitWebDriver,
# gnome-keyring, poppler, zbar), npm packages and tauri-driver.
# Idempotent: a second run only checks.
#   scripts/setup.sh          everything needed to run the app
#   scripts/setup.sh --tests  plus what the test suite needs
#   scripts/setup.sh --tests --driver-later   all that but tauri-driver
#   scripts/setup.sh --driver tauri-driver alone (scripts/test.sh builds it
#                             beside the workspace)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

want_tests=0
driver_later=0
driver_only=0
for arg in "$@"; do
  case "$arg" in
    --tests) want_tests=1 ;;
    --driver-later) driver_later=1 ;;
    --driver) driver_only=1 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

install_driver() {
  if ! command -v tauri-driver >/dev/null; then
    echo "== setup: cargo install tauri-driver"
    # In a temporary target dir of its own, never the workspace's: it may
    # build while the workspace does (scripts/test.sh).
    env -u CARGO_TARGET_DIR cargo install tauri-driver --locked --quiet
  fi
}
if [ "$driver_only" = 1 ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
  install_driver
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)

apt_packages=(build-essential pkg-config curl file libwebkit2gtk-4.1-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev libsecret-1-dev libdbus-1-dev)
if [ "$want_tests" = 1 ]; then
  # fonts-wqy-zenhei: a GBK-wide CJK font, the printed declaration's
  # system-font fallback is tested with it (镕, 喆 are outside GB2312).
  apt_packages+=(xvfb xauth webkit2gtk-driver dbus-x11 gnome-keyring poppler-utils zbar-tools fonts-wqy-zenhei)
fi

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
fi

command -v cargo >/dev/null || { echo "setup: cargo not found; install Rust with rustup first" >&2; exit 1; }
command -v npm >/dev/null || { echo "setup: npm not found; install Node.js 20 or later first" >&2; exit 1; }

# npm ci only when the lockfile changed since the last install.
npm_install() {
  local dir=$1
  local stamp="$dir/node_modules/.portdesk-lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "== setup: npm ci in ${dir#$root/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
npm_install "$root"
npm_install "$root/ui"

if [ "$want_tests" = 1 ] && [ "$driver_later" = 0 ]; then
  install_driver
fi
