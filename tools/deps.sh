#!/usr/bin/env bash
# Install everything ucmd needs on Debian 12 (bookworm) or 13 (trixie),
# unattended and idempotent. The suite comes from /etc/os-release; on
# bookworm, libbpf >= 1.4 and bpftool come from bookworm-backports, on
# trixie a libelf whose static archive links from trixie-backports; the
# mirror is read from the system's own apt sources.
set -euo pipefail

APT="apt-get -o DPkg::Lock::Timeout=900 -y -q"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# shellcheck disable=SC1091
. /etc/os-release
codename=${VERSION_CODENAME:-}

COMMON="clang-19 llvm-19 gcc make dwarves libelf-dev zlib1g-dev libzstd-dev liburing-dev libjson-c-dev
qemu-system-x86 busybox-static cpio xz-utils kmod gnuplot-nox debootstrap
flex bison bc libssl-dev python3
python3-docutils man-db dkms bash-completion bpftrace lcov pkgconf libcap-dev"
case "$codename" in
bookworm)
	# The 6.12 kernel of bookworm-security; libbpf 1.1 is too old.
	KERNEL="linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12"
	BPF=""
	BPORTS="libbpf-dev libbpf1 bpftool linux-perf"
	;;
trixie)
	# 6.12 is trixie's own kernel; libbpf 1.5 and bpftool 7.5 are in main.
	# trixie's libelf.a (elfutils 0.192) calls eu_search_tree_*() it does
	# not contain, so static links fail; trixie-backports' 0.196 has them.
	KERNEL="linux-image-amd64 linux-headers-amd64 linux-source-6.12"
	BPF="libbpf-dev libbpf1 bpftool linux-perf"
	BPORTS="libelf-dev"
	;;
*)
	echo "deps: Debian 12 (bookworm) or 13 (trixie) expected, found '${PRETTY_NAME:-unknown}'" >&2
	exit 1
	;;
esac
PKGS="$KERNEL $COMMON $BPF"

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || { echo "$p"; }
	done
}

# version_lt PACKAGE VERSION: not installed, or older than VERSION.
version_lt() {
	local v
	v=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true)
	[ -z "$v" ] || dpkg --compare-versions "$v" lt "$2"
}

need_bports() {
	case "$codename" in
	bookworm)
		# libbpf >= 1.4 is required for module-defined struct_ops.
		version_lt libbpf-dev 1:1.4 || ! command -v bpftool >/dev/null ||
			[ -n "$(missing linux-perf)" ] ;;
	trixie)
		version_lt libelf-dev 0.193 ;;
	*)
		return 1 ;;
	esac
}

unpack_source() {
	# checkpatch.pl and the debug kernel come from this tree.
	if [ ! -d /usr/src/linux-source-6.12 ] && [ -f /usr/src/linux-source-6.12.tar.xz ]; then
		$SUDO tar -C /usr/src -xf /usr/src/linux-source-6.12.tar.xz
	fi
}

# shellcheck disable=SC2086
m=$(missing $PKGS)
if [ -z "$m" ] && ! need_bports; then
	unpack_source
	exit 0
fi

if [ -n "$BPORTS" ]; then
	src=/etc/apt/sources.list.d/backports.sources
	if [ ! -f "$src" ]; then
		uri=$("$(dirname "$0")/mirror.sh")
		[ -n "$uri" ] || { echo "deps: cannot find the Debian mirror in apt sources" >&2; exit 1; }
		printf 'Types: deb\nURIs: %s\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$uri" "$codename" | $SUDO tee "$src" >/dev/null
	fi
fi

$SUDO $APT update
# shellcheck disable=SC2086
$SUDO $APT install --no-install-recommends $PKGS
if [ -n "$BPORTS" ]; then
	# shellcheck disable=SC2086
	$SUDO $APT install --no-install-recommends -t "$codename-backports" $BPORTS
fi
unpack_source
