#!/usr/bin/env bash
# boot-time.sh KERNEL: how long the kernel takes to boot under QEMU (TCG,
# -M microvm,acpi=off, qboot), measured from the host against QEMU's floor.
#
#   (a) floor: tests/bench/floor.S, a PVH kernel that prints one line and
#       exits at once: QEMU's own start-up (to first output) and tear-down;
#   (b) QEMU start → the kernel's first line, and to its banner;
#   (c) QEMU start → the end of the self-tests (the summary line);
#   (d) QEMU start → QEMU's exit;
#   (e) with INITRD (the build's initrd.cpio): QEMU start → the shell's
#       first prompt, booting `init=/init -- /cpiofs respawn,/sh`
#       (target: 60 ms).
# Each is run BENCH_RUNS times (default 5) after one warm-up; the median and
# minimum are printed as a Markdown table (docs/benchmarks.md holds one), and
# "first line − floor", the kernel's own share of the time to first output,
# whose target is 10 ms or less.
set -euo pipefail

kernel=${1:?usage: boot-time.sh KERNEL [INITRD]}
initrd=${2:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
runs=${BENCH_RUNS:-5}

die() { echo "boot-time: $*" >&2; exit 1; }
[ -r "$kernel" ] || die "no kernel at $kernel"
for t in qemu-system-x86_64 python3 clang ld.lld; do
	command -v "$t" >/dev/null || die "$t is missing (run scripts/setup-debian.sh)"
done

qboot=
for d in /usr/share/qemu /usr/local/share/qemu $(qemu-system-x86_64 -L help 2>/dev/null); do
	[ -r "$d/qboot.rom" ] && { qboot=$d/qboot.rom; break; }
done
[ -n "$qboot" ] || die "QEMU's qboot.rom was not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/machv-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
clang --target=x86_64-unknown-none-elf -c -o "$work/floor.o" "$here/floor.S"
ld.lld -static -nostdlib --build-id=none -z max-page-size=4096 -Ttext=0x100000 \
	-e pvh_entry -o "$work/floor" "$work/floor.o"

python3 "$here/boot-timer.py" --runs "$runs" --qboot "$qboot" \
	--floor "$work/floor" --kernel "$kernel" ${initrd:+--initrd "$initrd"}
