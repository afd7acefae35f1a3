#!/bin/sh
# Check the MIG stubs generated from GNU Mach's interface definitions
# (src/ipc/mig.am), so that a broken mig or gnumach-dev setup fails here and
# not deep inside the kernel build.  TAP output.
#
#   tests/unit/test_mig_stubs.sh [BUILDDIR]     (make check sets MACHV_BUILDDIR)
#
# For every routine machv serves, the server stub's routine table must send
# the routine's message id to its own stub function (_Xroutine); a few ids
# are pinned to GNU Mach's ABI values; the kernel stubs must be the
# KERNEL_SERVER/KERNEL_USER flavour and the user stubs must not; and the
# user-side stubs must compile with the host compiler against GNU Mach's
# headers.  (The kernel-side stubs compile only against the kernel's own
# headers, which declare the server routines and port conversions: the
# kernel build checks them.)
set -u

builddir=${1:-${MACHV_BUILDDIR:-.}}
mig=$builddir/mig
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
check() { desc=$1; shift; if "$@" >/dev/null 2>&1; then ok "$desc"; else not_ok "$desc"; fi; }

MIG=
MACH_INCLUDE_DIR=
HOST_CC=cc
# shellcheck source=/dev/null
[ -r "$mig/config.sh" ] && . "$mig/config.sh"
if [ -z "$MIG" ] || [ ! -x "$MIG" ] || [ ! -f "$MACH_INCLUDE_DIR/mach/mach.defs" ]; then
	echo "1..1"
	echo "not ok 1 - mig and gnumach-dev configured (run scripts/fetch-mach-tools.sh build/tools, then configure; MIG='$MIG')"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The routine table of a server stub, one entry per line, index = line - 1.
routine_table() {
	sed -n '/_server_routines\[\] = {/,/^};/p' "$1" | sed '1d;$d' |
		tr -d ' \t,' | grep -v '^$'
}

# server_routine SIDE IFACE ROUTINE: the table entry for ROUTINE's request id
# is _XROUTINE.
server_routine() {
	side=$1 iface=$2 routine=$3
	stub=$mig/$side/${iface}Server.c
	ids=$mig/$side/$iface.server.msgids
	base=$(awk -v r="$routine" '$3 == r {print $2; exit}' "$ids" 2>/dev/null)
	id=$(awk -v r="$routine" '$3 == r {print $5; exit}' "$ids" 2>/dev/null)
	if [ -z "$base" ] || [ -z "$id" ]; then
		not_ok "$side/$iface: $routine has a message id"
		return
	fi
	entry=$(routine_table "$stub" | sed -n "$((id - base + 1))p")
	if [ "$entry" = "_X$routine" ]; then
		ok "$side/$iface: request $id dispatches to _X$routine"
	else
		not_ok "$side/$iface: request $id dispatches to _X$routine (table has '$entry')"
	fi
}

# msgid SIDE IFACE KIND ROUTINE ID: GNU Mach's ABI pins these ids.
msgid() {
	got=$(awk -v r="$4" '$3 == r {print $5; exit}' "$mig/$1/$2.$3.msgids" 2>/dev/null)
	if [ "$got" = "$5" ]; then ok "$4 is message $5"; else not_ok "$4 is message $5 (got '$got')"; fi
}

# user_routine SIDE IFACE ROUTINE: the user stub defines the client call.
user_routine() {
	check "$1/${2}User.c defines $3" grep -qx "mig_external kern_return_t $3" "$mig/$1/${2}User.c"
}

# What the kernel serves (issue 5's list) ...
for r in task_create task_terminate task_suspend task_resume task_info \
	task_threads task_get_special_port task_set_special_port \
	thread_create thread_terminate thread_suspend thread_resume thread_abort \
	thread_get_state thread_set_state thread_info \
	vm_allocate vm_deallocate vm_protect vm_inherit vm_read vm_write vm_copy \
	vm_region; do
	server_routine kernel mach $r
