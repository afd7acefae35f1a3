#!/usr/bin/env bash
# init's configuration file: with no words after `--`, init reads /etc/rc
# from the initrd - here a second archive concatenated to the build's
# initrd.cpio, so init's cpio reader must cross the first TRAILER!!!.
# Comments and blank lines are skipped, a line's words become argv (args
# prints them, and the environment init passes on: its own, whose port
# names stay valid in the child), and /spawn-test in its child role tells
# init its status (7) with the exit message.
. "$(dirname "$0")/user-init-lib.sh"

init_require init args spawn-test
boot_require_tool cpio
rcdir=$BOOT_WORKDIR/rc
mkdir -p "$rcdir/etc"
cat > "$rcdir/etc/rc" <<'RC'
# init's programs for tests/boot/user-init-rc.sh

/args first second	# a comment after the words
   /spawn-test child
RC
initrd=$BOOT_WORKDIR/initrd-rc.cpio
{ cat "$MACHV_INITRD"; (cd "$rcdir" && printf 'etc\netc/rc\n' | cpio -o -H newc --quiet); } > "$initrd"

out=$BOOT_WORKDIR/console
user_boot "$out" "init=/init" "$initrd"
user_relay "$out"
user_no_crash "$out"
tap_grep "init started /args" '^init: started /args$' "$out"
tap_grep "init started /spawn-test" '^init: started /spawn-test$' "$out"
n=$(init_count "$out" '^init: (started|cannot start) ')
[ "$n" -eq 2 ]
tap_result $? "nothing else was started: comments and blank lines skipped (${n} starts)"
tap_grep "args got argc 3" '^args: argc=3 initial sp 0x[0-9a-f]+$' "$out"
tap_grep "args got \"first\"" '^args: argv\[1\]="first"$' "$out"
tap_grep "args got \"second\"" '^args: argv\[2\]="second"$' "$out"
tap_grep "args got init's environment: MACHV_HOST_PORT" '^args: envp\[[0-9]+\]="MACHV_HOST_PORT=[0-9]+"$' "$out"
tap_grep "and MACHV_DEVICE_PORT" '^args: envp\[[0-9]+\]="MACHV_DEVICE_PORT=[0-9]+"$' "$out"
tap_grep "args found its initial stack right" '^args: layout ok$' "$out"
tap_grep "init saw args end without a status" '^init: /args ended without a status$' "$out"
tap_grep "init learned the status spawn-test sent" '^init: /spawn-test ended with status 7$' "$out"
tap_grep "init found nothing left to run" '^init: nothing left to run$' "$out"
user_exited "$out" init 0
user_finished "$out" pass
tap_finish
