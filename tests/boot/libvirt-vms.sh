#!/usr/bin/env bash
# Three machv domains under libvirt, one per architecture (TCG), made from
# guests/libvirt's templates: a private libvirtd is started for the test,
# the domains are defined and started together, each runs init=/hello-a and
# must power itself off (the domain's state becomes "shut off", reason
# "shutdown"); the serial and virtio console logs are judged, the domains
# undefined and the daemon stopped by its pid.  Nothing is left running.
#
# The daemon is libvirt's session (unprivileged) daemon, whose every path
# follows $HOME and $XDG_{CONFIG,CACHE,RUNTIME,STATE}_HOME: all of them lie
# in the test's work directory, so it shares nothing with a system libvirtd
# or another run.  As root the daemon, QEMU and virsh run as nobody (the
# session daemon refuses nothing to root, but a root session would still
# write under /root); qemu.conf sends QEMU's own output to a file, so no
# virtlogd is needed.
#
# The other architectures' kernels come from sibling build trees
# ($MACHV_BUILDDIR/../aarch64 and ../riscv64, or MACHV_BUILDDIR_aarch64 and
# MACHV_BUILDDIR_riscv64); an architecture whose tree is not built is
# skipped (its results are "ok # SKIP").
. "$(dirname "$0")/lib.sh"

: "${LIBVIRT_TIMEOUT:=240}"
# libvirt is optional.  The harness is tap-driver, which judges the TAP and
# takes any non-zero exit (77 included) as an error: the skip is said in TAP.
if ! command -v libvirtd >/dev/null 2>&1 || ! command -v virsh >/dev/null 2>&1; then
	tap_skip_all "libvirtd/virsh are not installed (run scripts/setup-debian.sh)"
fi
boot_require_kernel
boot_require_tool qemu-img setsid

# ------------------------------------------------------------- the daemon

