"""Launches PortDesk and the bare Tauri window the way a clerk starts them and
measures what the clerk waits for and what the machine pays.

Run by benches/app-probe.sh inside tests/session.sh (Xvfb, D-Bus, keyring);
standard library only. For each data directory and each launch:

- start: wall clock from just before exec to the page's first mark
  (PortDesk: `first_drafts_page`, the first list page painted; the bare
  window: `first_ipc_painted`, its first IPC answer painted);
- RSS of the main process and of its whole process tree (the WebKit
  processes), idle a few seconds after the mark;
- PortDesk again with `--open` on the 50-line declaration: RSS once the
  editor has painted it (`declaration_opened`).

Every process a launch started is killed before the next one starts.
Writes a Markdown report (--out): median, min and max per figure and the ratio of
PortDesk's median to the bare window's.
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

MARK = re.compile(r"mark=\"?(\w+)\"?.*?epoch_ms=(\d+)")
PAGE_ORIGIN = re.compile(r"page_origin_epoch_ms=(\d+)")
# The page's trace, `name@ms …`, the last field of the app's mark line.
PAGE_STEPS = re.compile(r"page_steps=(.*)$")
STEP = re.compile(r"([A-Za-z0-9_:.-]+)@(\d+)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Not part of the app's tree even if started beneath it.
NOT_COUNTED = {"mock-window"}


def children_map():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # comm may hold spaces and parentheses: ppid follows the last ')'.
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def tree(pid):
    """pid and all its descendants, minus processes not counted."""
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        if comm(p) in NOT_COUNTED:
            continue
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Launch:
    """One process started under its own session, its stderr watched for marks."""

    def __init__(self, argv, log_path):
        self.marks = {}
        self.cond = threading.Condition()
        self.log = open(log_path, "w")
        self.t0 = time.time() * 1000.0
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.log.write(line)
            plain = ANSI.sub("", line)
            m = MARK.search(plain)
            if m and ("ui mark" in plain or "bare mark" in plain):
                origin = PAGE_ORIGIN.search(plain)
                steps = PAGE_STEPS.search(plain.rstrip())
                trace = {n: int(ms) for n, ms in STEP.findall(steps.group(1))} if steps else {}
                with self.cond:
                    self.marks.setdefault(m.group(1),
                                          (int(m.group(2)), int(origin.group(1)) if origin else None, trace))
                    self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_mark(self, name, timeout):
        """ms from exec to the mark and to the page's start of loading, and the page's trace."""
        deadline = time.time() + timeout
        with self.cond:
            while name not in self.marks:
                left = deadline - time.time()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError(
                        f"no mark {name} within {timeout} s (exit {self.proc.poll()}); see {self.log.name}"
                    )
                self.cond.wait(min(left, 0.5))
            at, origin, trace = self.marks[name]
            return at - self.t0, (origin - self.t0) if origin else float("nan"), trace

    def memory(self):
        pids = tree(self.proc.pid)
        return rss_kib(self.proc.pid), sum(rss_kib(p) for p in pids)

    def stop(self):
        pids = tree(self.proc.pid)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for p in pids:
                try:
                    os.kill(p, sig)
                except ProcessLookupError:
                    pass
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                continue
            if not any(os.path.exists(f"/proc/{p}") and comm(p) for p in pids if p != self.proc.pid):
                break
            time.sleep(0.5)
        self.reader.join(timeout=5)
        self.log.close()


def probe(argv, mark, runs, settle, logs, label):
    """`runs` launches of argv: start-up ms and idle RSS (main, tree) in KiB."""
    starts, natives, mains, trees, traces = [], [], [], [], []
    for i in range(runs):
        launch = Launch(argv, os.path.join(logs, f"{label}-{i}.log"))
        try:
            start, native, trace = launch.wait_mark(mark, 120)
            starts.append(start)
            natives.append(native)
            traces.append(trace)
            time.sleep(settle)
            main, whole = launch.memory()
            mains.append(main)
            trees.append(whole)
        finally:
            launch.stop()
        print(f"  {label} #{i + 1}: {starts[-1]:.0f} ms (page began loading at {natives[-1]:.0f}), main {mains[-1] / 1024:.0f} MiB, tree {trees[-1] / 1024:.0f} MiB",
              flush=True)
    return {"start": starts, "native": natives, "main": mains, "tree": trees, "trace": traces}


def stats(values):
    return statistics.median(values), min(values), max(values)


def cell(values, unit, scale=1.0):
    med, lo, hi = (v / scale for v in stats(values))
    return f"{med:.0f} {unit} ({lo:.0f}–{hi:.0f})"


def ratio(values, bare):
    return f"{statistics.median(values) / statistics.median(bare):.2f}×"


def size_mb(path):
    return f"{os.path.getsize(path) / 1e6:.1f} MB" if path and os.path.exists(path) else "—"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--bare", required=True)
    ap.add_argument("--dir", action="append", required=True, metavar="DRAFTS=DATA_DIR")
    ap.add_argument("--open", required=True, help="client sequence no. of the 50-line draft")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--settle", type=float, default=3.0)
    ap.add_argument("--logs", required=True)
    ap.add_argument("--deb")
    ap.add_argument("--rpm")
    ap.add_argument("--out", required=True, help="where the Markdown report goes")
    a = ap.parse_args()

    print("bare window", flush=True)
    bare = probe([a.bare], "first_ipc_painted", a.runs, a.settle, a.logs, "bare")
    rows = []
    for spec in a.dir:
        drafts, data_dir = spec.split("=", 1)
        print(f"PortDesk, {drafts} drafts", flush=True)
        listed = probe([a.app, "--data-dir", data_dir], "first_drafts_page", a.runs, a.settle, a.logs,
                       f"app-{drafts}")
        opened = None
        if drafts != "0":
            opened = probe([a.app, "--data-dir", data_dir, "--open", a.open], "declaration_opened", a.runs,
                           a.settle, a.logs, f"open-{drafts}")
        rows.append((int(drafts), listed, opened))

    out = []
    out.append(f"{a.runs} launches each; median (min–max); ratio = PortDesk median / bare median.\n")
    out.append("| drafts | start to first list page | ratio | RSS main, list | ratio | RSS tree, list | ratio "
               "| RSS main, 50-line open | ratio | RSS tree, 50-line open | ratio |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    out.append(f"| bare window | {cell(bare['start'], 'ms')} | 1.00× | {cell(bare['main'], 'MiB', 1024)} | 1.00× "
               f"| {cell(bare['tree'], 'MiB', 1024)} | 1.00× | — | | — | |")
    for drafts, listed, opened in rows:
        line = (f"| {drafts:,} | {cell(listed['start'], 'ms')} | {ratio(listed['start'], bare['start'])} "
                f"| {cell(listed['main'], 'MiB', 1024)} | {ratio(listed['main'], bare['main'])} "
                f"| {cell(listed['tree'], 'MiB', 1024)} | {ratio(listed['tree'], bare['tree'])} ")
        if opened:
            line += (f"| {cell(opened['main'], 'MiB', 1024)} | {ratio(opened['main'], bare['main'])} "
                     f"| {cell(opened['tree'], 'MiB', 1024)} | {ratio(opened['tree'], bare['tree'])} |")
        else:
            line += "| — | | — | |"
        out.append(line)
    out.append("")
    out.append("Where start-up goes (medians): native = exec to the page's `performance.timeOrigin` "
               "(process, Tauri, the webview, the app's setup); page = from there to the mark "
               "(loading and running the script, the first IPC answers, layout and paint).\n")
    out.append("| | native | page | to the mark |")
    out.append("|---|---|---|---|")
    def split(label, r):
        med = statistics.median
        out.append(f"| {label} | {med(r['native']):.0f} ms | {med(r['start']) - med(r['native']):.0f} ms "
                   f"| {med(r['start']):.0f} ms |")
    split("bare window, first IPC painted", bare)
    for drafts, listed, opened in rows:
        split(f"PortDesk, {drafts:,} drafts, first list page", listed)
        if opened:
            split(f"PortDesk, {drafts:,} drafts, `--open` 50-line declaration painted", opened)
    out.append("")
    # The page's own steps (ui/src/lib/trace.ts), for the steps every launch logged.
    lists = [(drafts, listed) for drafts, listed, _ in rows]
    names = []
    for _, listed in lists:
        for trace in listed["trace"]:
            names += [n for n in sorted(trace, key=trace.get) if n not in names]
    if names:
        out.append("The page's trace to the first list page (medians, ms after the page began loading):\n")
        out.append("| step | " + " | ".join(f"{d:,} drafts" for d, _ in lists) + " |")
        out.append("|---|" + "---|" * len(lists))
        for n in names:
            cells = []
            for _, listed in lists:
                seen = [t[n] for t in listed["trace"] if n in t]
                cells.append(f"{statistics.median(seen):.0f}" if len(seen) == len(listed["trace"]) else "—")
            out.append(f"| `{n}` | " + " | ".join(cells) + " |")
        out.append("")
    out.append("| artefact | size |")
    out.append("|---|---|")
    out.append(f"| PortDesk release binary | {size_mb(a.app)} |")
    out.append(f"| bare window release binary | {size_mb(a.bare)} |")
    out.append(f"| PortDesk .deb | {size_mb(a.deb)} |")
    out.append(f"| PortDesk .rpm | {size_mb(a.rpm)} |")
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
