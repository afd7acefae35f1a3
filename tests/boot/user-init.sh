#!/usr/bin/env bash
# init, the bootstrap task (guests/programs/init.c):
#   init=/init -- /hello-a /ns-test respawn=1,/hello-b /no-such-program
# init reads the initrd through rd0, starts hello-a, ns-test and hello-b
# with spawn, reports the missing program and goes on, serves the name
# service ns-test exercises (every case must pass), learns ns-test's
# status from its exit message and hello-a's end without one, restarts
# hello-b exactly once (a second after it ended: it ran less than one),
# then, with nothing left, exits 0.
. "$(dirname "$0")/user-init-lib.sh"

init_require init ns-test hello-a hello-b
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/init -- /hello-a /ns-test respawn=1,/hello-b /no-such-program"
user_relay "$out"
user_no_crash "$out"
tap_grep "init started /hello-a" '^init: started /hello-a$' "$out"
tap_grep "init started /ns-test" '^init: started /ns-test$' "$out"
tap_grep "init started /hello-b" '^init: started /hello-b$' "$out"
tap_grep "init reported the missing program" \
	'^init: cannot start /no-such-program: not in the initrd$' "$out"
init_cases "$out" ns-test
tap_grep "init served ns-test's registration" '^init: registered ns-test/a$' "$out"
tap_grep "init forgot the name of the dead port" '^init: ns-test/dies is gone: its server died$' "$out"
tap_grep "init learned ns-test's status" '^init: /ns-test ended with status 0$' "$out"
tap_grep "init saw hello-a end (it reports no status)" \
	'^init: /hello-a ended without a status$' "$out"
tap_grep "hello-b ran under a second: its restart waited" \
	'^init: /hello-b ran less than 1000 ms: restarting it later$' "$out"
n=$(init_count "$out" '^init: restarting /hello-b$')
[ "$n" -eq 1 ]
tap_result $? "init restarted hello-b exactly once (${n}x)"
n=$(init_count "$out" '^init: started /hello-b$')
[ "$n" -eq 2 ]
tap_result $? "hello-b was started twice (${n}x)"
n=$(init_count "$out" '^hello-b: done$')
[ "$n" -eq 2 ]
tap_result $? "hello-b ran to its end twice (${n}x)"
# Tasks user space made end quietly: their maker reports them (above).
n=$(console_text "$out" | grep -cE "$(user_task_re '(ns-test|hello-a|hello-b)') exited with status")
[ "$n" -eq 0 ]
tap_result $? "the kernel does not report the normal end of tasks init made (${n} lines)"
tap_grep "init found nothing left to run" '^init: nothing left to run$' "$out"
user_not_killed "$out" init
user_exited "$out" init 0
user_finished "$out" pass
tap_finish
