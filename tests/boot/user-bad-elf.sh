#!/usr/bin/env bash
# Programs that are not what the loader accepts, in an otherwise good
# archive: a text file, an ELF header with nothing after it, an ELF for
# another machine, a shared object (ET_DYN).  Each must be refused with a
# message naming it, without a crash, and the run ends with the failure
# status.  One boot each.
. "$(dirname "$0")/user-lib.sh"

user_require
boot_require_tool cpio
good=$MACHV_BUILDDIR/guests/initrd/hello-a
[ -r "$good" ] || tap_skip_all "no $good (make initrd.cpio builds it)"

dir=$BOOT_WORKDIR/files
mkdir -p "$dir"
printf 'this is not an ELF file\n%.0s' {1..100} > "$dir/notelf"
head -c 64 "$good" > "$dir/short"
cp "$good" "$dir/foreign"
printf '\x34\x12' | dd of="$dir/foreign" bs=1 seek=18 conv=notrunc status=none   # e_machine
cp "$good" "$dir/dynamic"
printf '\x03\x00' | dd of="$dir/dynamic" bs=1 seek=16 conv=notrunc status=none   # e_type ET_DYN
initrd=$BOOT_WORKDIR/bad-elf.cpio
(cd "$dir" && ls | cpio -o -H newc --quiet) > "$initrd"

for name in notelf short foreign dynamic; do
	out=$BOOT_WORKDIR/console-$name
	tap_diag "--- init=/$name"
	user_boot "$out" "init=/$name" "$initrd"
	user_relay "$out"
	tap_grep "/$name is refused with a message naming it" \
		"(cannot|refus|invalid|bad|not ).*\\b$name\\b|\\b$name\\b.*(cannot|refus|invalid|bad|not |ELF|machine|past the end|ET_)" "$out"
	user_stops_cleanly "$out"
done
tap_finish
