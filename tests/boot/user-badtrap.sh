#!/usr/bin/env bash
# Bad traps: wild and kernel pointers given to mach_print and mach_msg,
# malformed headers, bad task names and thread starts.  Every call must
# come back with an error code (each check badtrap makes is relayed as a
# result here).  Last, an unknown trap number: with no exception port the
# kernel ends the task with its diagnostic (GNU Mach's EXC_BAD_INSTRUCTION
# rule), and nothing after the trap runs.
. "$(dirname "$0")/user-lib.sh"

user_require
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/badtrap!"
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
[ "$n" -ge 28 ]
tap_result $? "badtrap reported all its checks ($n)"
tap_grep "badtrap reached its end with no failure" '^badtrap: [0-9]+ checks, 0 failed$' "$out"
tap_grep "mach_print still printed after the wild pointers" \
	'^badtrap: mach_print still works after wild pointers$' "$out"
tap_grep "the unknown trap ended the task with a diagnostic" \
	"$(user_task_re badtrap) killed: unknown trap -1 at pc 0x[0-9a-f]+" "$out"
if console_text "$out" | grep -q '^badtrap: the unknown trap returned'; then
	tap_not_ok "nothing ran after the unknown trap"
else
	tap_ok "nothing ran after the unknown trap"
fi
user_finished "$out" pass
tap_finish
