# The Mach test suite's boot tests (sourced by tests/boot/user-mach-*.sh).
# shellcheck shell=bash
#
# mach_suite_run PROG [EXTRA_INIT]: boot with init=/PROG (plus EXTRA_INIT,
# e.g. ",/bench-peer"), relay the console, and judge: every "ok"/"not ok"
# line of PROG becomes a TAP line of this test, PROG's summary line says
# "P passed, 0 failed" with P > 0, PROG exited with status 0, nothing
# crashed, and the run's verdict is success.
. "$(dirname "${BASH_SOURCE[0]}")/user-lib.sh"

mach_suite_run() {
	local prog=$1 extra=${2:-} out summary
	user_require
	# Built only where configure found MIG and GNU Mach's headers.
	cpio -t --quiet < "$MACHV_INITRD" 2>/dev/null | grep -qx "$prog" ||
		tap_skip_all "$prog is not in the initrd (no MIG configured?)"
	out=$BOOT_WORKDIR/console
	user_boot "$out" "init=/$prog$extra"
	user_relay "$out"
	user_no_crash "$out"
	# The program's own cases, one TAP line each (failures carry their
	# "got X want Y").
	while IFS= read -r line; do
		case $line in
		"not ok "*) tap_not_ok "$prog: ${line#not ok }" ;;
		"ok "*) tap_ok "$prog: ${line#ok }" ;;
		esac
	done < <(console_text "$out" | grep -E '^(not )?ok [0-9]+ - ')
	summary=$(console_text "$out" | grep -E "^$prog: [0-9]+ passed, [0-9]+ failed\$" | tail -n1)
	case $summary in
	"$prog: 0 passed,"*|"") tap_not_ok "$prog printed a summary with cases run (${summary:-none})" ;;
	*" 0 failed") tap_ok "$prog: every case passed ($summary)" ;;
	*) tap_not_ok "$prog: every case passed ($summary)" ;;
	esac
	user_not_killed "$out" "$prog"
	user_exited "$out" "$prog" 0
	user_finished "$out" pass
	tap_finish
}
