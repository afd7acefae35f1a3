#!/usr/bin/env python3
"""Time QEMU boots from the host side, as a person at the console sees them.

Each run starts QEMU with COM1 on a pipe and reads the pipe as bytes arrive,
stamping with time.monotonic():
  first   the end of the first console line (a kernel's first output),
  banner  the end of machv's "machv VERSION (ARCH) booting via ..." line,
  done    the end of the self-test summary line ("N passed, M failed"),
  prompt  (with --initrd) the shell's first prompt ("machv:/$ "), after
          which QEMU is stopped,
  exit    QEMU's exit (the process has been reaped).
All are milliseconds since just before QEMU was started.

Usage: boot-timer.py --runs N --qboot ROM --floor FLOOR --kernel KERNEL
                     [--initrd INITRD]
With --initrd, a third kind of run boots to the shell (`init=/init --
/cpiofs respawn,/sh`) and times its first prompt.
The floor (tests/bench/floor.S) prints one line and exits: its times are
QEMU's own.  The two kernels are run alternately so that drift on a busy
machine touches both alike.  Prints a Markdown table.
"""
import argparse
import os
import platform
import re
import select
import statistics
import subprocess
import sys
import time

QEMU = "qemu-system-x86_64"
SUMMARY = re.compile(rb"^\d+ passed, \d+ failed(, \d+ skipped)?$")
BANNER = re.compile(rb"^machv .* booting via ")
UP_IN = re.compile(rb"^machv: up in (\d+) us$")
PROMPT = b"machv:/$ "
SHELL_APPEND = "init=/init -- /cpiofs respawn,/sh"


def machine_args(qboot):
    return [QEMU, "-M", "microvm,acpi=off", "-bios", qboot, "-accel", "tcg",
            "-cpu", "max", "-m", "128", "-nodefaults", "-no-user-config",
            "-display", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-serial", "stdio"]


def one_run(cmd, timeout_s=120):
    """Boot once; return a dict of times (ms), QEMU's status and the lines."""
    marks = {}
    lines = []
    pending = b""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    fd = proc.stdout.fileno()
    deadline = t0 + timeout_s
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            proc.kill()
            break
        chunk = os.read(fd, 65536)
        now = time.monotonic()
        if not chunk:
            break
        pending += chunk
        if PROMPT in pending and "prompt" not in marks:
            marks["prompt"] = (now - t0) * 1000
            proc.kill()          # the shell would wait for a person
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            line = line.rstrip(b"\r")
            lines.append(line)
            if line and "first" not in marks:
                marks["first"] = (now - t0) * 1000
            if BANNER.match(line) and "banner" not in marks:
                marks["banner"] = (now - t0) * 1000
            if SUMMARY.match(line) and "done" not in marks:
                marks["done"] = (now - t0) * 1000
            m = UP_IN.match(line)
            if m:
                marks["up_in_kernel"] = int(m.group(1)) / 1000
    status = proc.wait()
    marks["exit"] = (time.monotonic() - t0) * 1000
    proc.stdout.close()
    return marks, status, lines


def stats(values):
    return statistics.median(values), min(values)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--qboot", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--append", default="ktest")
    ap.add_argument("--initrd")
    args = ap.parse_args()

    base = machine_args(args.qboot)
    floor_cmd = base + ["-kernel", args.floor]
    kernel_cmd = base + ["-kernel", args.kernel, "-append", args.append]

    kinds = [(floor_cmd, "floor"), (kernel_cmd, "machv")]
    if args.initrd:
        kinds.append((base + ["-kernel", args.kernel, "-initrd", args.initrd,
                              "-append", SHELL_APPEND], "shell"))

    # One unmeasured boot of each fills the page cache.
    for cmd, _ in kinds:
        one_run(cmd)

    results = {name: [] for _, name in kinds}
    floor_runs, kernel_runs = results["floor"], results["machv"]
    for _ in range(args.runs):
        for cmd, name in kinds:
            runs = results[name]
            marks, status, lines = one_run(cmd)
            if name == "shell":
                bad = "prompt" not in marks
            else:
                bad = status != 1 or "first" not in marks or (
                    name == "machv" and ("done" not in marks or "banner" not in marks))
            if bad:
                sys.stderr.write("boot-timer: %s run failed (QEMU status %d); console:\n" %
                                 (name, status))
                for line in lines[-30:]:
                    sys.stderr.write("  %s\n" % line.decode(errors="replace"))
                return 1
            runs.append(marks)

    def col(runs, key):
        return stats([r[key] for r in runs])

    qemu_version = subprocess.run([QEMU, "--version"], capture_output=True,
                                  text=True).stdout.splitlines()[0]
    rows = [
        ("floor: QEMU start → first line", col(floor_runs, "first")),
        ("floor: QEMU start → QEMU exit", col(floor_runs, "exit")),
        ("machv: QEMU start → first line", col(kernel_runs, "first")),
        ("machv: QEMU start → banner (\"booting via PVH\")", col(kernel_runs, "banner")),
        ("machv: QEMU start → ktest summary", col(kernel_runs, "done")),
        ("machv: QEMU start → QEMU exit", col(kernel_runs, "exit")),
    ]
    if args.initrd:
        rows.append(("machv: QEMU start → the shell's first prompt (`%s`)" % SHELL_APPEND,
                     col(results["shell"], "prompt")))
    if all("up_in_kernel" in r for r in kernel_runs):
        rows.append(("machv: its own \"up in\" figure (kernel clock, devices probed)",
                     col(kernel_runs, "up_in_kernel")))
    # The kernel's own share of the wait for its first output.
    floor_first, kernel_first = col(floor_runs, "first"), col(kernel_runs, "first")
    gap_median = kernel_first[0] - floor_first[0]
    gap_min = kernel_first[1] - floor_first[1]

    print("QEMU: %s; TCG; `-M microvm,acpi=off -bios qboot.rom -m 128`, COM1 on a pipe; "
          "`-append %s`; %d runs of each (after one warm-up)." %
          (qemu_version, args.append, args.runs))
    print("Host: %s, %d CPUs, %s." % (cpu_name(), os.cpu_count() or 0, platform.platform()))
    print()
    print("| measurement | median (ms) | min (ms) |")
    print("|---|---:|---:|")
    for name, (med, mn) in rows:
        print("| %s | %.1f | %.1f |" % (name, med, mn))
    print("| **first line − floor first line** (target ≤ 10 ms) | **%.1f** | %.1f |" %
          (gap_median, gap_min))
    return 0


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
