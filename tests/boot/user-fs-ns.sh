#!/usr/bin/env bash
# The file servers as they are meant to run: `init=/init -- /cpiofs /ext2fs
# /fstest,ns,...`.  init starts them with its name service as their
# bootstrap port; cpiofs registers rd0 as "fs/", ext2fs the disk hd0 (an
# ext2 image the script makes) as "fs/disk"; fstest waits for both names,
# then reads files of both through the client library alone (its mount
# table filled from the name service: "/" and "/disk"), and powers the
# machine off with host_reboot (the servers never end, so init would not).
. "$(dirname "$0")/user-fs-lib.sh"

fs_require
for p in init cpiofs ext2fs; do
	cpio -t --quiet < "$MACHV_INITRD" 2>/dev/null | grep -qx "$p" ||
		tap_skip_all "$p is not in the initrd"
done
boot_require_tool mke2fs cksum head truncate cpio

tree=$BOOT_WORKDIR/tree
img=$BOOT_WORKDIR/hd0.img
fs_make_tree "$tree" || tap_skip_all "cannot make files in $BOOT_WORKDIR"
fs_mke2fs "$img" "$tree" -b 1024 || tap_skip_all "mke2fs cannot make ext2 images here"
hello=$BOOT_WORKDIR/hello-a
(cd "$BOOT_WORKDIR" && cpio -i --quiet hello-a < "$MACHV_INITRD")

specs="$(fs_file_spec /hello-a "$hello"),$(fs_file_spec /disk/big.bin "$tree/big.bin")"
specs+=",$(fs_file_spec /disk/sub/deeper/nested.txt "$tree/sub/deeper/nested.txt")"
specs+=",d:/disk:7,n:/:hello-a:f,e:/disk/nope:noent,e:/nope:noent"

out=$BOOT_WORKDIR/console
fs_disks "$img"
fs_boot "$out" "init=/init -- /cpiofs /ext2fs /fstest,ns,$specs" "$MACHV_INITRD" \
	"${FS_DISK_ARGS[@]}"
user_relay "$out"
user_no_crash "$out"
tap_grep "cpiofs registered as fs/" '^cpiofs: serving rd0 \([0-9]+ bytes\) as fs/$' "$out"
tap_grep "ext2fs registered as fs/disk" \
	'^ext2fs: serving hd0 \(ext2, 4096 blocks of 1024 bytes\) as fs/disk$' "$out"
while IFS= read -r line; do
	case $line in
	"not ok "*) tap_not_ok "fstest: ${line#not ok }" ;;
	"ok "*) tap_ok "fstest: ${line#ok }" ;;
	esac
done < <(console_text "$out" | grep -E '^(not )?ok [0-9]+ - ')
tap_grep "fstest: every case passed" '^fstest: [1-9][0-9]* passed, 0 failed$' "$out"
tap_grep "fstest powered the machine off" '^machv: host_reboot\(0x8\)' "$out"
boot_finished "$out" || true
[ "$BOOT_TIMED_OUT" -eq 0 ] && [ "$BOOT_STATUS" -eq "$STATUS_PASS" ]
tap_result $? "QEMU's exit status is the success status ($BOOT_STATUS, want $STATUS_PASS)"
tap_finish
