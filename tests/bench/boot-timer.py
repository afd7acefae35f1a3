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
All are milliseconds since just before QEMU was started.  Where firmware
prints before the kernel (OpenSBI on riscv64), "first" is the firmware's
first line and "kfirst" the kernel's, the first line after the firmware's
banner; elsewhere the two are the same line.

Usage: boot-timer.py [--arch x86_64] --runs N --qboot ROM --floor FLOOR
                     --kernel KERNEL [--initrd INITRD]
       boot-timer.py --arch aarch64|riscv64 --runs N --floor FLOOR
                     --kernel KERNEL --initrd INITRD
x86_64 (-M microvm, qboot, PVH) runs the floor and the kernel's self-tests
(`-append ktest`), and with --initrd a third kind of run boots to the shell
(`init=/init -- /cpiofs respawn,/sh`) and times its first prompt.  aarch64
(-M virt,gic-version=3 -cpu cortex-a72, KERNEL is machv.Image) and riscv64
(-M virt -cpu rv64 after OpenSBI, KERNEL is the ELF file) run the floor and
the shell only: the self-tests are not a boot.
The floors (tests/bench/floor.S, floor-aarch64.S, floor-riscv64.S) print one
line and power off: their times are QEMU's own (and OpenSBI's on riscv64).
The kinds of run alternate so that drift on a busy machine touches them
alike.  Prints a Markdown table.
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

SUMMARY = re.compile(rb"^\d+ passed, \d+ failed(, \d+ skipped)?$")
BANNER = re.compile(rb"^machv .* booting via ")
UP_IN = re.compile(rb"^machv: up in (\d+) us$")
PROMPT = b"machv:/$ "
SHELL_APPEND = "init=/init -- /cpiofs respawn,/sh"
# A "Key   : value" line of OpenSBI's banner (a kernel's lines have no
# blank before their colon).
FIRMWARE_LINE = re.compile(rb"^[A-Z][\w ]*\S\s+: ")
COMMON = ["-m", "128", "-nodefaults", "-no-user-config", "-display", "none",
          "-serial", "stdio"]

# Per architecture: QEMU, its machine (as the boot tests use it), how that
# machine is described in the table, QEMU's exit status when the floor
# powers off, how machv's banner ends and where its clock starts.
ARCHES = {
    "x86_64": dict(
        qemu="qemu-system-x86_64",
        machine=lambda qboot: ["-M", "microvm,acpi=off", "-bios", qboot, "-accel", "tcg",
                               "-cpu", "max", "-device",
                               "isa-debug-exit,iobase=0xf4,iosize=4"],
        floor_status=1, banner="booting via PVH"),
    "aarch64": dict(
        qemu="qemu-system-aarch64",
        machine=lambda qboot: ["-M", "virt,gic-version=3", "-accel", "tcg",
                               "-cpu", "cortex-a72"],
        describe="`-M virt,gic-version=3 -cpu cortex-a72 -m 128`, the PL011 on a pipe",
        floor_status=0, banner="booting via Linux Image",
        clock="counted from the kernel's start"),
    "riscv64": dict(
        qemu="qemu-system-riscv64",
        machine=lambda qboot: ["-M", "virt", "-accel", "tcg", "-cpu", "rv64"],
        describe="`-M virt -cpu rv64 -m 128` with its default firmware (OpenSBI "
                 "fw_dynamic), the 16550 on a pipe",
        floor_status=0, banner="booting via Linux Image",
        clock="the time CSR, counted from the machine's reset: OpenSBI included"),
}


def machine_args(arch, qboot):
    a = ARCHES[arch]
    return [a["qemu"]] + a["machine"](qboot) + COMMON


def one_run(cmd, timeout_s=120):
    """Boot once; return a dict of times (ms), QEMU's status and the lines."""
    marks = {}
    lines = []
    stamped = []
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
            stamped.append(((now - t0) * 1000, line))
            if BANNER.match(line) and "banner" not in marks:
                marks["banner"] = (now - t0) * 1000
            if SUMMARY.match(line) and "done" not in marks:
                marks["done"] = (now - t0) * 1000
            m = UP_IN.match(line)
            if m:
                marks["up_in_kernel"] = int(m.group(1)) / 1000
                marks["up"] = (now - t0) * 1000
    status = proc.wait()
    marks["exit"] = (time.monotonic() - t0) * 1000
    proc.stdout.close()
    # The kernel's first line: the first after the firmware's banner, if
    # there was one.
    fw_end = max((i for i, (_, l) in enumerate(stamped) if FIRMWARE_LINE.match(l)),
                 default=-1)
    for ms, line in stamped[fw_end + 1:]:
        if line.strip():
            marks["kfirst"] = ms
            break
    return marks, status, lines


