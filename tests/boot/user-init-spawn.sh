#!/usr/bin/env bash
# spawn() from user space (guests/lib/mach/spawn.c), without init:
# spawn-test starts /args with its own words and environment (args checks
# its initial stack; its lines are judged here), learns of its end from a
# dead-name notification, gets status 7 from a child through the
# exit-status message, and sees bad images refused.  With task.verbose
# the kernel reports the end of the tasks spawn made, under the names
# spawn gave them.
. "$(dirname "$0")/user-init-lib.sh"

init_require spawn-test args
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/spawn-test task.verbose"
user_relay "$out"
user_no_crash "$out"
init_cases "$out" spawn-test
tap_grep "the spawned args has argc 3" '^args: argc=3 initial sp 0x[0-9a-f]+$' "$out"
tap_grep "its argv[0] is /args" '^args: argv\[0\]="/args"$' "$out"
tap_grep "its argv[2] keeps the blank" '^args: argv\[2\]="beta gamma"$' "$out"
tap_grep "its envp[0] is SPAWN_TEST=1" '^args: envp\[0\]="SPAWN_TEST=1"$' "$out"
tap_grep "its envp[1] is the empty EMPTY=" '^args: envp\[1\]="EMPTY="$' "$out"
tap_grep "it found its initial stack right" '^args: layout ok$' "$out"
tap_grep "the kernel names the task /args" "$(user_task_re args) exited with status 0\$" "$out"
tap_grep "the child ran" '^spawn-test: child running$' "$out"
tap_grep "the kernel names the child by the name spawn gave it" \
	"$(user_task_re spawn-child) exited with status 7\$" "$out"
user_not_killed "$out" spawn-test
user_exited "$out" spawn-test 0
user_finished "$out" pass
tap_finish
