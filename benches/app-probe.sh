#!/usr/bin/env bash
# The app as a clerk meets it, beside a bare Tauri 2 window built the same
# way: start-up to the first drafts page, memory with the list and with a
# 50-line declaration open, at 0, 10,000 and 100,000 drafts; and the sizes
# of the release binary and the deb and rpm bundles (docs/benchmarks.md).
# Run after the README's test command (it installed the system packages and
# built the debug workspace the seeder comes from).
# Usage: benches/app-probe.sh [RUNS]   (default 5 launches per figure)
# BUILD=0 probes the binaries and bundles already built (a second run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
runs=${1:-5}
target=${CARGO_TARGET_DIR:-$root/target}
export CARGO_TARGET_DIR="$target"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${BUILD:-1}" != 0 ]; then
  echo "== release app and bundles (tauri build)" >&2
  scripts/setup.sh >/dev/null
  node_modules/.bin/tauri build --bundles deb,rpm >"$work/tauri-build.log" 2>&1 \
    || { tail -30 "$work/tauri-build.log"; exit 1; }

  echo "== bare window (same Tauri, same release profile, same lockfile)" >&2
  cp Cargo.lock benches/bare-window/Cargo.lock
  cargo build -q --release --features custom-protocol \
    --manifest-path benches/bare-window/Cargo.toml

  # The seeder from the test build: the same build, the same features,
  # nothing recompiles (a plain `cargo build --bins` resolves other features).
  (. scripts/cargo-env.sh && build_tests -q)
fi

echo "== seeding data directories" >&2
fifty=tests/fixtures/declarations/fifty-lines.json
dirs=()
for n in 0 10000 100000; do
  mkdir -p "$work/data-$n"
  if [ "$n" = 0 ]; then
    "$target/debug/seed-drafts" "$work/data-$n" 0
  else
    # N drafts, then the 50-line declaration the probe opens.
    open=$("$target/debug/seed-drafts" "$work/data-$n" $((n - 1)) --with "$fifty")
  fi
  dirs+=(--dir "$n=$work/data-$n")
done

echo "== probing ($runs launches per figure)" >&2
# Each launch's log, kept for a look after the run.
logs=$root/test-artifacts/app-probe
rm -rf "$logs" && mkdir -p "$logs"
deb=$(ls "$target"/release/bundle/deb/*.deb | head -1)
rpm=$(ls "$target"/release/bundle/rpm/*.rpm | head -1)
# The desktop session's own chatter (D-Bus activations, portals) goes to a log.
tests/session.sh python3 benches/app_probe.py \
  --app "$target/release/portdesk-app" --bare "$target/release/bare-window" \
  "${dirs[@]}" --open "$open" --runs "$runs" --logs "$logs" --deb "$deb" --rpm "$rpm" \
  --out "$logs/report.md" 2>"$logs/session.log" \
  || { tail -20 "$logs/session.log"; exit 1; }
echo
cat "$logs/report.md"
echo "$(date -u +%F), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
