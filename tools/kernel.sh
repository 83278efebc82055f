#!/usr/bin/env bash
# The guest suite on a kernel of tools/kernels.conf.
#
#   tools/kernel.sh check RELEASE   build ucmd.ko and ucmd_test.ko for RELEASE,
#                                   boot its image, run every guest test
#   tools/kernel.sh demo RELEASE    the same for the demo
#   tools/kernel.sh prepare RELEASE headers and image only; prints KDIR, the
#                                   chroot (empty: the host) and the image
#   tools/kernel.sh list            the releases, one per line
#
# The guest tests, ucmdctl and the BPF objects are the host build's (static
# binaries, CO-RE objects): only the modules are per kernel. A kernel of the
# host's own suite is built on the host; one of another suite (trixie's on a
# bookworm host) in a chroot of that suite, made by debootstrap from the
# mirror the host's apt sources name. The chroots (keyed by suite; the
# headers packages accumulate in them) and the kernel images (keyed by
# release) are kept in the machine's cache (tools/cache.sh), so a clean
# clone reuses them; outputs go to build/kernels/RELEASE/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/cache.sh
. "$top/tools/cache.sh"
CACHE=$(cache_root)
CONF=$top/tools/kernels.conf
APT="apt-get -o DPkg::Lock::Timeout=900 -y -q --no-install-recommends"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

die() { echo "Error: $*" >&2; exit 1; }

releases() { awk '!/^#/ && NF >= 3 { print $1 }' "$CONF"; }

# conf_field RELEASE N: field N of RELEASE's line.
conf_field() {
	awk -v r="$1" -v n="$2" '!/^#/ && $1 == r { print $n; found = 1 } END { exit !found }' "$CONF" ||
		die "kernel '$1' is not in tools/kernels.conf (one of: $(releases | xargs))"
}

host_codename() { . /etc/os-release; echo "${VERSION_CODENAME:-}"; }

# chroot_for CODENAME: a minimal chroot of that suite with kbuild's needs.
chroot_for() {
	local codename=$1 dir=$CACHE/chroot/$1 uri sec
	if [ ! -e "$dir.complete" ]; then
		# Not finished (or interrupted): from the start.
		# Never remove through a bind mount of a tree (build_modules).
		awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
			while read -r m; do $SUDO umount "$m"; done
		! awk -v d="$dir/" 'index($2, d) == 1 { f = 1 } END { exit !f }' /proc/mounts ||
			die "$dir has mounts that do not come off"
		$SUDO rm -rf "$dir"
		mkdir -p "${dir%/*}"
		uri=$("$top/tools/mirror.sh")
		[ -n "$uri" ] || die "cannot find the Debian mirror in the apt sources"
		command -v debootstrap >/dev/null || $SUDO $APT install debootstrap >&2
		echo "kernel: debootstrap $codename into $dir" >&2
		$SUDO debootstrap --variant=minbase "$codename" "$dir" "$uri" >&2 ||
			die "debootstrap $codename failed (see $dir/debootstrap/debootstrap.log)"
		sec=$("$top/tools/mirror.sh" security)
		{
			echo "deb $uri $codename main"
			echo "deb $uri $codename-updates main"
			echo "deb $uri $codename-backports main"
			[ -z "$sec" ] || echo "deb $sec $codename-security main"
		} | $SUDO tee "$dir/etc/apt/sources.list" >/dev/null
		$SUDO chroot "$dir" $APT update >&2
		$SUDO chroot "$dir" $APT install gcc make dwarves libelf-dev >&2
		touch "$dir.complete"
	else
		echo "kernel: chroot $codename: cached $dir" >&2
	fi
	echo "$dir"
}

# prepare RELEASE: headers and image present; sets KDIR, KCHROOT, IMAGE.
prepare() {
	local rel=$1 suite pkg codename out img
	suite=$(conf_field "$rel" 2)
	pkg=$(conf_field "$rel" 3)
	codename=${suite%%-*}
	out=$top/build/kernels/$rel
	mkdir -p "$out"
	KDIR=/usr/src/linux-headers-$rel
	if [ "$codename" = "$(host_codename)" ]; then
		KCHROOT=""
		[ -d "$KDIR" ] || $SUDO $APT install "linux-headers-$rel" >&2
	else
		KCHROOT=$(chroot_for "$codename")
		# A cached chroot's package lists may predate the release.
		[ -d "$KCHROOT$KDIR" ] || $SUDO chroot "$KCHROOT" $APT install "linux-headers-$rel" >&2 ||
			{ $SUDO chroot "$KCHROOT" $APT update >&2 &&
			  $SUDO chroot "$KCHROOT" $APT install "linux-headers-$rel" >&2; }
	fi
	# The image: from the cache (keyed by release), else /boot, else the package.
	mkdir -p "$CACHE/kernels/$rel"
	IMAGE=$CACHE/kernels/$rel/vmlinuz
	if [ ! -s "$IMAGE" ] && [ -r "/boot/vmlinuz-$rel" ] && [ -z "$KCHROOT" ]; then
		cp "/boot/vmlinuz-$rel" "$IMAGE.tmp" && mv "$IMAGE.tmp" "$IMAGE"
	fi
	# The guest's NVMe and ublk drivers (tools/vm/run.sh): their modules
	# and modules.dep, next to the image; make check's kernel has them in
	# /lib/modules. ublk_drv.ko missing from the cache: fetch again.
	MODS=$CACHE/kernels/$rel/lib/modules/$rel
	if [ ! -s "$IMAGE" ] || { [ ! -d "$MODS/kernel/drivers/block" ] && [ ! -d "/lib/modules/$rel/kernel" ]; }; then
		rm -rf "$out/pkg" && mkdir -p "$out/pkg"
		fetch_pkg "$pkg" "$out/pkg"
		img=$(find "$out/pkg/root" -name 'vmlinuz*' -type f | head -1)
		[ -n "$img" ] || die "$pkg has no vmlinuz"
		# 6.12's image package holds the modules; 7.x's are in their own.
		# trixie's packages put them under /usr/lib (merged /usr).
		modtree "$out/pkg/root" "$rel" >/dev/null ||
			fetch_pkg "linux-modules-$rel" "$out/pkg" ||
			echo "kernel: no linux-modules-$rel: the guest gets no NVMe" >&2
		cp "$img" "$IMAGE.tmp" && mv "$IMAGE.tmp" "$IMAGE"
		keep_modules "$(modtree "$out/pkg/root" "$rel")" "$MODS"
		rm -rf "$out/pkg"
	else
		echo "kernel: image $rel: cached $IMAGE" >&2
	fi
}

