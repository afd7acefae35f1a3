#!/usr/bin/env bash
# Four harts, and the one that boots is hart 2: the device tree QEMU
# generates is given back to it with an OpenSBI "cold-boot-harts" choice
# (/chosen/opensbi-config), so OpenSBI starts the kernel on hart 2 and
# leaves 0, 1 and 3 stopped.  Nothing may assume hart 0: the PLIC context
# (hart 2's S-mode one), HSM's view and every self-test must agree.
. "$(dirname "$0")/riscv64-common.sh"

boot_require_kernel
boot_require_tool dtc

dtb=$BOOT_WORKDIR/virt-smp4.dtb
"$QEMU" -M "virt,dumpdtb=$dtb" -smp 4 -m 128 -cpu "$BOOT_CPU" -nodefaults \
	-no-user-config -display none > /dev/null 2>&1 || tap_skip_all "QEMU cannot dump its device tree"
dtc -q -I dtb -O dts -o "$dtb.dts" "$dtb" || tap_skip_all "dtc cannot read QEMU's device tree"
# The phandle of cpu@2, then an opensbi-config node at the end of /chosen.
ph=$(awk '/cpu@2 \{/ { c = 1 } c && /phandle = </ { gsub(/[^0-9a-fx]/, "", $3); print $3; exit }' "$dtb.dts")
[ -n "$ph" ] || tap_skip_all "no cpu@2 phandle in QEMU's device tree"
awk -v ph="$ph" '
	/^\tchosen \{/ { inchosen = 1 }
	inchosen && /^\t\};/ {
		print "\t\topensbi-config {"
		print "\t\t\tcompatible = \"opensbi,config\";"
		print "\t\t\tcold-boot-harts = <" ph ">;"
		print "\t\t};"
		inchosen = 0
	}
	{ print }' "$dtb.dts" > "$dtb.hart2.dts"
dtc -q -I dts -O dtb -o "$dtb.hart2" "$dtb.hart2.dts" || tap_skip_all "dtc cannot write the device tree"

out=$BOOT_WORKDIR/console
boot_qemu "$out" "${VIRT[@]}" -smp 4 -dtb "$dtb.hart2" -serial "file:$out" \
	-kernel "$MACHV_KERNEL" -append ktest

judge_tap "$out" --loader="Linux Image"
tap_grep "the kernel booted on hart 2" '^riscv: boot hart 2,' "$out"
tap_grep "the PLIC context is hart 2's S-mode one" '^plic: .*hart 2 S-mode context 5$' "$out"
tap_grep "HSM: the three other harts are stopped" '^# boot hart 2, 3 other hart\(s\) stopped' "$out"
tap_finish
