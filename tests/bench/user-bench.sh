#!/usr/bin/env bash
# user-bench.sh [ARCH...]: the in-guest benchmark (guests/programs/bench.c)
# on each architecture's build (build/ARCH: machv and initrd.cpio), under
# TCG, twice:
#   - normally: figures in the arch's counter ticks (x86_64: the host's TSC,
#     the unit of the GNU Mach anchors; aarch64: CNTVCT at 62.5 MHz;
#     riscv64: the time CSR at 10 MHz) and in ns of the kernel's clock;
#   - with -icount shift=0: each guest instruction is 1 ns of virtual time,
#     so ns/op is instructions per operation, the same on every machine.
# Three boots per run: `init=/bench` (null trap, self trap, page fault,
# thread switch, and the IPC figures: a null message to one's own port,
# null RPCs to a server thread and to a server task),
# `init=/bench,/bench-peer -- tasks` (task switch), and the IPC figures
# again with `ipc.nofastpath` (rows *_nofastpath: the RPCs through the
# queue and the scheduler, to show what the fast path saves).
# BENCH_RUNS (default 3) runs each; the table has the median.
# BENCH_BUILDROOT (default build/ in the source tree) is where the ARCH
# build directories are.  Prints a
# Markdown table for docs/benchmarks.md; the consoles are copied to
# BENCH_KEEP=DIR if given (also when a run fails).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
runs=${BENCH_RUNS:-3}
buildroot=${BENCH_BUILDROOT:-$top/build}
[ $# -gt 0 ] || set -- x86_64 aarch64 riscv64

work=$(mktemp -d "${TMPDIR:-/tmp}/machv-user-bench.XXXXXX")
keep() {
	if [ -n "${BENCH_KEEP:-}" ] && mkdir -p "$BENCH_KEEP"; then
		cp "$work"/* "$BENCH_KEEP"/ 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap keep EXIT

die() { echo "user-bench: $*" >&2; exit 1; }

find_fw() {
	local d
	for d in /usr/share/qemu /usr/local/share/qemu $("$2" -L help 2>/dev/null); do
		[ -r "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 1
}

# boot ARCH ICOUNT(0|1) CMDLINE OUT: one run; the console lands in OUT.
boot() {
	local arch=$1 icount=$2 cmdline=$3 out=$4 dir=$buildroot/$1 qemu=qemu-system-$1
	local args=(-accel tcg -nodefaults -no-user-config -display none -m 128
		-serial "file:$out" -initrd "$dir/initrd.cpio" -append "$cmdline")
	[ "$icount" = 1 ] && args+=(-icount shift=0)
	# shellcheck disable=SC2054  # the commas are QEMU's
	case $arch in
	x86_64)
		# Under -icount, QEMU 10 stops with "Bad icount read" when the
		# kernel reads the x2APIC timer through its MSR; the xAPIC's MMIO
		# path is icount-safe, so that run hides x2APIC.
		local cpu=max
		[ "$icount" = 1 ] && cpu=max,-x2apic
		args+=(-M microvm,acpi=off -bios "$(find_fw qboot.rom "$qemu")" -cpu "$cpu"
			-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$dir/machv") ;;
	aarch64)
		args+=(-M virt,gic-version=3 -cpu cortex-a72
			-semihosting-config enable=on,target=native -kernel "$dir/machv.Image") ;;
	riscv64)
		args+=(-M virt -cpu rv64 -kernel "$dir/machv") ;;
	esac
	timeout -k 5 180 "$qemu" "${args[@]}" </dev/null >"$out.qemu" 2>&1 || true
	grep -q '^machv: all programs finished' "$out" ||
		die "$arch: the run of '$cmdline' did not finish (console: $out; BENCH_KEEP=DIR keeps it)"
}

# figures FILE: "NAME UNIT VALUE" for every bench line.
figures() {
	tr -d '\r' < "$1" | sed -nE 's/^bench: ([a-z_]+) ([0-9]+) (ticks|ns)\/op$/\1 \3 \2/p'
}

median() {
	sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]; else print "—"}'
}

results=$work/results   # lines: ARCH MODE NAME UNIT VALUE
: > "$results"
for arch in "$@"; do
	dir=$buildroot/$arch
	if [ ! -r "$dir/machv" ] || [ ! -r "$dir/initrd.cpio" ]; then
		die "no build/$arch/machv and initrd.cpio (./machv build $arch)"
	fi
	if [ "$arch" = aarch64 ] && [ ! -r "$dir/machv.Image" ]; then
		die "no build/aarch64/machv.Image"
	fi
	command -v "qemu-system-$arch" >/dev/null || die "qemu-system-$arch is not installed"
	for mode in tcg icount; do
		ic=0
		[ "$mode" = icount ] && ic=1
		for ((r = 1; r <= runs; r++)); do
			echo "user-bench: $arch $mode run $r of $runs" >&2
			for cmd in "init=/bench" "init=/bench,/bench-peer -- tasks"; do
				out=$work/$arch-$mode-$r-${cmd//[^a-z]/_}
				boot "$arch" "$ic" "$cmd" "$out"
				figures "$out" | sed "s/^/$arch $mode /" >> "$results"
			done
			# The IPC figures again without the fast path's hand-off.
			out=$work/$arch-$mode-$r-nofastpath
			boot "$arch" "$ic" "init=/bench ipc.nofastpath -- rpc" "$out"
			figures "$out" | sed -E "s/^([a-z_]+)/$arch $mode \1_nofastpath/" >> "$results"

		done
	done
done
pick() {   # ARCH MODE NAME UNIT
	awk -v a="$1" -v m="$2" -v n="$3" -v u="$4" '$1 == a && $2 == m && $3 == n && $4 == u {print $5}' \
		"$results" | median
}

echo "| operation | arch | TCG: counter ticks/op | TCG: ns/op | -icount shift=0: instructions/op |"
echo "|---|---|---:|---:|---:|"
for name in null_trap self_trap thread_switch task_switch page_fault ipc_self \
	rpc_thread rpc_thread_nofastpath rpc_task rpc_task_nofastpath; do
	for arch in "$@"; do
		case $arch in
		x86_64) unit="TSC" ;;
		aarch64) unit="CNTVCT" ;;
		riscv64) unit="time" ;;
		esac
		printf '| %s | %s | %s (%s) | %s | %s |\n' "$name" "$arch" \
			"$(pick "$arch" tcg "$name" ticks)" "$unit" \
			"$(pick "$arch" tcg "$name" ns)" \
			"$(pick "$arch" icount "$name" ns)"
	done
done
