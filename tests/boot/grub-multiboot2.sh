#!/usr/bin/env bash
# The Multiboot2 entry: a GRUB CD image (guests/qemu/make-grub-iso.sh) on
# q35 with SeaBIOS, QEMU's default firmware (qboot cannot boot a CD).  GRUB
# loads the kernel with "ktest" and one module, which the kernel must list.
. "$(dirname "$0")/lib.sh"

boot_require_kernel
boot_require_tool grub-mkrescue xorriso
[ -d /usr/lib/grub/i386-pc ] || tap_skip_all "GRUB's i386-pc platform is missing (grub-pc-bin)"

iso=$BOOT_WORKDIR/machv.iso
module=$BOOT_WORKDIR/initrd.cpio
printf 'machv boot test module\n' > "$module"
size=$(wc -c < "$module")
if ! "$MACHV_SRCDIR/guests/qemu/make-grub-iso.sh" "$MACHV_KERNEL" "$iso" \
	--cmdline=ktest "--module=$module,initrd" > "$BOOT_WORKDIR/iso.log" 2>&1; then
	tap_not_ok "GRUB image built"
	tap_diag < "$BOOT_WORKDIR/iso.log"
	tap_finish
fi
tap_ok "GRUB image built ($(($(wc -c < "$iso") / 1024)) KiB)"

out=$BOOT_WORKDIR/console
boot_qemu "$out" -M q35 -m 128 "${DEBUG_EXIT[@]}" -serial "file:$out" -cdrom "$iso"

judge_tap "$out" --loader=Multiboot2
tap_grep "GRUB's module is module 0 ($size bytes, \"initrd\")" \
	"^boot: module 0 at 0x[0-9a-f]+, $size bytes, \"initrd\"" "$out"
tap_finish
