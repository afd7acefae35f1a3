#!/usr/bin/env bash
# GNU Mach's boot-module conventions, end to end (x86_64: GRUB's module2
# is the way to hand over several modules).  GRUB loads the kernel with
# `init=/hello-a`, the initrd, and two boot-script modules as GNU's
# grub.cfg would write them:
#   args 'host=${host-port}' 'device=${device-port}' 'task=${hb}' '$(task-create)' '$(task-resume)'
#   hello-b '$(hb=task-create)'
# The first must start as its own task with the variables substituted by
# names of real send rights in its space (host-priv, device master and
# hello-b's task port, named by the later line's $(hb=task-create): three
# different valid names); the second, created but never resumed, must stay
# suspended, never running, with a message; hello-a runs from the initrd
# as usual.
. "$(dirname "$0")/user-lib.sh"

[ "$MACHV_ARCH" = x86_64 ] || tap_skip_all "GRUB module2 boot is x86_64's"
user_require
boot_require_tool grub-mkrescue xorriso
[ -d /usr/lib/grub/i386-pc ] || tap_skip_all "GRUB's i386-pc platform is missing (grub-pc-bin)"
bins=$MACHV_BUILDDIR/guests/initrd
[ -r "$bins/args" ] || tap_skip_all "no $bins/args (make initrd.cpio builds it)"

iso=$BOOT_WORKDIR/machv.iso
# shellcheck disable=SC2016  # the ${...} and $(...) are GNU Mach's, for the kernel
if ! "$MACHV_SRCDIR/guests/qemu/make-grub-iso.sh" "$MACHV_KERNEL" "$iso" \
	--cmdline=init=/hello-a "--module=$MACHV_INITRD,initrd" \
	"--module=$bins/args,args 'host=\${host-port}' 'device=\${device-port}' 'task=\${hb}' '\$(task-create)' '\$(task-resume)'" \
	"--module=$bins/hello-b,hello-b '\$(hb=task-create)'" \
	> "$BOOT_WORKDIR/iso.log" 2>&1; then
	tap_not_ok "GRUB image built"
	tap_diag < "$BOOT_WORKDIR/iso.log"
	tap_finish
fi
tap_ok "GRUB image built"

out=$BOOT_WORKDIR/console
boot_qemu "$out" -M q35 -m 128 "${DEBUG_EXIT[@]}" -serial "file:$out" -cdrom "$iso"
user_relay "$out"
user_no_crash "$out"
tap_grep "the args module was started as a task" '^bootstrap: start(ed|ing) module [0-9]+ \(args\)' "$out"
tap_grep "its argv[0] is the module's first word" '^args: argv\[0\]="args"$' "$out"
tap_grep "\${host-port} became a port name" '^args: argv\[1\]="host=[1-9][0-9]*"$' "$out"
tap_grep "\${device-port} became a port name" '^args: argv\[2\]="device=[1-9][0-9]*"$' "$out"
host=$(console_text "$out" | sed -n 's/^args: argv\[1\]="host=\([0-9]*\)"$/\1/p')
device=$(console_text "$out" | sed -n 's/^args: argv\[2\]="device=\([0-9]*\)"$/\1/p')
task=$(console_text "$out" | sed -n 's/^args: argv\[3\]="task=\([1-9][0-9]*\)"$/\1/p')
if [ -n "$host" ] && [ -n "$device" ] && [ -n "$task" ] && [ "$host" != "$device" ] &&
	[ "$task" != "$host" ] && [ "$task" != "$device" ]; then
	tap_ok "host-priv, device master and \${hb} are three different names ($host, $device, $task)"
else
	tap_not_ok "host-priv, device master and \${hb} are three different names ('$host', '$device', '$task')"
fi
tap_grep "the \$(...) words are not arguments" '^args: argc=4 ' "$out"
tap_grep "its initial stack is right" '^args: layout ok$' "$out"
user_exited "$out" args 0
tap_grep "the module without \$(task-resume) was left suspended" \
	'^bootstrap: module [0-9]+ \(hello-b\) has no \$\(task-resume\): left suspended' "$out"
if console_text "$out" | grep -q '^hello-b: '; then
	tap_not_ok "hello-b (not resumed) did not run"
else
	tap_ok "hello-b (not resumed) did not run"
fi
tap_grep "hello-a ran from the initrd" '^hello-a: done$' "$out"
user_exited "$out" hello-a 0
user_finished "$out" pass
tap_finish
