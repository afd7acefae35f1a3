# The file servers' boot tests (sourced by tests/boot/user-fs*.sh and
# user-ext2*.sh).
# shellcheck shell=bash
#
# guests/programs/fstest runs a file server (cpiofs's or ext2fs's code) in
# a thread of its own and checks it through the client library; the test
# script tells it on the command line what the tree holds (the specs of
# fstest.c: f:PATH:SIZE:CKSUM, d:PATH:N, n:DIR:NAME:f|d, e:PATH:noent|notdir,
# i:PATH), having made or read that tree itself.
. "$(dirname "${BASH_SOURCE[0]}")/user-lib.sh"

# Skip unless the kernel, QEMU, the initrd and the file-server programs
# are there.
fs_require() {
	user_require
	cpio -t --quiet < "$MACHV_INITRD" 2>/dev/null | grep -qx fstest ||
		tap_skip_all "fstest is not in the initrd (no MIG configured?)"
}

# fs_file_spec PATH_IN_GUEST HOST_FILE: fstest's f: spec for a file.
fs_file_spec() {
	local size sum
	size=$(wc -c < "$2") && sum=$(cksum < "$2" | cut -d' ' -f1) || return 1
	printf 'f:%s:%s:%s' "$1" "$size" "$sum"
}

# fs_boot CONSOLE CMDLINE INITRD [QEMU ARGS...]: user_boot with more QEMU
# arguments (disks).
fs_boot() {
	local out=$1 cmdline=$2 initrd=$3
	shift 3
	case $MACHV_ARCH in
	x86_64)
		boot_qemu "$out" -M microvm,acpi=off -bios "$QBOOT" -m 128 "${DEBUG_EXIT[@]}" \
			-serial "file:$out" -kernel "$MACHV_KERNEL" -initrd "$initrd" \
			-append "$cmdline" "$@" ;;
	aarch64)
		BOOT_CPU=${BOOT_CPU:-cortex-a72} boot_qemu "$out" -M virt,gic-version=3 -m 128 \
			"${AARCH64_SEMIHOSTING[@]}" -serial "file:$out" -kernel "$IMAGE" \
			-initrd "$initrd" -append "$cmdline" "$@" ;;
	riscv64)
		boot_qemu "$out" "${VIRT[@]}" -serial "file:$out" -kernel "$MACHV_KERNEL" \
			-initrd "$initrd" -append "$cmdline" "$@" ;;
	esac
	return 0
}

# fs_disks IMG...: FS_DISK_ARGS, the QEMU arguments attaching the images
# read-only as virtio-blk disks hd0, hd1... (virtio-mmio on every machine
# fs_boot uses).  Spec strings like "blkdebug:CONF:IMG" are file names
# too.  aarch64's virt finds its virtio-mmio slots in the reverse order of
# the command line (tests/boot/aarch64-virtio-blk.sh), so its list is
# reversed.
fs_disks() {
	local i=0 img order=("$@")
	if [ "$MACHV_ARCH" = aarch64 ]; then
		order=()
		for img in "$@"; do order=("$img" "${order[@]}"); done
	fi
	FS_DISK_ARGS=(-global virtio-mmio.force-legacy=false)
	for img in "${order[@]}"; do
		FS_DISK_ARGS+=(-drive "if=none,id=d$i,format=raw,readonly=on,file=$img"
			-device "virtio-blk-device,drive=d$i")
		i=$((i + 1))
	done
}

# fs_make_tree DIR: the files the ext2 tests put on their disks: a small
# text file, a file big enough for double indirect blocks with 1 KiB
# blocks (more than 12 + 256 blocks), an empty one, a sparse one (holes),
# a symbolic link and nested directories.
fs_make_tree() {
	local d=$1
	mkdir -p "$d/sub/deeper" &&
		printf 'hello from ext2\n' > "$d/hello.txt" &&
		printf 'nested\n' > "$d/sub/deeper/nested.txt" &&
		head -c 700000 /dev/urandom > "$d/big.bin" &&
		head -c 3000 /dev/urandom > "$d/sub/small.bin" &&
		: > "$d/empty" &&
		truncate -s 200000 "$d/sparse.bin" && printf 'tail' >> "$d/sparse.bin" &&
		ln -s hello.txt "$d/link"
}

# fs_mke2fs IMG DIR OPTIONS...: a 4 MiB ext2 image of DIR.
fs_mke2fs() {
	local img=$1 dir=$2
	shift 2
	rm -f "$img"
	mke2fs -q -F -t ext2 "$@" -d "$dir" "$img" 4M > "$img.log" 2>&1 || {
		tap_diag < "$img.log"
		return 1
	}
}

# fs_judge CONSOLE: fstest's own cases, one TAP line each, its summary,
# its exit status 0, and a clean end of the run.
fs_judge() {
	local out=$1 summary line
	user_relay "$out"
	user_no_crash "$out"
	while IFS= read -r line; do
		case $line in
		"not ok "*) tap_not_ok "fstest: ${line#not ok }" ;;
		"ok "*) tap_ok "fstest: ${line#ok }" ;;
		esac
	done < <(console_text "$out" | grep -E '^(not )?ok [0-9]+ - ')
	summary=$(console_text "$out" | grep -E '^fstest: [0-9]+ passed, [0-9]+ failed$' | tail -n1)
	case $summary in
	"fstest: 0 passed,"*|"") tap_not_ok "fstest printed a summary with cases run (${summary:-none})" ;;
	*" 0 failed") tap_ok "fstest: every case passed ($summary)" ;;
	*) tap_not_ok "fstest: every case passed ($summary)" ;;
	esac
	user_not_killed "$out" fstest
	user_exited "$out" fstest 0
}
