#!/usr/bin/env bash
# The initrd's file server (cpiofs's code, guests/lib/mach/cpio_read.c)
# over a real port: fstest serves rd0 in a thread and checks the protocol's
# errors, a program of the initrd read whole and in pieces (its size and
# cksum from the archive itself), and the root's listing.  The initrd is
# the build's with a second archive concatenated: a directory it lists
# (etc), two it only implies (a, a/b), a small text file and a bigger one.
# cpiofs itself runs too: without a bootstrap port it reads rd0, says it
# has nobody to serve and exits 0.
. "$(dirname "$0")/user-fs-lib.sh"

fs_require
boot_require_tool cpio cksum head

tree=$BOOT_WORKDIR/tree
initrd=$BOOT_WORKDIR/initrd.cpio
mkdir -p "$tree/etc" "$tree/a/b" || tap_skip_all "cannot make files in $BOOT_WORKDIR"
printf 'machv: the initrd served by cpiofs\n' > "$tree/etc/motd"
head -c 20000 /dev/urandom > "$tree/a/b/data.bin"
if ! { cat "$MACHV_INITRD" &&
	(cd "$tree" && printf 'etc\netc/motd\na/b/data.bin\n' | cpio -o -H newc --quiet); } > "$initrd"; then
	tap_skip_all "cannot make an initrd in $BOOT_WORKDIR"
fi
top=$(($(cpio -t --quiet < "$MACHV_INITRD" | grep -vc /) + 2))
hello=$BOOT_WORKDIR/hello-a
(cd "$BOOT_WORKDIR" && cpio -i --quiet hello-a < "$MACHV_INITRD")

specs="$(fs_file_spec /hello-a "$hello") $(fs_file_spec /etc/motd "$tree/etc/motd")"
specs+=" $(fs_file_spec /a/b/data.bin "$tree/a/b/data.bin")"
specs+=" d:/:$top d:/etc:1 d:/a:1 d:/a/b:1 n:/:hello-a:f n:/:etc:d n:/:a:d n:/a:b:d"
specs+=" n:/a/b:data.bin:f e:/nope:noent e:/etc/nope:noent e:/hello-a/x:notdir"
specs+=" e:/etc/motd/x:notdir"

out=$BOOT_WORKDIR/console
fs_boot "$out" "init=/fstest,/cpiofs -- cpio $specs" "$initrd"
fs_judge "$out"
tap_grep "cpiofs read rd0 and found nobody to serve" \
	'^cpiofs: rd0 read \([0-9]+ bytes\); no bootstrap port, so nobody to serve$' "$out"
user_exited "$out" cpiofs 0
user_finished "$out" pass
tap_finish
