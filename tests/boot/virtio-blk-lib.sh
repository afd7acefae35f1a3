# Helpers for the virtio-blk boot tests (sourced after lib.sh, not run).
# shellcheck shell=bash
#
# Each test makes small raw images in its work directory, attaches them
# with -drive/-device and boots the kernel with
#     ktest=<the virtio_blk tests> ktest_virtio_blk=hd0:SECTORS:MODE,...
# telling tests/ktest/kt_virtio_blk.c what it should find (MODE: rw, ro,
# or ioerr for a disk whose reads QEMU's blkdebug fails with EIO).

# The kernel tests these boots run (only these: the rest of the self-tests
# have boot tests of their own).
# shellcheck disable=SC2034  # used by the scripts that source this file
BLK_KTESTS=virtio_blk_disks,virtio_blk_read,virtio_blk_write,virtio_blk_device_server,virtio_blk_parallel,virtio_blk_ioerr,virtio_blk_resize

# blk_make_image PATH SECTORS: a raw image of SECTORS 512-byte sectors,
# zero but for the tags kt_virtio_blk.c looks for in the first and the
# last sector.
blk_make_image() {
	local img=$1 sectors=$2
	rm -f "$img"
	if ! { truncate -s $((sectors * 512)) "$img" &&
		printf 'MACHV-BLK-FIRST\n' | dd of="$img" conv=notrunc status=none &&
		printf 'MACHV-BLK-LAST\n' | dd of="$img" bs=512 seek=$((sectors - 1)) conv=notrunc status=none; }; then
		tap_skip_all "cannot make a disk image in $BOOT_WORKDIR"
	fi
}

# blk_ioerr_conf PATH: a blkdebug configuration failing every read with
# EIO (and nothing else: iotype keeps writes working).
blk_ioerr_conf() {
	printf '[inject-error]\nevent = "read_aio"\niotype = "read"\nerrno = "5"\n' > "$1"
}

# blk_check_written IMG SECTORS: sector SECTORS/2 - 3 of a writable disk
# starts with what the kernel's virtio_blk_write test wrote there (its page
# pattern, k * 13 + 5): proof that the writes reached the image file.
blk_check_written() {
	local img=$1 sectors=$2 got
	got=$(od -An -tx1 -j $(((sectors / 2 - 3) * 512)) -N 4 "$img" | tr -d ' \n')
	[ "$got" = 05121f2c ]
	tap_result $? "the kernel's writes reached $(basename "$img")" ||
		tap_diag "sector $((sectors / 2 - 3)) starts with $got"
}

# blk_check_untouched IMG SECTORS: where the kernel writes on a writable
# disk, the read-only image still holds zeroes.
blk_check_untouched() {
	local img=$1 sectors=$2
	[ "$(od -An -tx1 -j $(((sectors / 2 - 3) * 512)) -N 4 "$img" | tr -d ' \n')" = 00000000 ]
	tap_result $? "nothing was written to $(basename "$img")"
}

# blk_judge CONSOLE_FILE LOADER NDISKS: the kernel's TAP, and the driver's
# messages for NDISKS disks.
blk_judge() {
	local out=$1 n
	judge_tap "$out" --loader="$2"
	n=$(console_text "$out" | grep -Ec '^virtio-blk: .*: hd[0-9]+, [0-9]+ sectors')
	[ "$n" -eq "$3" ]
	tap_result $? "the driver registered $3 disk(s) (found $n)"
	tap_grep "the kernel ran the virtio-blk read test" \
		'^ok [0-9]+ - virtio_blk_read( \([0-9]+ us\))?$' "$out"
}
