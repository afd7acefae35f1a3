#!/usr/bin/env bash
# The boot-time benchmark itself works on this build's architecture:
# tests/bench/boot-time.sh --arch MACHV_ARCH, one run of each kind, builds
# and boots the arch's floor (it must print its line and power off with the
# status the timer expects), boots the kernel to the shell's first prompt
# and prints a table whose figures make sense.  A floor that does not boot
# and an architecture without a benchmark must be refused, not timed.
# The figures themselves are not judged: they depend on the host's load.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/boot/lib.sh
. "$here/../boot/lib.sh"
# shellcheck source=tests/boot/aarch64-lib.sh
[ "$MACHV_ARCH" = aarch64 ] && . "$here/../boot/aarch64-lib.sh"

initrd=$MACHV_BUILDDIR/initrd.cpio
case $MACHV_ARCH in
aarch64) aarch64_require_image; kernel=$IMAGE ;;
*) boot_require_kernel; kernel=$MACHV_KERNEL ;;
esac
boot_require_tool python3 clang ld.lld
[ -r "$initrd" ] || tap_skip_all "no initrd at $initrd (make initrd.cpio builds it)"
if [ "$MACHV_ARCH" = x86_64 ]; then
	boot_require_qboot
fi

out=$BOOT_WORKDIR/table
BENCH_RUNS=1 "$here/boot-time.sh" --arch "$MACHV_ARCH" "$kernel" "$initrd" \
	> "$out" 2> "$out.err"
tap_result $? "boot-time.sh --arch $MACHV_ARCH ran the floor and the kernel"
tap_diag < "$out"
[ -s "$out.err" ] && tap_diag < "$out.err"

# The median of the row whose label contains TEXT (empty if none).
figure() {
	awk -F'|' -v t="$1" 'index($2, t) { gsub(/[ *]/, "", $3); print $3; exit }' "$out"
}
positive() { awk -v v="$1" 'BEGIN { exit !(v != "" && v + 0 > 0) }'; }

floor_exit=$(figure "floor: QEMU start → QEMU exit")
positive "$floor_exit"
tap_result $? "the floor powered off and its exit was timed ($floor_exit ms)"

if [ "$MACHV_ARCH" = x86_64 ]; then
	floor_line=$(figure "floor: QEMU start → first line")
	prompt=$(figure "the shell's first prompt")
else
	floor_line=$(figure "floor: QEMU start → its line")
	prompt=$(figure "machv: QEMU start → the shell's first prompt")
fi
positive "$floor_line"
tap_result $? "the floor's line was timed ($floor_line ms)"
awk -v p="$prompt" -v f="$floor_line" 'BEGIN { exit !(p != "" && p + 0 > f + 0) }'
tap_result $? "the shell's first prompt was timed, after the floor's line ($prompt ms)"
if [ "$MACHV_ARCH" = riscv64 ]; then
	fw=$(figure "the firmware's first line (OpenSBI)")
	awk -v w="$fw" -v f="$floor_line" 'BEGIN { exit !(w != "" && w + 0 < f + 0) }'
	tap_result $? "OpenSBI's banner is told apart from the floor's line ($fw ms before $floor_line)"
fi

# A floor QEMU cannot load: the timer must say so and fail.
set -- --arch "$MACHV_ARCH" --runs 1 --floor "$BOOT_WORKDIR/no-such-floor" \
	--kernel "$kernel" --initrd "$initrd"
[ "$MACHV_ARCH" = x86_64 ] && set -- "$@" --qboot "$QBOOT"
python3 "$here/boot-timer.py" "$@" > "$BOOT_WORKDIR/bad" 2>&1
status=$?
grep -q "floor run failed" "$BOOT_WORKDIR/bad"
found=$?
[ "$status" -ne 0 ] && [ "$found" -eq 0 ]
tap_result $? "a floor that does not boot fails the benchmark (status $status)" ||
	tap_diag < "$BOOT_WORKDIR/bad"

! "$here/boot-time.sh" --arch no-such-arch "$kernel" "$initrd" > "$BOOT_WORKDIR/arch" 2>&1 &&
	grep -q "no boot benchmark for 'no-such-arch'" "$BOOT_WORKDIR/arch"
tap_result $? "an architecture without a benchmark is refused"
tap_finish
