#!/usr/bin/env bash
# Program arguments: the words after a lone `--` on the command line are
# argv[1..] of the first program; the initial stack has GNU Mach's layout
# (argc, argv, NULL, envp, NULL, strings; sp 16-byte aligned), which the
# args program checks from the inside.
. "$(dirname "$0")/user-lib.sh"

user_require
out=$BOOT_WORKDIR/console
user_boot "$out" "init=/args -- one two-2 3"
user_relay "$out"
user_no_crash "$out"
tap_grep "argc is 4" '^args: argc=4 initial sp 0x[0-9a-f]+$' "$out"
tap_grep "argv[0] names the program" '^args: argv\[0\]="(/|\./)?args"$' "$out"
tap_grep "argv[1] is \"one\"" '^args: argv\[1\]="one"$' "$out"
tap_grep "argv[2] is \"two-2\"" '^args: argv\[2\]="two-2"$' "$out"
tap_grep "argv[3] is \"3\"" '^args: argv\[3\]="3"$' "$out"
tap_grep "the initial stack layout is right (checked by args)" '^args: layout ok$' "$out"
tap_grep "envp[0] names the privileged host port" '^args: envp\[0\]="MACHV_HOST_PORT=[1-9][0-9]*"$' "$out"
tap_grep "envp[1] names the device master" '^args: envp\[1\]="MACHV_DEVICE_PORT=[1-9][0-9]*"$' "$out"
tap_grep "nothing else in the environment" '^args: 2 environment strings$' "$out"
user_exited "$out" args 0
user_finished "$out" pass
tap_finish
