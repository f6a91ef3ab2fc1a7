#!/usr/bin/env python3
"""Runs the workspace's test binaries in two lanes at once: the real-window
tests (e2e), which spend most of their time waiting for a window, beside
every other binary one after another. On two cores the waits of one lane are
the other's working time, so the run takes about as long as its longer lane
instead of the sum of both.

Reads `cargo test --no-run --message-format=json` on stdin (the build
scripts/test.sh has just made), runs each binary as `cargo test` would: from
its package's directory with CARGO_MANIFEST_DIR set. Extra arguments go to
every binary (libtest filters, --nocapture). The other binaries' output
streams; the e2e lane's is kept and printed after both lanes end, so the two
never interleave. Prints each binary's time and exits non-zero if any
binary failed.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

LANE_OF_ITS_OWN = "e2e"
# Longest any one test binary may run (the slowest takes about 5 minutes).
BINARY_TIMEOUT_SECS = 20 * 60


def binaries(messages):
    seen = set()
    for line in messages:
        line = line.strip()
        if not line.startswith("{"):
            continue
        m = json.loads(line)
        if m.get("reason") != "compiler-artifact" or not m.get("executable"):
            continue
        if not m.get("profile", {}).get("test"):
            continue
        exe = m["executable"]
        if exe in seen:
            continue
        seen.add(exe)
        target = m["target"]
        yield {
            "name": f"{target['name']} ({'/'.join(target['kind'])})",
            "target": target["name"],
            "exe": exe,
            "dir": str(Path(m["manifest_path"]).parent),
        }


def run(binary, args, out=None):
    env = dict(os.environ, CARGO_MANIFEST_DIR=binary["dir"])
    start = time.monotonic()
    proc = subprocess.Popen(
        [binary["exe"], *args], cwd=binary["dir"], env=env, stdout=out, stderr=subprocess.STDOUT if out else None
    )
    try:
        code = proc.wait(timeout=BINARY_TIMEOUT_SECS)
    except subprocess.TimeoutExpired:
        # A hung binary (say a window that never came up) fails the run
        # instead of holding it until CI's own limit.
        proc.kill()
        proc.wait()
        print(f"test_lanes: {binary['name']} still running after {BINARY_TIMEOUT_SECS}s: killed", flush=True)
        code = 124
    return code, time.monotonic() - start


def main():
    args = sys.argv[1:]
    found = list(binaries(sys.stdin))
    own = [b for b in found if b["target"] == LANE_OF_ITS_OWN]
    rest = [b for b in found if b["target"] != LANE_OF_ITS_OWN]
    if not rest:
        sys.exit("test_lanes: no test binaries in the build's output")
    results = []
    logs = []

    def lane_of_its_own():
        for b in own:
            log = tempfile.TemporaryFile(mode="w+")
            code, secs = run(b, args, log)
            logs.append((b["name"], log))
            results.append((b["name"], code, secs))

    start = time.monotonic()
    lane = threading.Thread(target=lane_of_its_own)
    lane.start()
    for b in rest:
        print(f"\n---- {b['name']} ----", flush=True)
        code, secs = run(b, args)
        results.append((b["name"], code, secs))
    lane.join()
    for name, log in logs:
        log.seek(0)
        print(f"\n---- {name} (ran in its own lane) ----", flush=True)
        sys.stdout.write(log.read())
        log.close()

    print(f"\n== test binaries in two lanes: {time.monotonic() - start:.0f}s in all", flush=True)
    for name, code, secs in sorted(results, key=lambda r: -r[2]):
        print(f"{secs:7.1f}s  {'FAILED' if code else 'ok    '}  {name}")
    failed = [n for n, code, _ in results if code != 0]
    if failed:
        print("failed: " + ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
