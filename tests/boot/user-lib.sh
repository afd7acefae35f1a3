# Shared helpers for the user-program boot tests (sourced, not run).
# shellcheck shell=bash
#
# Every tests/boot/user-*.sh runs on every architecture: this file picks the
# machine for $MACHV_ARCH (the reference machine of that arch's own boot
# tests) and boots the kernel with the build's initrd.cpio (guests/guests.am)
# and a command line such as `init=/hello-a,/hello-b`.  The kernel then runs
# the programs, prints "machv: all programs finished" and powers off with
# the success status when every task exited 0 (a task listed as `path!` may
# be killed instead), else with the failure status.
#
#   x86_64   -M microvm,acpi=off, qboot, PVH -kernel, isa-debug-exit, COM1
#   aarch64  -M virt,gic-version=3, cortex-a72, the Image, semihosting exit
#   riscv64  -M virt (OpenSBI), the ELF kernel, SBI SRST power-off
#
# Environment, besides lib.sh's: MACHV_INITRD (default
# $MACHV_BUILDDIR/initrd.cpio).
: "${BOOT_TIMEOUT:=90}"
user_here=$(dirname "${BASH_SOURCE[0]}")
case ${MACHV_ARCH:-x86_64} in
riscv64) . "$user_here/riscv64-common.sh" ;;
aarch64) . "$user_here/lib.sh"; . "$user_here/aarch64-lib.sh" ;;
*) . "$user_here/lib.sh" ;;
esac

# The run's last words, after which the kernel must power off at once.
BOOT_LAST_WORDS="${BOOT_LAST_WORDS%)}|machv: all programs finished)"

: "${MACHV_INITRD:=$MACHV_BUILDDIR/initrd.cpio}"

# Skip unless the kernel, QEMU, its firmware and the initrd are there.
user_require() {
	case $MACHV_ARCH in
	x86_64) boot_require_kernel; boot_require_qboot ;;
	aarch64) aarch64_require_image ;;
	riscv64) boot_require_kernel ;;
	*) tap_skip_all "no user-program boot for $MACHV_ARCH" ;;
	esac
	[ -r "$MACHV_INITRD" ] ||
		tap_skip_all "no initrd at $MACHV_INITRD (make initrd.cpio builds it)"
}

# user_boot CONSOLE_FILE CMDLINE [INITRD]: boot this arch's machine with the
# initrd and the command line; sets what boot_qemu sets.
user_boot() {
	local out=$1 cmdline=$2 initrd=${3:-$MACHV_INITRD}
	case $MACHV_ARCH in
	x86_64)
		boot_qemu "$out" -M microvm,acpi=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" \
			-serial "file:$out" -kernel "$MACHV_KERNEL" -initrd "$initrd" \
			-append "$cmdline" ;;
	aarch64)
		BOOT_CPU=${BOOT_CPU:-cortex-a72} boot_qemu "$out" -M virt,gic-version=3 -m 128 \
			"${AARCH64_SEMIHOSTING[@]}" -serial "file:$out" -kernel "$IMAGE" \
			-initrd "$initrd" -append "$cmdline" ;;
	riscv64)
		boot_qemu "$out" "${VIRT[@]}" -serial "file:$out" -kernel "$MACHV_KERNEL" \
			-initrd "$initrd" -append "$cmdline" ;;
	esac
	return 0
}

# The console, relayed into the test's log as TAP comments.
user_relay() {
	console_text "$1" | sed 's/^/# | /'
}

# The line number of the first console line matching ERE (empty if none).
user_line_of() {
	console_text "$1" | grep -nE -m1 -- "$2" | cut -d: -f1
}

# Nothing went wrong in the kernel itself.
user_no_crash() {
	if console_text "$1" | grep -Eq '^machv: (panic:|stopping)|CPU exception'; then
		tap_not_ok "no kernel panic or kernel-mode exception"
		console_text "$1" | grep -E -A3 '^machv: (panic:|stopping)|CPU exception' | head -n 20 | tap_diag
		return 1
	fi
	tap_ok "no kernel panic or kernel-mode exception"
}

