#!/usr/bin/env bash
# A GNU Mach program, unmodified (guests/gnumach: GNU Mach's headers, MIG's
# user stubs, GNU Mach's own syscall stubs from <mach/syscall_sw.h>, a run
# time of its own), started the way GNU Mach starts a boot module: GRUB
# loads it as a Multiboot2 module with the command line
#   gnumach-test '${host-port}' '${device-port}' '$(task-create)' '$(task-resume)'
# and the kernel makes it a task with the host and device master ports'
# names as argv[1] and argv[2].  Every check it prints must pass and it
# must end by terminating its own task.  x86_64 only (GNU Mach's ABI).
. "$(dirname "$0")/user-lib.sh"

[ "$MACHV_ARCH" = x86_64 ] || tap_skip_all "GNU Mach programs are x86_64's"
user_require
boot_require_tool grub-mkrescue xorriso
[ -d /usr/lib/grub/i386-pc ] || tap_skip_all "GRUB's i386-pc platform is missing (grub-pc-bin)"
prog=$MACHV_BUILDDIR/guests/initrd/gnumach-test
[ -r "$prog" ] || tap_skip_all "no $prog (built where MIG is configured)"

iso=$BOOT_WORKDIR/machv.iso
# shellcheck disable=SC2016  # the ${...} and $(...) are GNU Mach's, for the kernel
if ! "$MACHV_SRCDIR/guests/qemu/make-grub-iso.sh" "$MACHV_KERNEL" "$iso" \
	--cmdline=init=/hello-a "--module=$MACHV_INITRD,initrd" \
	"--module=$prog,gnumach-test '\${host-port}' '\${device-port}' '\$(task-create)' '\$(task-resume)'" \
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
tap_grep "the module was started as a task" '^bootstrap: start(ed|ing) module [0-9]+ \(gnumach-test\)' "$out"
tap_grep "it got its two port arguments" '^gnumach-test: start, 3 arguments$' "$out"
while IFS= read -r line; do
	case $line in
	"gnumach-test: ok - "*) tap_ok "gnumach-test: ${line#gnumach-test: ok - }" ;;
	"gnumach-test: FAIL - "*) tap_not_ok "gnumach-test: ${line#gnumach-test: FAIL - }" ;;
	esac
done < <(console_text "$out" | grep -E '^gnumach-test: (ok|FAIL) - ')
tap_grep "every check passed" '^gnumach-test: [1-9][0-9]* passed, 0 failed$' "$out"
tap_grep "device_write_inband reached the console" '^gnumach-test: written with device_write_inband$' "$out"
user_exited "$out" gnumach-test 0
user_exited "$out" hello-a 0
user_finished "$out" pass
tap_finish
