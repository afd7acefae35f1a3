#!/bin/sh
# Regenerate the device trees the host tests read (tests/unit/test_dt.c).
#
# Each .dtb is what QEMU's `virt` machine hands a kernel, dumped with
# -machine dumpdtb=FILE; synthetic.dtb is compiled by dtc from synthetic.dts
# and covers what QEMU never emits (memory reservations, non-identity
# ranges, interrupts-extended through aliases, 32-bit initrd cells...).
#
# QEMU builds the arm tree in a 1 MiB buffer and dumps all of it; pack()
# shrinks totalsize to the end of the strings block so the committed files
# stay small.  The bytes of the tree itself are QEMU's, untouched.
#
# Usage: tests/unit/dtb/regen.sh   (needs qemu-system-aarch64,
# qemu-system-riscv64 and dtc; rng-seed/kaslr-seed differ on every run)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# A kernel and an initrd only so that QEMU fills /chosen; their contents
# are never run.
head -c 4096 /dev/zero > "$tmp/kernel"
head -c 100000 /dev/zero > "$tmp/initrd"
boot="-kernel $tmp/kernel -initrd $tmp/initrd -append console=x\ ktest"

be32() {  # be32 FILE OFFSET
	v=$(od -An -tx1 -j "$2" -N4 "$1" | tr -d ' \n')
	echo $((0x$v))
}

pack() {  # pack FILE: totalsize := end of the last block
	f=$1
	st=$(( $(be32 "$f" 8) + $(be32 "$f" 36) ))
	str=$(( $(be32 "$f" 12) + $(be32 "$f" 32) ))
	end=$(( st > str ? st : str ))
	# POSIX printf knows octal escapes only.
	for shift in 24 16 8 0; do
		printf "\\$(printf '%03o' $(( (end >> shift) & 255 )))"
	done | dd of="$f" bs=1 seek=4 conv=notrunc status=none
	truncate -s "$end" "$f"
}

dump() {  # dump NAME QEMU MACHINE-OPTIONS [QEMU ARGS...]
	name=$1 qemu=$2 machine=$3
	shift 3
	# eval: $boot carries an escaped space inside -append's argument.
	eval "$qemu -M $machine,dumpdtb=$tmp/$name.dtb -m 128 -display none \
		-serial none -monitor none $*" > "$tmp/log" 2>&1 || {
		echo "regen: $name: QEMU refused it, skipped:" >&2
		cat "$tmp/log" >&2
		return 0
	}
	pack "$tmp/$name.dtb"
	cp "$tmp/$name.dtb" "$here/$name.dtb"
	echo "regen: $name.dtb ($(wc -c < "$here/$name.dtb") bytes)"
}

A=qemu-system-aarch64
R=qemu-system-riscv64
a72="-cpu cortex-a72"

dump aarch64-virt-gicv3  $A virt,gic-version=3 "$a72"
dump aarch64-virt-gicv2  $A virt,gic-version=2 "$a72"
dump aarch64-virt-el2    $A virt,virtualization=on,gic-version=3 "$a72"
dump aarch64-virt-secure $A virt,secure=on "$a72"
dump aarch64-virt-smp4   $A virt,gic-version=3 "$a72 -smp 4"
dump aarch64-virt-boot   $A virt,gic-version=3 "$a72 $boot -device virtio-serial-device"
dump riscv64-virt        $R virt ""
dump riscv64-virt-aia-smp4 $R virt,aia=aplic-imsic "-smp 4"
dump riscv64-virt-smp4-boot $R virt "-smp 4 $boot -device virtio-serial-device"

dtc -q -I dts -O dtb -o "$here/synthetic.dtb" "$here/synthetic.dts"
echo "regen: synthetic.dtb ($(wc -c < "$here/synthetic.dtb") bytes)"
