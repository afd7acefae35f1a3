#!/usr/bin/env bash
# `./machv image`'s disk: scripts/make-image.sh puts GRUB, the kernel and the
# initrd on a partitioned qcow2 disk; QEMU boots it as a plain hard disk
# (q35's AHCI, SeaBIOS) with nothing but -drive.  The command line comes
# from the image's grub.cfg, the initrd is GRUB's module 0, and hello-a
# must run to its end, the kernel powering off with the success status.
. "$(dirname "$0")/user-lib.sh"

[ "$MACHV_ARCH" = x86_64 ] || tap_skip_all "the GRUB disk image is x86_64's"
user_require
boot_require_tool qemu-img grub-mkimage mformat mcopy python3
[ -r /usr/lib/grub/i386-pc/boot.img ] || tap_skip_all "GRUB's i386-pc platform is missing (grub-pc-bin)"

img=$BOOT_WORKDIR/machv.qcow2
if "$MACHV_SRCDIR/scripts/make-image.sh" "$MACHV_KERNEL" "$MACHV_INITRD" "$img" \
	--cmdline="init=/hello-a" > "$BOOT_WORKDIR/image.log" 2>&1; then
	tap_ok "make-image.sh built the disk"
else
	tap_not_ok "make-image.sh built the disk"
	tap_diag < "$BOOT_WORKDIR/image.log"
	tap_finish
fi
fmt=$(qemu-img info "$img" 2>/dev/null | sed -n 's/^file format: //p')
[ "$fmt" = qcow2 ]
tap_result $? "the disk is a qcow2 image (qemu-img says '$fmt')"
# The MBR carries GRUB's boot code and a partition table: the boot
# signature, and an active partition at sector 2048.
qemu-img dd -f qcow2 -O raw if="$img" of="$BOOT_WORKDIR/mbr" bs=512 count=1 2>/dev/null
mbr=$(od -An -tx1 -v "$BOOT_WORKDIR/mbr" 2>/dev/null | tr -d ' \n')
[ "${mbr:1020:4}" = 55aa ] && [ "${mbr:892:2}" = 80 ] && [ "${mbr:908:8}" = 00080000 ]
tap_result $? "the MBR has the boot signature and an active partition at sector 2048" ||
	tap_diag "MBR tail: ${mbr:892:140}"

# Bad input is refused before anything is written.
bad=$BOOT_WORKDIR/bad.qcow2
! "$MACHV_SRCDIR/scripts/make-image.sh" "$MACHV_KERNEL" "$MACHV_INITRD" "$bad" \
	--cmdline='init=/hello-a "quoted"' 2>/dev/null && ! [ -e "$bad" ]
tap_result $? "a command line GRUB could not quote is refused, no image written"
! "$MACHV_SRCDIR/scripts/make-image.sh" "$MACHV_KERNEL" "$BOOT_WORKDIR/none" "$bad" 2>/dev/null && ! [ -e "$bad" ]
tap_result $? "a missing initrd is refused, no image written"

out=$BOOT_WORKDIR/console
boot_qemu "$out" -M q35 -m 128 "${DEBUG_EXIT[@]}" -serial "file:$out" \
	-drive "file=$img,format=qcow2"
user_relay "$out"
user_no_crash "$out"
tap_grep "GRUB loaded the kernel through Multiboot2" '^machv .* booting via Multiboot2' "$out"
tap_grep "the command line is the image's" '^boot: Multiboot2, .* command line "init=/hello-a"$' "$out"
tap_grep "the initrd is GRUB's module 0" \
	"^boot: module 0 at 0x[0-9a-f]+, $(stat -c %s "$MACHV_INITRD") bytes, \"initrd\"$" "$out"
tap_grep "hello-a ran to its end" '^hello-a: done$' "$out"
user_exited "$out" hello-a 0
user_finished "$out" pass
tap_finish
