#!/usr/bin/env bash
# Install everything ucmd needs on Debian 12 (bookworm), unattended and idempotent.
# The mirror for bookworm-backports is read from the system's own apt sources.
set -euo pipefail

APT="apt-get -o DPkg::Lock::Timeout=900 -y -q"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

PKGS="linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
clang-19 llvm-19 gcc make dwarves libelf-dev zlib1g-dev libzstd-dev liburing-dev
qemu-system-x86 busybox-static cpio xz-utils kmod gnuplot-nox
flex bison bc libssl-dev python3"
BPORTS="libbpf-dev libbpf1 bpftool"

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || { echo "$p"; }
	done
}

need_bports() {
	# libbpf >= 1.4 is required for module-defined struct_ops.
	local v
	v=$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || true)
	[ -z "$v" ] && return 0
	dpkg --compare-versions "$v" lt "1:1.4" && return 0
	command -v bpftool >/dev/null || return 0
	return 1
}

unpack_source() {
	# checkpatch.pl and the debug kernel come from this tree.
	if [ ! -d /usr/src/linux-source-6.12 ] && [ -f /usr/src/linux-source-6.12.tar.xz ]; then
		$SUDO tar -C /usr/src -xf /usr/src/linux-source-6.12.tar.xz
	fi
}

m=$(missing $PKGS)
if [ -z "$m" ] && ! need_bports; then
	unpack_source
	exit 0
fi

src=/etc/apt/sources.list.d/backports.sources
if [ ! -f "$src" ]; then
	uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	if [ -z "$uri" ]; then
		uri=$(awk '/^deb / && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
	fi
	[ -n "$uri" ] || { echo "deps: cannot find the Debian mirror in apt sources" >&2; exit 1; }
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$uri" | $SUDO tee "$src" >/dev/null
fi

$SUDO $APT update
# shellcheck disable=SC2086
$SUDO $APT install --no-install-recommends $PKGS
# shellcheck disable=SC2086
$SUDO $APT install --no-install-recommends -t bookworm-backports $BPORTS
unpack_source
