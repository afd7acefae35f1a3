#!/usr/bin/env bash
# Concatenated archives, as boot loaders and initramfs tools make them: one
# newc archive holding hello-a, then one holding hello-b (each with its own
# TRAILER!!! and padding).  Both programs must be found and run.
. "$(dirname "$0")/user-lib.sh"

user_require
boot_require_tool cpio
bins=$MACHV_BUILDDIR/guests/initrd
[ -r "$bins/hello-a" ] && [ -r "$bins/hello-b" ] ||
	tap_skip_all "no $bins/hello-a and hello-b (make initrd.cpio builds them)"
initrd=$BOOT_WORKDIR/concat.cpio
(cd "$bins" && echo hello-a | cpio -o -H newc --quiet && echo hello-b | cpio -o -H newc --quiet) > "$initrd"

out=$BOOT_WORKDIR/console
user_boot "$out" "init=/hello-a,/hello-b" "$initrd"
user_relay "$out"
user_no_crash "$out"
tap_grep "hello-a (first archive) ran" '^hello-a: done$' "$out"
tap_grep "hello-b (second archive) ran" '^hello-b: done$' "$out"
user_exited "$out" hello-a 0
user_exited "$out" hello-b 0
user_finished "$out" pass
tap_finish