# The ERE for a task's name as the kernel prints it: the program's path
# with or without its leading slash.
user_task_re() {
	echo "task (/|\./)?$1 \([0-9]+\)"
}

# user_exited CONSOLE PROG STATUS: the kernel reported PROG's exit status.
user_exited() {
	tap_grep "the kernel reports $2 exited with status $3" \
		"$(user_task_re "$2") exited with status $3\$" "$1"
}

# user_not_killed CONSOLE PROG
user_not_killed() {
	if console_text "$1" | grep -Eq "$(user_task_re "$2") killed"; then
		tap_not_ok "$2 was not killed"
		console_text "$1" | grep -E "$(user_task_re "$2") killed" | tap_diag
		return 1
	fi
	tap_ok "$2 was not killed"
}

# user_finished CONSOLE pass|fail: the kernel said all programs finished
# and powered off by itself with the status that verdict calls for.
user_finished() {
	local want=$STATUS_PASS
	[ "$2" = fail ] && want=$STATUS_FAIL
	tap_grep "the kernel reports all programs finished" '^machv: all programs finished' "$1"
	boot_finished "$1" || true
	if [ "$BOOT_TIMED_OUT" -eq 0 ] && [ "$BOOT_STATUS" -eq "$want" ]; then
		tap_ok "QEMU exit status $BOOT_STATUS: the run's verdict is $2"
	else
		tap_not_ok "QEMU exit status $BOOT_STATUS: the run's verdict is $2 (expected status $want)"
	fi
}

# user_stops_cleanly CONSOLE: for runs that cannot start their programs: no
# crash, and the kernel powers off by itself with the failure status.
user_stops_cleanly() {
	user_no_crash "$1"
	boot_finished "$1" || true
	if [ "$BOOT_TIMED_OUT" -eq 0 ] && [ "$BOOT_STATUS" -eq "$STATUS_FAIL" ]; then
		tap_ok "QEMU exit status $BOOT_STATUS: the run's verdict is failure"
	else
		tap_not_ok "QEMU exit status $BOOT_STATUS: the run's verdict is failure (expected status $STATUS_FAIL)"
	fi
}

# user_memtest_case CASE ANNOUNCEMENT ACCESS [CAUSE]: the whole of a
# user-memtest-*.sh test.  `init=/memtest!,/hello-a -- CASE`: memtest
# prints "memtest: ANNOUNCEMENT ADDR" and makes the bad access; the kernel
# must kill it with "task memtest (ID) killed: page fault at ADDR (ACCESS)
# pc PC: CAUSE"; hello-a must finish; the verdict is success (memtest was
# expected to be killed).
user_memtest_case() {
	local case=$1 announce=$2 access=$3 cause=${4:-} out addr kill_re
	user_require
	out=$BOOT_WORKDIR/console
	user_boot "$out" "init=/memtest!,/hello-a -- $case"
	user_relay "$out"
	user_no_crash "$out"
	addr=$(console_text "$out" | sed -nE "s/^memtest: $announce (0x[0-9a-f]+)\$/\\1/p" | head -n1)
	[ -n "$addr" ]
	tap_result $? "memtest $case: \"$announce ${addr:-?}\""
	kill_re="$(user_task_re memtest) killed: page fault at (0x)?0*${addr#0x} \($access\)"
	tap_grep "the kernel killed memtest naming the address and the $access access" "$kill_re" "$out"
	if [ -n "$cause" ]; then
		tap_grep "the kill names the cause: $cause" "$kill_re.*: $cause\$" "$out"
	fi
	if console_text "$out" | grep -q '^memtest: FAIL'; then
		tap_not_ok "memtest did not survive the access"
	else
		tap_ok "memtest did not survive the access"
	fi
	tap_grep "hello-a, beside it, finished" '^hello-a: done$' "$out"
	user_exited "$out" hello-a 0
	user_finished "$out" pass
	tap_finish
}
