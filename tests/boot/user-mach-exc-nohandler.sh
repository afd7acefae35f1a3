#!/usr/bin/env bash
# An exception nobody handles: `mt-exc nohandler` reads address 0x10 with
# no exception port set (thread, task or - for a boot task - inherited).
# The kernel must end the task with a diagnostic naming the fault, and
# the run (mt-exc marked `!`, expected to die) must still succeed, with
# hello-a beside it unharmed.
. "$(dirname "$0")/user-lib.sh"

user_require
cpio -t --quiet < "$MACHV_INITRD" 2>/dev/null | grep -qx mt-exc ||
	tap_skip_all "mt-exc is not in the initrd (no MIG configured?)"
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/mt-exc!,/hello-a -- nohandler"
user_relay "$out"
user_no_crash "$out"
tap_grep "mt-exc announced its fault" '^mt-exc: faulting at 0x10 with no exception port$' "$out"
tap_grep "the kernel ended mt-exc naming the fault" \
	"$(user_task_re mt-exc) killed: page fault at (0x)?0*10 \\(read\\)" "$out"
if console_text "$out" | grep -q '^mt-exc: start'; then
	tap_not_ok "mt-exc did not go on past the fault"
else
	tap_ok "mt-exc did not go on past the fault"
fi
tap_grep "hello-a, beside it, finished" '^hello-a: done$' "$out"
user_exited "$out" hello-a 0
user_finished "$out" pass
tap_finish