done
for r in mach_port_names mach_port_type mach_port_rename \
	mach_port_allocate_name mach_port_allocate mach_port_destroy \
	mach_port_deallocate mach_port_get_refs mach_port_mod_refs \
	mach_port_get_receive_status mach_port_set_qlimit \
	mach_port_move_member mach_port_get_set_status \
	mach_port_request_notification mach_port_insert_right \
	mach_port_extract_right mach_port_set_protected_payload \
	mach_port_clear_protected_payload; do
	server_routine kernel mach_port $r
done
for r in host_info host_get_time host_get_kernel_version host_reboot; do
	server_routine kernel mach_host $r
done
for r in task_set_name thread_set_name thread_get_name; do
	server_routine kernel gnumach $r
done
for r in device_open device_close device_read device_write \
	device_get_status device_set_status device_map; do
	server_routine kernel device $r
done
# ... and what a user exception handler serves.
server_routine user exc exception_raise

msgid kernel mach server task_create 2007
msgid kernel mach server vm_allocate 2021
msgid kernel mach_port server mach_port_allocate 3204
msgid kernel mach_host server host_info 2638
msgid kernel gnumach server task_set_name 4202
msgid kernel device server device_open 2800
msgid kernel exc user exception_raise 2400

# Flavours: the kernel's stubs translate ports into kernel objects (and call
# the kernel's ds_ device routines); user stubs carry plain port names.
check "kernel/machServer.c converts ports to tasks" grep -q 'convert_port_to_task(' "$mig/kernel/machServer.c"
check "kernel/deviceServer.c calls ds_device_open" grep -q 'ds_device_open(' "$mig/kernel/deviceServer.c"
check "kernel/mach_portServer.c converts ports to IPC spaces" grep -q 'convert_port_to_space(' "$mig/kernel/mach_portServer.c"
check "kernel/excUser.c sends from the kernel" grep -q 'mach_msg_rpc_from_kernel\|mach_msg_send_from_kernel' "$mig/kernel/excUser.c"
check "user/excServer.c calls catch_exception_raise" grep -q 'catch_exception_raise(' "$mig/user/excServer.c"
check "user/machUser.c holds no kernel conversions" sh -c "! grep -q convert_port_to_task '$mig/user/machUser.c'"

for r in task_create task_terminate thread_create vm_allocate vm_deallocate; do
	user_routine user mach $r
done
user_routine user mach_port mach_port_allocate
user_routine user mach_host host_info
user_routine user gnumach task_set_name
user_routine user device device_open
user_routine kernel exc exception_raise

# The user-side runtime MIG's user stubs call (glibc's <mach/mig_support.h>
# on the Hurd; machv's user library will provide it): declared here so the
# stubs compile against GNU Mach's headers alone.
mkdir -p "$tmp/mach"
cat > "$tmp/mach/mig_support.h" <<'EOF'
#include <string.h>
#include <mach/std_types.h>
#include <mach/message.h>
void mig_allocate(vm_address_t *addr, vm_size_t size);
void mig_deallocate(vm_address_t addr, vm_size_t size);
mach_port_t mig_get_reply_port(void);
void mig_put_reply_port(mach_port_t port);
void mig_dealloc_reply_port(mach_port_t port);
vm_size_t mig_strncpy(char *dest, const char *src, vm_size_t len);
EOF
for stub in "$mig"/user/*User.c "$mig"/user/*Server.c; do
	name=user/$(basename "$stub")
	if $HOST_CC -std=gnu11 -fsyntax-only -Wall -Werror -I"$mig/user" -I"$tmp" \
		-I"$MACH_INCLUDE_DIR" "$stub" > "$tmp/cc.log" 2>&1; then
		ok "$name compiles with the host compiler"
	else
		not_ok "$name compiles with the host compiler"
		sed 's/^/# /' "$tmp/cc.log" | head -n 20
	fi
done

echo "1..$n"
exit $failed
