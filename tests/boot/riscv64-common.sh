# Shared setup of the riscv64 boot tests (sourced by tests/boot/riscv64-*.sh
# in place of lib.sh, which it sources; not a test itself).
# shellcheck shell=bash
#
# The machine is QEMU's virt with its default firmware, OpenSBI (fw_dynamic),
# which enters the kernel in S-mode at 0x80200000 with a0 = hart id and
# a1 = the device tree.  The CPU is QEMU's default for virt (rv64: Sv57-capable
# MMU, Sstc) unless a test says otherwise.
#
# Exit statuses: the kernel powers off through SBI SRST, which OpenSBI
# carries out by writing "pass" to the virt machine's test finisher, so
# QEMU exits 0; on failure the kernel first writes "fail, code 1" to the
# finisher itself and QEMU exits 1.
: "${MACHV_ARCH:=riscv64}"
. "$(dirname "$0")/lib.sh"

[ "$MACHV_ARCH" = riscv64 ] || tap_skip_all "a riscv64 test in a $MACHV_ARCH build"
STATUS_PASS=0
STATUS_FAIL=1
: "${BOOT_CPU:=rv64}"
VIRT=(-M virt -m 128)
# What an exception report's register dump looks like.
RISCV_REGS_ERE='sepc [0-9a-f]{16} <[A-Za-z_]'

# The OpenSBI firmware QEMU boots by default, as a file (to pad it).
find_opensbi() {
	local d
	for d in /usr/share/qemu $("$QEMU" -L help 2>/dev/null); do
		[ -r "$d/opensbi-riscv64-generic-fw_dynamic.bin" ] &&
			{ echo "$d/opensbi-riscv64-generic-fw_dynamic.bin"; return 0; }
	done
	return 1
}

# An objcopy that writes riscv64 ELF files out as raw binaries.
find_objcopy() {
	local t
	for t in ${KOBJCOPY:-} llvm-objcopy llvm-objcopy-19 llvm-objcopy-16 llvm-objcopy-15 \
		llvm-objcopy-14 riscv64-linux-gnu-objcopy; do
		command -v "$t" >/dev/null 2>&1 && { echo "$t"; return 0; }
	done
	return 1
}
