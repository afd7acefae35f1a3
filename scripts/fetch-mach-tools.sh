#!/usr/bin/env bash
# Fetch GNU MIG and GNU Mach's interface definitions from Debian trixie into a
# private tools prefix:
#
#   scripts/fetch-mach-tools.sh PREFIX      (./machv setup uses build/tools)
#
# Bookworm's mig and gnumach-dev predate GNU Mach's 2023 x86_64 message ABI,
# so the trixie packages are used.  They are fetched with a private apt
# configuration (its own sources list, lists and cache under PREFIX/apt) and
# unpacked with dpkg-deb -x: trixie is never added to the machine's sources and
# nothing is installed on the system.  Idempotent: PREFIX/mach-tools.stamp
# records the versions unpacked, and a run that finds them does nothing.
#
# Result (see m4/machv_mig.m4, which finds these):
#   PREFIX/usr/bin/x86_64-gnu-mig                  the mig driver script
#   PREFIX/usr/lib/mig/x86_64-gnu-migcom           the stub generator it runs
#   PREFIX/usr/include/x86_64-linux-gnu/{mach,device,mach_debug}/
#                                                  GNU Mach headers and .defs
set -euo pipefail

# The upstream versions machv is written against; Debian revisions may move.
MIG_PACKAGE="mig-x86-64-gnu"
MIG_UPSTREAM=1.8+git20231217
GNUMACH_PACKAGE=gnumach-dev
GNUMACH_UPSTREAM=2:1.8+git20250702
SUITE=trixie
# gnumach-dev is built per architecture, but only amd64's build carries the
# x86_64 headers (mach/machine -> x86_64) that define the ABI for all of
# machv's 64-bit targets.  mig is a native build of a cross tool.
GNUMACH_ARCH=amd64

die() { echo "fetch-mach-tools: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 TOOLS-PREFIX"
mkdir -p "$1"
prefix=$(cd "$1" && pwd)
stamp=$prefix/mach-tools.stamp
mig=$prefix/usr/bin/x86_64-gnu-mig

# "2:1.8+git20250702-1" -> "2:1.8+git20250702"
upstream_of() { echo "${1%-*}"; }

stamp_ok() {
	[ -f "$stamp" ] && [ -x "$mig" ] || return 1
	local m g
	m=$(awk -v p="$MIG_PACKAGE" '$1 == p {print $2}' "$stamp")
	g=$(awk -v p="$GNUMACH_PACKAGE" '$1 == p {print $2}' "$stamp")
	[ "$(upstream_of "$m")" = "$MIG_UPSTREAM" ] && [ "$(upstream_of "$g")" = "$GNUMACH_UPSTREAM" ]
}

if stamp_ok; then
	exit 0
fi

# The archive URI of the machine's own Debian source (a mirror or a snapshot
# stays in use), as scripts/setup-debian.sh finds it.
debian_uri() {
	local uri
	uri=$(grep -rhoE '^URIs: *\S+/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}')
	[ -n "$uri" ] || uri=$(grep -hoE '^deb +\S+/debian/? ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1 | awk '{print $2}')
	echo "${uri:-http://deb.debian.org/debian}"
}

# Trixie's Release file is signed by keys in bookworm's debian-archive-keyring.
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed_by=
[ -r "$keyring" ] && signed_by="[signed-by=$keyring] "

aptdir=$prefix/apt
mkdir -p "$aptdir/sources.list.d" "$aptdir/preferences.d" "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
printf 'deb %s%s %s main\n' "$signed_by" "$(debian_uri)" "$SUITE" > "$aptdir/sources.list"

native_arch=$(dpkg --print-architecture)
# Only our sources list, no system pins, no translations; the native
# architecture plus amd64 (for gnumach-dev on a non-amd64 host).
apt_opts=(
	-o "Dir::Etc::SourceList=$aptdir/sources.list"
	-o "Dir::Etc::SourceParts=$aptdir/sources.list.d"
	-o "Dir::Etc::Preferences=$aptdir/preferences"
	-o "Dir::Etc::PreferencesParts=$aptdir/preferences.d"
	-o "Dir::State::Lists=$aptdir/lists"
	-o "Dir::Cache=$aptdir/cache"
	-o "APT::Architecture=$native_arch"
	-o "APT::Architectures::=$native_arch"
	-o "APT::Architectures::=$GNUMACH_ARCH"
	-o "Acquire::Languages=none"
	-q
)

echo "fetch-mach-tools: updating the private $SUITE package lists in $aptdir"
apt-get "${apt_opts[@]}" update >/dev/null

candidate() {
	apt-cache "${apt_opts[@]}" policy "$1" | awk '$1 == "Candidate:" {print $2}'
}
mig_version=$(candidate "$MIG_PACKAGE")
gnumach_version=$(candidate "$GNUMACH_PACKAGE:$GNUMACH_ARCH")
case "$mig_version" in ""|"(none)") die "$MIG_PACKAGE not found in $SUITE" ;; esac
case "$gnumach_version" in ""|"(none)") die "$GNUMACH_PACKAGE:$GNUMACH_ARCH not found in $SUITE" ;; esac
[ "$(upstream_of "$mig_version")" = "$MIG_UPSTREAM" ] ||
	die "$SUITE has $MIG_PACKAGE $mig_version, machv expects $MIG_UPSTREAM"
[ "$(upstream_of "$gnumach_version")" = "$GNUMACH_UPSTREAM" ] ||
	die "$SUITE has $GNUMACH_PACKAGE $gnumach_version, machv expects $GNUMACH_UPSTREAM"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# As root, apt downloads as the unprivileged _apt user: let it write here.
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
	chown _apt "$tmp"
fi
(cd "$tmp" && apt-get "${apt_opts[@]}" download \
	"$MIG_PACKAGE=$mig_version" "$GNUMACH_PACKAGE:$GNUMACH_ARCH=$gnumach_version" >/dev/null)

for deb in "$tmp"/*.deb; do
	dpkg-deb -x "$deb" "$prefix"
done
[ -x "$mig" ] || die "$MIG_PACKAGE did not install $mig"
[ -f "$prefix/usr/include/x86_64-linux-gnu/mach/mach.defs" ] ||
	die "$GNUMACH_PACKAGE did not install usr/include/x86_64-linux-gnu/mach/mach.defs"

# mig is only a shell script; make sure its migcom runs on this libc by
# generating a stub for a one-routine interface.
cat > "$tmp/probe.defs" <<'EOF'
subsystem probe 100;
type int32 = MACH_MSG_TYPE_INTEGER_32;
type mach_port_t = MACH_MSG_TYPE_COPY_SEND;
routine probe_ping(server : mach_port_t; value : int32);
EOF
(cd "$tmp" && "$mig" -n -cc cat -server probeServer.c probe.defs) ||
	die "$mig does not run on this machine"
grep -q probe_ping "$tmp/probeServer.c" || die "$mig generated no stub for the probe interface"

printf '%s %s\n%s %s\n' "$MIG_PACKAGE" "$mig_version" "$GNUMACH_PACKAGE" "$gnumach_version" > "$stamp"
echo "fetch-mach-tools: $MIG_PACKAGE $mig_version and $GNUMACH_PACKAGE $gnumach_version in $prefix"
