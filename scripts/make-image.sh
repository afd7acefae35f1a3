#!/usr/bin/env bash
# make-image.sh KERNEL INITRD OUT [--cmdline=WORDS] [--format=qcow2|raw] [--size=MIB]
#
# Make a BIOS-bootable x86_64 hard-disk image of machv: an MBR partition
# table with one FAT partition holding GRUB's configuration and modules, the
# kernel (/boot/machv) and the initrd (/boot/initrd.cpio), and GRUB itself in
# the MBR and the gap before the partition, as `grub-install --target=i386-pc`
# would put it.  GRUB loads the kernel through Multiboot2 with WORDS as its
# command line and the initrd as module 0, on COM1 as well as the screen.
# Boot it with SeaBIOS (QEMU's default firmware), e.g.
#   qemu-system-x86_64 -M q35 -m 256 -serial stdio -drive file=OUT,format=qcow2
#
# Everything is done on a plain file, as an ordinary user: no loop device,
# no mount, no grub-install (which wants a block device).  The pieces:
#   - the partition table: written here (python3);
#   - the FAT file system: mtools at the partition's offset (img@@1M);
#   - GRUB: grub-mkimage -O i386-pc makes core.img, which starts with
#     diskboot.img and already carries the length of the rest; its default
#     block list says "the rest follows at sector 2", and boot.img's default
#     says "diskboot is at sector 1", so core.img goes to sector 1 and the
#     first 440 bytes of boot.img become the MBR's code, nothing patched.
# Then qemu-img converts the raw disk to qcow2 (unless --format=raw).
set -euo pipefail

die() { echo "make-image: $*" >&2; exit 1; }

[ $# -ge 3 ] || die "usage: $0 KERNEL INITRD OUT [--cmdline=WORDS] [--format=qcow2|raw] [--size=MIB]"
kernel=$1 initrd=$2 out=$3
shift 3
cmdline='' format=qcow2 size=''
for arg in "$@"; do
	case $arg in
		--cmdline=*) cmdline=${arg#--cmdline=} ;;
		--format=*) format=${arg#--format=} ;;
		--size=*) size=${arg#--size=} ;;
		*) die "unknown argument '$arg'" ;;
	esac
done
case $format in qcow2 | raw) ;; *) die "--format is qcow2 or raw" ;; esac
[ -z "$size" ] || [[ $size =~ ^[1-9][0-9]*$ ]] || die "--size wants a number of MiB"
[ -r "$kernel" ] || die "no kernel at $kernel"
[ -r "$initrd" ] || die "no initrd at $initrd"
# shellcheck disable=SC1003  # '\' is a backslash
case $cmdline in *$'\n'* | *'"'* | *'\'*) die "the command line may not hold newlines, '\"' or '\\'" ;; esac

grubdir=/usr/lib/grub/i386-pc
[ -r "$grubdir/boot.img" ] || die "GRUB's i386-pc platform is missing (apt-get install grub-pc-bin)"
for t in grub-mkimage mformat mmd mcopy python3; do
	command -v "$t" >/dev/null || die "$t is missing (scripts/setup-debian.sh installs it)"
done
[ "$format" = raw ] || command -v qemu-img >/dev/null || die "qemu-img is missing (apt-get install qemu-utils)"

work=$(mktemp -d "${TMPDIR:-/tmp}/machv-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
raw=$work/disk.raw

# The partition starts at 1 MiB (sector 2048), the usual alignment, which
# leaves GRUB's core.img 1 MiB less a sector.  The disk is the files, GRUB's
# modules and some room, at least 32 MiB (a comfortable FAT16).
part_lba=2048
need=$(( ($(stat -c %s "$kernel") + $(stat -c %s "$initrd")) / 1048576 + 8 ))
[ "$need" -ge 32 ] || need=32
[ -n "$size" ] || size=$need
[ "$size" -ge "$need" ] || die "--size=$size is too small: at least $need MiB"
truncate -s "${size}M" "$raw"
sectors=$((size * 2048 - part_lba))

# The MBR: one active partition of type 0x0e (FAT16, LBA addressing) over
# the rest of the disk; CHS fields say "use LBA" (0xfe 0xff 0xff).
python3 - "$raw" "$part_lba" "$sectors" <<'EOF'
import struct, sys
path, start, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
entry = struct.pack('<B3sB3sII', 0x80, b'\xfe\xff\xff', 0x0e, b'\xfe\xff\xff', start, count)
with open(path, 'r+b') as f:
    f.seek(446)
    f.write(entry + bytes(48) + b'\x55\xaa')
EOF

# The file system, its geometry matching the partition (-H: the sectors
# before it, which the boot sector records).
export MTOOLS_SKIP_CHECK=1
fat=$raw@@$((part_lba * 512))
mformat -i "$fat" -T "$sectors" -h 64 -s 32 -H "$part_lba" -v MACHV :: ||
	die "mformat failed"
mmd -i "$fat" ::/boot ::/boot/grub ::/boot/grub/i386-pc
mcopy -i "$fat" "$kernel" ::/boot/machv
mcopy -i "$fat" "$initrd" ::/boot/initrd.cpio
# All of GRUB's modules, so that whatever grub.cfg uses (or a user adds at
# GRUB's prompt) loads from the disk.
mcopy -i "$fat" "$grubdir"/*.mod "$grubdir"/*.lst ::/boot/grub/i386-pc/

{
	echo 'set timeout=0'
	echo 'serial --unit=0 --speed=115200'
	echo 'terminal_input serial console'
	echo 'terminal_output serial console'
	echo 'menuentry "machv" {'
	echo "	multiboot2 /boot/machv $cmdline"
	echo '	module2 /boot/initrd.cpio initrd'
	echo '	boot'
	echo '}'
} > "$work/grub.cfg"
mcopy -i "$fat" "$work/grub.cfg" ::/boot/grub/grub.cfg

# core.img: what it needs to reach grub.cfg (the BIOS disk, the partition
# table, FAT) and to run it; the prefix names the partition, so no UUID
# search is needed.
grub-mkimage -O i386-pc -d "$grubdir" -o "$work/core.img" -p '(hd0,msdos1)/boot/grub' \
	biosdisk part_msdos fat normal multiboot2 serial terminal configfile ||
	die "grub-mkimage failed"
core_sectors=$(( ($(stat -c %s "$work/core.img") + 511) / 512 ))
[ "$core_sectors" -lt "$part_lba" ] || die "core.img ($core_sectors sectors) does not fit before the partition"
dd if="$work/core.img" of="$raw" bs=512 seek=1 conv=notrunc status=none
# boot.img's code and data, up to the disk signature at 440 (the partition
# table after it stays ours).
dd if="$grubdir/boot.img" of="$raw" bs=440 count=1 conv=notrunc status=none

if [ "$format" = raw ]; then
	mv "$raw" "$out"
else
	if ! qemu-img convert -f raw -O qcow2 "$raw" "$out.tmp"; then
		rm -f "$out.tmp"
		die "qemu-img convert failed"
	fi
	mv "$out.tmp" "$out"
fi
echo "make-image: $out ($format, $size MiB disk; GRUB on the MBR, kernel and initrd on FAT partition 1)"
