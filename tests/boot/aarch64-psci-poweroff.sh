#!/usr/bin/env bash
# Power-off through PSCI alone (no semihosting): "poweroff" on the command
# line must end QEMU by itself with status 0, once through the hvc conduit
# (entered at EL1) and once through smc (entered at EL2, virtualization=on).
: "${BOOT_TIMEOUT:=30}"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aarch64-lib.sh"

aarch64_require_image

for variant in "virt,gic-version=3 hvc" "virt,virtualization=on,gic-version=3 smc"; do
	machine=${variant% *} conduit=${variant#* }
	out=$BOOT_WORKDIR/console-$conduit
	BOOT_CPU=cortex-a72 boot_qemu "$out" -M "$machine" -m 128 \
		-serial "file:$out" -kernel "$IMAGE" -append poweroff
	console_text "$out" | tap_diag
	tap_grep "PSCI through $conduit" "^smccc: version [0-9.]+ via $conduit, " "$out"
	tap_grep "poweroff requested ($conduit)" '^machv: poweroff requested$' "$out"
	boot_finished "$out"
	[ "$BOOT_TIMED_OUT" -eq 0 ] && [ "$BOOT_STATUS" -eq 0 ]
	tap_result $? "PSCI SYSTEM_OFF through $conduit ends QEMU with status 0 (got $BOOT_STATUS)"
done
tap_finish
