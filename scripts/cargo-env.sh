# Sourced by every script that builds or runs tests (scripts/test.sh,
# tests/session.sh users, the fault and keyring runs): one feature set and
# one compiler wrapper for all of them, so one build serves the whole run.
# A `cargo test -p X` resolves features for X alone and recompiles shared
# dependencies; the scripts therefore build the workspace once and run the
# test binaries it made (see test_binary below).

# The app with the real-window tests compiled in and the UI embedded.
PORTDESK_TEST_FEATURES="portdesk/e2e,portdesk/custom-protocol"

# Clippy runs while the test build compiles the workspace's crates (what
# `cargo clippy` does, on a build instead of a check), with -D warnings:
# the lints cost no second compile of the dependency tree. CLIPPY_ARGS is
# clippy-driver's way of taking `-- -D warnings` from cargo-clippy.
if clippy_driver=$(command -v clippy-driver); then
  export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
  export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
fi

# A from-nothing CI build gains nothing from incremental caches.
if [ "${CI:-}" = true ]; then
  export CARGO_INCREMENTAL=0
fi

# Builds every test of the workspace (and the binaries they run) once.
build_tests() {
  cargo test --workspace --all-targets --features "$PORTDESK_TEST_FEATURES" --no-run "$@"
}

# Prints the path of the integration-test binary NAME (e.g. `sync`, `e2e`)
# of the build above, building what is stale first.
test_binary() {
  cargo test --workspace --tests --features "$PORTDESK_TEST_FEATURES" --no-run \
    --message-format=json -q 2>/dev/null \
    | python3 -c '
import json, sys
name = sys.argv[1]
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") \
       and m["target"]["name"] == name and "test" in m["target"]["kind"]:
        print(m["executable"]); break
else:
    sys.exit("no test binary named " + name)
' "$1"
}
