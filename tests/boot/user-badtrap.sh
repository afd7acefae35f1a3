#!/usr/bin/env bash
# Bad traps: unknown trap numbers, wild and kernel pointers given to
# mach_print, bad task names and thread starts.  Every call must come back
# with an error code (each check badtrap makes is relayed as a result
# here), the task is not killed, and it exits 0 (no check failed).
. "$(dirname "$0")/user-lib.sh"

user_require
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/badtrap"
user_relay "$out"
user_no_crash "$out"

n=0
while IFS= read -r line; do
	if [[ $line =~ ^badtrap:\ (not\ )?ok\ [0-9]+\ -\ (.*)$ ]]; then
		n=$((n + 1))
		if [ -z "${BASH_REMATCH[1]}" ]; then
			tap_ok "badtrap: ${BASH_REMATCH[2]}"
		else
			tap_not_ok "badtrap: ${BASH_REMATCH[2]}"
		fi
	fi
done < <(console_text "$out")
[ "$n" -ge 30 ]
tap_result $? "badtrap reported all its checks ($n)"
tap_grep "badtrap reached its end with no failure" '^badtrap: [0-9]+ checks, 0 failed$' "$out"
tap_grep "mach_print still printed after the wild pointers" \
	'^badtrap: mach_print still works after wild pointers$' "$out"
user_not_killed "$out" badtrap
user_exited "$out" badtrap 0
user_finished "$out" pass
tap_finish
