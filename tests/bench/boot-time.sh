#!/usr/bin/env bash
# boot-time.sh [--arch ARCH] KERNEL [INITRD]: how long the kernel takes to
# boot under QEMU (TCG), measured from the host against QEMU's floor.
#
# x86_64 (the default; -M microvm,acpi=off, qboot):
#   (a) floor: tests/bench/floor.S, a PVH kernel that prints one line and
#       exits at once: QEMU's own start-up (to first output) and tear-down;
#   (b) QEMU start → the kernel's first line, and to its banner;
#   (c) QEMU start → the end of the self-tests (the summary line);
#   (d) QEMU start → QEMU's exit;
#   (e) with INITRD (the build's initrd.cpio): QEMU start → the shell's
#       first prompt, booting `init=/init -- /cpiofs respawn,/sh`
#       (target: 60 ms).
# aarch64 (-M virt,gic-version=3 -cpu cortex-a72; KERNEL is machv.Image)
# and riscv64 (-M virt -cpu rv64 after OpenSBI; KERNEL is the ELF file):
#   the floor (floor-aarch64.S, floor-riscv64.S: a Linux Image that prints
#   one line and powers off through PSCI or SBI) against the kernel booting
#   to the shell's first prompt, INITRD required; no self-test run.
# Each is run BENCH_RUNS times (default 5) after one warm-up; the median and
# minimum are printed as a Markdown table (docs/benchmarks.md holds them),
# with "first line − floor", the kernel's own share of the time to first
# output (x86_64's target: 10 ms or less).
set -euo pipefail

arch=x86_64
if [ "${1:-}" = --arch ]; then
	arch=${2:?usage: boot-time.sh [--arch ARCH] KERNEL [INITRD]}
	shift 2
fi
kernel=${1:?usage: boot-time.sh [--arch ARCH] KERNEL [INITRD]}
initrd=${2:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
runs=${BENCH_RUNS:-5}

die() { echo "boot-time: $*" >&2; exit 1; }
case $arch in
x86_64 | aarch64 | riscv64) ;;
*) die "no boot benchmark for '$arch' (x86_64, aarch64 or riscv64)" ;;
esac
[ -r "$kernel" ] || die "no kernel at $kernel"
[ "$arch" = x86_64 ] || [ -r "$initrd" ] ||
	die "$arch times the boot to the shell: give the initrd (initrd.cpio)"
for t in "qemu-system-$arch" python3 clang ld.lld; do
	command -v "$t" >/dev/null || die "$t is missing (run scripts/setup-debian.sh)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/machv-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The floors: a PVH ELF file for x86_64, flat Linux Images for the others
# (loaded where QEMU puts an Image; their code is position-independent).
case $arch in
x86_64)
	qboot=
	for d in /usr/share/qemu /usr/local/share/qemu $(qemu-system-x86_64 -L help 2>/dev/null); do
		[ -r "$d/qboot.rom" ] && { qboot=$d/qboot.rom; break; }
	done
	[ -n "$qboot" ] || die "QEMU's qboot.rom was not found"
	clang --target=x86_64-unknown-none-elf -c -o "$work/floor.o" "$here/floor.S"
	ld.lld -static -nostdlib --build-id=none -z max-page-size=4096 -Ttext=0x100000 \
		-e pvh_entry -o "$work/floor" "$work/floor.o"
	set -- --qboot "$qboot" ;;
aarch64)
	clang --target=aarch64-unknown-none-elf -c -o "$work/floor.o" "$here/floor-aarch64.S"
	ld.lld -static -nostdlib --build-id=none -Ttext=0x40200000 -e image_start \
		--oformat=binary -o "$work/floor" "$work/floor.o"
	set -- ;;
riscv64)
	clang --target=riscv64-unknown-none-elf -march=rv64gc -mno-relax -c \
		-o "$work/floor.o" "$here/floor-riscv64.S"
	ld.lld -static -nostdlib --build-id=none -Ttext=0x80200000 -e image_start \
		--oformat=binary -o "$work/floor" "$work/floor.o"
	set -- ;;
esac

python3 "$here/boot-timer.py" --arch "$arch" --runs "$runs" "$@" \
	--floor "$work/floor" --kernel "$kernel" ${initrd:+--initrd "$initrd"}
