#!/usr/bin/env bash
# Exit statuses, every way a program can end: returning from main (the
# value becomes the status), task_terminate on itself (status 0), and
# machv_exit from a second thread while the first sleeps (the whole task
# ends).  One boot each.
. "$(dirname "$0")/user-lib.sh"

user_require

# exit_case ARGS STATUS VERDICT DESC
exit_case() {
	local out=$BOOT_WORKDIR/console-${1// /-}
	tap_diag "--- init=/exitcodes -- $1"
	user_boot "$out" "init=/exitcodes -- $1"
	user_relay "$out"
	user_no_crash "$out"
	user_exited "$out" exitcodes "$2"
	if console_text "$out" | grep -q '^exitcodes: FAIL'; then
		tap_not_ok "$4"
		console_text "$out" | grep '^exitcodes: FAIL' | tap_diag
	else
		tap_ok "$4"
	fi
	user_finished "$out" "$3"
}

exit_case "return 7" 7 fail "returning 7 from main ends the task with status 7"
exit_case "return 0" 0 pass "returning 0 from main ends the task with status 0"
exit_case "terminate" 0 pass "task_terminate(mach_task_self()) ends the task and does not return"
exit_case "thread 5" 5 fail "machv_exit(5) in a second thread ends the whole task"
tap_finish
