# Shared by tests/boot/user-init*.sh (sourced, not run).
# shellcheck shell=bash
. "$(dirname "${BASH_SOURCE[0]}")/user-lib.sh"

# init_require PROG...: skip unless the programs are in the initrd (they
# are built only where configure found MIG and GNU Mach's headers).
init_require() {
	user_require
	local p
	for p in "$@"; do
		cpio -t --quiet < "$MACHV_INITRD" 2>/dev/null | grep -qx "$p" ||
			tap_skip_all "$p is not in the initrd (no MIG configured?)"
	done
}

# init_cases CONSOLE PROG: PROG's "ok"/"not ok" lines as TAP lines, and its
# summary "PROG: P passed, 0 failed" with P > 0.  (The lines of programs
# running side by side may interleave, but each is printed whole.)
init_cases() {
	local out=$1 prog=$2 line summary
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
}

# init_count CONSOLE ERE: how many console lines match.
init_count() {
	console_text "$1" | grep -cE -- "$2" || true
}