LV=$BOOT_WORKDIR/lv
LV_PIDFILE=$LV/run/libvirtd.pid
LV_SOCK=$LV/run/libvirt/libvirt-sock
# An explicit socket: virsh must never start a daemon of its own.
LV_URI="qemu+unix:///session?socket=$LV_SOCK"
[ ${#LV_SOCK} -lt 100 ] || tap_skip_all "work directory too deep for a unix socket: $LV_SOCK"

lv_user=()
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null 2>&1 || tap_skip_all "setpriv (util-linux) is missing"
	getent passwd nobody >/dev/null || tap_skip_all "there is no user 'nobody' to run the daemon as"
	lv_user=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
fi

# as_lv CMD...: run CMD as the daemon's user, in the daemon's environment.
as_lv() {
	"${lv_user[@]}" env -i PATH="$PATH" HOME="$LV/home" XDG_CONFIG_HOME="$LV/config" \
		XDG_CACHE_HOME="$LV/cache" XDG_RUNTIME_DIR="$LV/run" XDG_STATE_HOME="$LV/state" "$@"
}
lv_virsh() { as_lv virsh -q -c "$LV_URI" "$@"; }

lv_daemon_pid() { [ -s "$LV_PIDFILE" ] && tr -cd '0-9' < "$LV_PIDFILE"; }

# Stop everything this test started, each by its pid: the domains through
# the daemon, any QEMU the daemon left (its pid file), then the daemon.
lv_stopped=0
lv_stop() {
	[ "$lv_stopped" = 1 ] && return 0
	lv_stopped=1
	local pid name f i
	pid=$(lv_daemon_pid)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		for name in $(lv_virsh list --name 2>/dev/null); do
			lv_virsh destroy "$name" >/dev/null 2>&1
		done
		for name in $(lv_virsh list --all --name 2>/dev/null); do
			lv_virsh undefine "$name" >/dev/null 2>&1
		done
	fi
	for f in "$LV"/run/libvirt/qemu/run/*.pid; do
		[ -s "$f" ] || continue
		i=$(tr -cd '0-9' < "$f")
		[ -n "$i" ] && kill -KILL "$i" 2>/dev/null
	done
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null
	fi
	return 0
}
trap 'lv_stop; boot_cleanup' EXIT

# The work directory must be reachable by the daemon's user.
chmod 755 "$BOOT_WORKDIR"
mkdir -p "$LV"/{home,config/libvirt,cache,run,state,logs,disks}
cat > "$LV/config/libvirt/qemu.conf" <<'EOF'
# QEMU's stdout and stderr to a plain file: no virtlogd.
stdio_handler = "file"
EOF
: > "$LV/config/libvirt/libvirtd.conf"
[ ${#lv_user[@]} -eq 0 ] || chown -R nobody "$LV"

# ----------------------------------------------------------- the domains

arch_builddir() {
	local v=MACHV_BUILDDIR_$1
	if [ -n "${!v:-}" ]; then echo "${!v}"
	elif [ "$1" = "$MACHV_ARCH" ]; then echo "$MACHV_BUILDDIR"
	else echo "$MACHV_BUILDDIR/../$1"
	fi
}

# Copy each architecture's kernel and initrd into the work directory (the
# daemon's user may not read the build tree) and write its domain; the
# architectures that have no build are skipped.
arches=()
skipped=()
for arch in x86_64 aarch64 riscv64; do
	dir=$(arch_builddir "$arch")
	kernel=$dir/machv
	[ "$arch" = aarch64 ] && kernel=$dir/machv.Image
	if ! [ -r "$kernel" ] || ! [ -r "$dir/initrd.cpio" ]; then
		skipped+=("$arch: no kernel and initrd in $dir (build that tree first)")
		continue
	fi
	if [ "$arch" = aarch64 ] && [ "$dir/machv.Image" -ot "$dir/machv" ]; then
		skipped+=("$arch: $dir/machv.Image is older than the kernel (make it)")
		continue
	fi
	command -v "qemu-system-$arch" >/dev/null 2>&1 ||
		{ skipped+=("$arch: qemu-system-$arch is not installed"); continue; }
	mkdir -p "$LV/$arch"
	cp "$kernel" "$LV/$arch/kernel"
	cp "$dir/initrd.cpio" "$LV/$arch/initrd.cpio"
	qemu-img create -q -f raw "$LV/disks/$arch.img" 1M
	"$MACHV_SRCDIR/guests/libvirt/make-domain.sh" --arch="$arch" --type=qemu \
		--name="machv-test-$arch" --kernel="$LV/$arch/kernel" --initrd="$LV/$arch/initrd.cpio" \
		--disk="$LV/disks/$arch.img" --logdir="$LV/logs" --cmdline="init=/hello-a" \
		> "$LV/$arch.xml" || tap_skip_all "make-domain.sh failed for $arch"
	arches+=("$arch")
done
[ ${#arches[@]} -gt 0 ] || tap_skip_all "no architecture is built"
[ ${#lv_user[@]} -eq 0 ] || chown -R nobody "$LV"

# libvirt probes every qemu-system-* on its first connection (half a
# minute here) and caches what it learns: the cache is kept in the build
# tree between runs and handed to each new daemon, which checks it against
# the binaries and itself and probes again whatever is stale.
caps_keep=$MACHV_BUILDDIR/libvirt-qemu-caps
caps=$LV/cache/libvirt/qemu/cache/capabilities
mkdir -p "$caps"
[ -d "$caps_keep" ] && cp "$caps_keep"/*.xml "$caps"/ 2>/dev/null
[ ${#lv_user[@]} -eq 0 ] || chown -R nobody "$LV/cache"

# A daemon of our own, with our config; setsid keeps it out of make's way.
as_lv setsid libvirtd -d -f "$LV/config/libvirt/libvirtd.conf" -p "$LV_PIDFILE" \
	> "$LV/libvirtd.out" 2>&1 < /dev/null
for _ in $(seq 100); do [ -S "$LV_SOCK" ] && lv_virsh version >/dev/null 2>&1 && break; sleep 0.1; done
if lv_virsh version >/dev/null 2>&1; then
	tap_ok "a private libvirtd (pid $(lv_daemon_pid)) answers on $LV_SOCK"
else
	tap_not_ok "a private libvirtd answers on $LV_SOCK"
	tap_diag < "$LV/libvirtd.out"
	[ -r "$LV/cache/libvirt/libvirtd.log" ] && tail -n 20 "$LV/cache/libvirt/libvirtd.log" | tap_diag
	tap_finish
fi
tap_diag "$(lv_virsh version 2>&1)"

for arch in "${arches[@]}"; do
	out=$(lv_virsh define "$LV/$arch.xml" 2>&1)
	tap_result $? "$arch: virsh define accepts the domain" || { tap_diag "$out"; tap_diag < "$LV/$arch.xml"; }
done

# The interactive variant (a pty for `virsh console`) must define too.
a=${arches[0]}
"$MACHV_SRCDIR/guests/libvirt/make-domain.sh" --arch="$a" --name=machv-test-pty \
	--kernel="$LV/$a/kernel" --initrd="$LV/$a/initrd.cpio" --disk="$LV/disks/$a.img" \
	--logdir="$LV/logs" --console=pty > "$LV/pty.xml" &&
	out=$(lv_virsh define "$LV/pty.xml" 2>&1) && lv_virsh dumpxml machv-test-pty | grep -q "<console type='pty'>" &&
	lv_virsh undefine machv-test-pty >/dev/null 2>&1
tap_result $? "$a: the domain with a pty console defines too" || tap_diag "$out"

# Start them all, then wait for all of them: they run at the same time.
t0=$(date +%s)
for arch in "${arches[@]}"; do
	out=$(lv_virsh start "machv-test-$arch" 2>&1)
	tap_result $? "$arch: virsh start" || tap_diag "$out"
done

declare -A state
for arch in "${arches[@]}"; do state[$arch]=; done
while :; do
	running=0
	for arch in "${arches[@]}"; do
		case ${state[$arch]} in "shut off"*) continue ;; esac
		state[$arch]=$(lv_virsh domstate --reason "machv-test-$arch" 2>&1 | head -n 1)
		case ${state[$arch]} in "shut off"*) ;; *) running=1 ;; esac
	done
	[ $running -eq 0 ] && break
	[ $(($(date +%s) - t0)) -ge "$LIBVIRT_TIMEOUT" ] && break
	sleep 1
done
tap_diag "the domains ran for $(($(date +%s) - t0)) s together"
# A domain that did not power off is stopped here (and fails below).
for arch in "${arches[@]}"; do
	case ${state[$arch]} in
	"shut off"*) ;;
	*) tap_diag "$arch: still ${state[$arch]} after $LIBVIRT_TIMEOUT s: virsh destroy"
	   lv_virsh destroy "machv-test-$arch" >/dev/null 2>&1 ;;
	esac
done

for arch in "${arches[@]}"; do
	name=machv-test-$arch
	serial=$LV/logs/$name.serial.log
	virtio=$LV/logs/$name.console.log
	console_text "$serial" | sed "s/^/# $arch | /"
	if [ "${state[$arch]}" = "shut off (shutdown)" ]; then
		tap_ok "$arch: the domain shut itself off (${state[$arch]})"
	else
		tap_not_ok "$arch: the domain shut itself off (state: ${state[$arch]})"
		[ -r "$LV/cache/libvirt/qemu/log/$name.log" ] &&
			tail -n 15 "$LV/cache/libvirt/qemu/log/$name.log" | tap_diag
	fi
	if console_text "$serial" | grep -Eq '^machv: (panic:|stopping)|CPU exception'; then
		tap_not_ok "$arch: no kernel panic or exception"
	else
		tap_ok "$arch: no kernel panic or exception"
	fi
	tap_grep "$arch: the kernel saw the libvirt command line" \
		'^boot: .*command line "init=/hello-a"$' "$serial"
	tap_grep "$arch: the virtio-blk disk is hd0" '^virtio-blk: virtio-(pci|mmio)@[0-9a-fx:.]+: hd0, 2048 sectors' "$serial"
	tap_grep "$arch: hello-a ran to its end" '^hello-a: done$' "$serial"
	tap_grep "$arch: hello-a exited with status 0" '^task /?hello-a \([0-9]+\) exited with status 0$' "$serial"
	tap_grep "$arch: the serial console shows the end of the run" '^machv: all programs finished$' "$serial"
	tap_grep "$arch: the virtio console shows the banner" "^machv .*\\($arch\\) booting via" "$virtio"
	tap_grep "$arch: the virtio console shows the end of the run" '^machv: all programs finished$' "$virtio"
done

for arch in "${arches[@]}"; do
	out=$(lv_virsh undefine "machv-test-$arch" 2>&1)
	tap_result $? "$arch: virsh undefine" || tap_diag "$out"
done
left=$(lv_virsh list --all --name 2>&1 | grep -c .)
[ "$left" -eq 0 ]
tap_result $? "no domain is left defined"

if ls "$caps"/*.xml >/dev/null 2>&1 && mkdir -p "$caps_keep" 2>/dev/null; then
	cp "$caps"/*.xml "$caps_keep"/ 2>/dev/null
fi

pid=$(lv_daemon_pid)
qemu_pids=$(cat "$LV"/run/libvirt/qemu/run/*.pid 2>/dev/null | tr -cs '0-9' ' ')
lv_stop
alive=
for p in $pid $qemu_pids; do kill -0 "$p" 2>/dev/null && alive+=" $p"; done
[ -z "$alive" ]
tap_result $? "the daemon (pid $pid) and every QEMU are gone${alive:+ (still alive:$alive)}"

for s in "${skipped[@]}"; do
	tap_count=$((tap_count + 1))
	tap_plain "ok $tap_count # SKIP $s"
done
tap_finish