def stats(values):
    return statistics.median(values), min(values)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", choices=sorted(ARCHES), default="x86_64")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--qboot")
    ap.add_argument("--floor", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--append", default="ktest")
    ap.add_argument("--initrd")
    args = ap.parse_args()
    if args.arch == "x86_64":
        if not args.qboot:
            ap.error("x86_64 needs --qboot")
    else:
        if not args.initrd:
            ap.error("%s times the shell: it needs --initrd" % args.arch)
        return virt_main(args)

    base = machine_args("x86_64", args.qboot)
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

    qemu_version = version_of("qemu-system-x86_64")
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


def run_alternately(kinds, runs, floor_status):
    """Warm up, then boot each kind in turn RUNS times; a dict of the marks
    per kind, or None (after saying why) when a run went wrong."""
    for cmd, _ in kinds:
        one_run(cmd)
    results = {name: [] for _, name in kinds}
    for _ in range(runs):
        for cmd, name in kinds:
            marks, status, lines = one_run(cmd)
            if name == "shell":
                bad = "prompt" not in marks or "kfirst" not in marks
            else:
                bad = status != floor_status or "kfirst" not in marks
            if bad:
                sys.stderr.write("boot-timer: %s run failed (QEMU status %d); console:\n" %
                                 (name, status))
                for line in lines[-30:]:
                    sys.stderr.write("  %s\n" % line.decode(errors="replace"))
                return None
            results[name].append(marks)
    return results


def virt_main(args):
    """aarch64 and riscv64: the floor against machv booting to the shell."""
    arch = ARCHES[args.arch]
    base = machine_args(args.arch, None)
    kinds = [(base + ["-kernel", args.floor], "floor"),
             (base + ["-kernel", args.kernel, "-initrd", args.initrd,
                      "-append", SHELL_APPEND], "shell")]
    results = run_alternately(kinds, args.runs, arch["floor_status"])
    if results is None:
        return 1
    floor_runs, shell_runs = results["floor"], results["shell"]

    def col(runs, key):
        return stats([r[key] for r in runs])

    firmware = any(r["first"] != r["kfirst"] for r in floor_runs)
    rows = []
    if firmware:
        rows.append(("floor: QEMU start → the firmware's first line (OpenSBI)",
                     col(floor_runs, "first")))
    rows += [
        ("floor: QEMU start → its line", col(floor_runs, "kfirst")),
        ("floor: QEMU start → QEMU exit", col(floor_runs, "exit")),
        ("machv: QEMU start → its first line", col(shell_runs, "kfirst")),
    ]
    if all("banner" in r for r in shell_runs):
        rows.append(("machv: QEMU start → banner (\"%s\")" % arch["banner"],
                     col(shell_runs, "banner")))
    if all("up_in_kernel" in r for r in shell_runs):
        rows.append(("machv: QEMU start → its \"up in\" line (devices probed, "
                     "before the first program)", col(shell_runs, "up")))
        rows.append(("machv: its own \"up in\" figure (kernel clock; %s)" % arch["clock"],
                     col(shell_runs, "up_in_kernel")))
    prompt = col(shell_runs, "prompt")
    floor_line, kernel_line = col(floor_runs, "kfirst"), col(shell_runs, "kfirst")

    print("QEMU: %s; TCG; %s; `-initrd initrd.cpio -append \"%s\"`; "
          "%d runs of each (after one warm-up)." %
          (version_of(arch["qemu"]), arch["describe"], SHELL_APPEND, args.runs))
    print("Host: %s, %d CPUs, %s." % (cpu_name(), os.cpu_count() or 0, platform.platform()))
    print()
    print("| measurement | median (ms) | min (ms) |")
    print("|---|---:|---:|")
    for name, (med, mn) in rows:
        print("| %s | %.1f | %.1f |" % (name, med, mn))
    print("| machv's first line − the floor's line | %.1f | %.1f |" %
          (kernel_line[0] - floor_line[0], kernel_line[1] - floor_line[1]))
    print("| **machv: QEMU start → the shell's first prompt** | **%.1f** | %.1f |" % prompt)
    print("| the shell's first prompt − the floor's line | %.1f | %.1f |" %
          (prompt[0] - floor_line[0], prompt[1] - floor_line[1]))
    return 0


def version_of(qemu):
    return subprocess.run([qemu, "--version"], capture_output=True,
                          text=True).stdout.splitlines()[0]


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
