# Helpers for the aarch64 boot tests (sourced after lib.sh, not run).
# shellcheck shell=bash
#
# QEMU boots an aarch64 kernel from a Linux arm64 Image (a flat binary with
# the 64-byte Image header), not from the ELF file the build links: the ELF
# path would load it at its link-time physical addresses without a device
# tree in x0.  aarch64_require_image finds or makes that Image.
#
# The kernel powers off with semihosting's SYS_EXIT when QEMU has
# semihosting on, which gives the same exit statuses as x86's
# isa-debug-exit (1 success, 3 failure: lib.sh's STATUS_PASS/STATUS_FAIL);
# without it PSCI SYSTEM_OFF ends QEMU with status 0.

# shellcheck disable=SC2034  # used by the scripts that source this file
AARCH64_SEMIHOSTING=(-semihosting-config 'enable=on,target=native')

# Sets IMAGE: the build's machv.Image when it is at least as new as the
# kernel, else one made from the kernel with llvm-objcopy in the work dir.
aarch64_require_image() {
	boot_require_kernel
	local img=$MACHV_BUILDDIR/machv.Image tool
	if [ -r "$img" ] && ! [ "$img" -ot "$MACHV_KERNEL" ]; then
		IMAGE=$img
		return 0
	fi
	for tool in "${KOBJCOPY:-}" llvm-objcopy llvm-objcopy-16 llvm-objcopy-15 llvm-objcopy-14; do
		[ -n "$tool" ] && command -v "$tool" >/dev/null 2>&1 && break
		tool=
	done
	[ -n "$tool" ] || tap_skip_all "no machv.Image and no llvm-objcopy to make one"
	IMAGE=$BOOT_WORKDIR/machv.Image
	"$tool" -O binary "$MACHV_KERNEL" "$IMAGE" ||
		tap_skip_all "llvm-objcopy could not make an Image of $MACHV_KERNEL"
	# The header's magic "ARM\x64" at offset 56: refuse anything else.
	[ "$(od -An -c -j 56 -N 3 "$IMAGE" | tr -d ' ')" = ARM ] ||
		tap_skip_all "$MACHV_KERNEL is not an aarch64 kernel (no Image header)"
}
