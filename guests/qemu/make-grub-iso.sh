#!/usr/bin/env bash
# make-grub-iso.sh KERNEL ISO [--cmdline=WORDS] [--module=FILE[,WORDS]]...
#
# Build a BIOS-bootable CD image with GRUB that loads KERNEL through
# Multiboot2 (the kernel's second entry point, beside PVH).  Each --module is
# copied to /boot on the image and handed over with module2, WORDS being its
# command line.  GRUB talks on COM1 as well as the screen and boots at once.
#
# Needs grub-mkrescue with the i386-pc platform (grub-pc-bin) and xorriso.  Boot the image with SeaBIOS (QEMU's default firmware; qboot cannot
# boot from a disk), e.g.:
#   qemu-system-x86_64 -M q35 -m 256 -serial stdio -cdrom machv.iso
set -euo pipefail

die() { echo "make-grub-iso: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 KERNEL ISO [--cmdline=WORDS] [--module=FILE[,WORDS]]..."
kernel=$1 iso=$2
shift 2
cmdline=
modules=()
for arg in "$@"; do
	case $arg in
		--cmdline=*) cmdline=${arg#--cmdline=} ;;
		--module=*) modules+=("${arg#--module=}") ;;
		*) die "unknown argument '$arg'" ;;
	esac
done

[ -r "$kernel" ] || die "no kernel at $kernel"
command -v grub-mkrescue >/dev/null || die "grub-mkrescue is missing (apt-get install grub-common grub-pc-bin)"
command -v xorriso >/dev/null || die "xorriso is missing (apt-get install xorriso)"
[ -d /usr/lib/grub/i386-pc ] || die "GRUB's i386-pc platform is missing (apt-get install grub-pc-bin)"

work=$(mktemp -d "${TMPDIR:-/tmp}/machv-iso.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/tree
mkdir -p "$tree/boot/grub"
cp "$kernel" "$tree/boot/machv"

{
	echo 'set timeout=0'
	echo 'serial --unit=0 --speed=115200'
	echo 'terminal_input serial console'
	echo 'terminal_output serial console'
	echo 'menuentry "machv" {'
	echo "	multiboot2 /boot/machv $cmdline"
	for m in "${modules[@]}"; do
		file=${m%%,*}
		words=
		[ "$file" != "$m" ] && words=${m#*,}
		[ -r "$file" ] || die "no module file $file"
		cp "$file" "$tree/boot/$(basename "$file")"
		echo "	module2 /boot/$(basename "$file") $words"
	done
	echo '	boot'
	echo '}'
} > "$tree/boot/grub/grub.cfg"

# Only the BIOS platform: an image that also carried EFI would need the
# EFI GRUB packages and makes no difference to QEMU's default firmware.
grub-mkrescue -d /usr/lib/grub/i386-pc -o "$iso" "$tree" >"$work/mkrescue.log" 2>&1 ||
	{ cat "$work/mkrescue.log" >&2; die "grub-mkrescue failed"; }