# fetch_pkg PKG DIR: PKG's .deb of the kernel's suite unpacked into DIR/root.
fetch_pkg() {
	local pkg=$1 dir=$2
	echo "kernel: fetching $pkg" >&2
	if [ -n "$KCHROOT" ]; then
		$SUDO chroot "$KCHROOT" sh -c "cd /tmp && rm -f ./*.deb && apt-get download $pkg" >&2 || return 1
		mv "$KCHROOT"/tmp/"${pkg}"_*.deb "$dir/"
	else
		(cd "$dir" && apt-get download "$pkg") >&2 || return 1
	fi
	dpkg-deb -x "$dir/${pkg}"_*.deb "$dir/root"
	rm -f "$dir/${pkg}"_*.deb
}

# modtree ROOT RELEASE: the module tree of RELEASE under ROOT, if any.
modtree() {
	local d
	for d in "$1/lib/modules/$2" "$1/usr/lib/modules/$2"; do
		[ -d "$d/kernel" ] && { echo "$d"; return 0; }
	done
	return 1
}

# keep_modules FROM TO: nvme.ko, ublk_drv.ko, what modules.dep says they
# need, and modules.dep, from the package's module tree FROM into TO. Not the 9p
# modules: tests/guest/standard-tools.sh runs the host's perf, bpftool and
# bpftrace on make check's kernel (tools/kver.sh) and the debug kernel only (on
# 6.12.117+deb13 under TCG, perf's tracepoint enabling once ended in an
# int3 oops in __schedule: text patching TCG did not see).
keep_modules() {
	local from=$1 to=$2 f
	[ -n "$from" ] || { echo "kernel: no modules in the packages" >&2; return 0; }
	# modules.dep is made at install (depmod in the package's postinst).
	depmod -b "${from%/lib/modules/*}" "${from##*/}"
	rm -rf "$to.tmp" && mkdir -p "$to.tmp"
	grep -E '^kernel/drivers/(nvme/host/nvme|block/ublk_drv)\.ko[^:]*:' "$from/modules.dep" |
		sed 's/[: ]\+/\n/g' | sed '/^$/d' | sort -u | while read -r f; do
			mkdir -p "$to.tmp/${f%/*}"
			cp "$from/$f" "$to.tmp/$f"
		done
	cp "$from/modules.dep" "$to.tmp/"
	rm -rf "$to" && mv "$to.tmp" "$to"
}

# build_modules RELEASE: ucmd.ko and ucmd_test.ko under build/kernels/RELEASE.
build_modules() {
	local rel=$1 b=build/kernels/$1
	if [ -n "$KCHROOT" ]; then
		# kbuild runs in the chroot on the same paths: the tree is bound
		# at its own path there, /proc is there for objtool.
		mkdir -p "$KCHROOT$top" "$KCHROOT/proc"
		mountpoint -q "$KCHROOT/proc" || $SUDO mount -t proc proc "$KCHROOT/proc"
		mountpoint -q "$KCHROOT$top" || $SUDO mount --bind "$top" "$KCHROOT$top"
		trap 'unbind' EXIT
	fi
	make -C "$top" --no-print-directory B="$b" KDIR="$KDIR" KCHROOT="$KCHROOT" \
		"$b/kmod/ucmd.ko" "$b/kmod/ucmd-nobtf.ko" "$b/kmod/ucmd_test.ko"
	unbind
	trap - EXIT
	# Everything but the modules is the host build's.
	local d
	for d in tests bin bpf; do
		rm -rf "${top:?}/$b/$d"
		ln -s "$top/build/$d" "$top/$b/$d"
	done
}

unbind() {
	[ -n "$KCHROOT" ] || return 0
	! mountpoint -q "$KCHROOT$top" || $SUDO umount "$KCHROOT$top"
	! mountpoint -q "$KCHROOT/proc" || $SUDO umount "$KCHROOT/proc"
}

cmd=${1:-}
case "$cmd" in
list)
	releases
	;;
prepare)
	[ $# -eq 2 ] || die "usage: $0 prepare RELEASE"
	prepare "$2"
	printf 'KDIR=%s\nKCHROOT=%s\nIMAGE=%s\n' "$KDIR" "$KCHROOT" "$IMAGE"
	;;
check|demo)
	[ $# -eq 2 ] || die "usage: $0 $cmd RELEASE"
	prepare "$2"
	build_modules "$2"
	UCMD_KERNEL=$IMAGE UCMD_KREL=$2 UCMD_BUILD=$top/build/kernels/$2 \
		exec "$top/tools/vm/run.sh" "$cmd"
	;;
*)
	die "usage: $0 {check|demo|prepare} RELEASE | list"
	;;
esac
