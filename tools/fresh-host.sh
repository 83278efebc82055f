#!/usr/bin/env bash
# Prove the README's two commands on a fresh Debian machine of another
# release: debootstrap CODENAME (default trixie) into build/fresh/CODENAME,
# clone this repository's HEAD there, and run `make check` (or the targets
# given) inside it as root, as a new user would. The mirror is the host's
# (its apt sources); nothing of the host's build is reused.
#
#   tools/fresh-host.sh [CODENAME [TARGET...]]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
codename=${1:-trixie}
shift || true
targets=${*:-check}
dir=$top/build/fresh/$codename
uri=$("$top/tools/mirror.sh")
[ -n "$uri" ] || { echo "Error: no Debian mirror in the apt sources" >&2; exit 1; }
sec=$("$top/tools/mirror.sh" security)

umount_all() {
	local m
	for m in dev/pts dev proc sys; do
		! mountpoint -q "$dir/$m" || umount -l "$dir/$m"
	done
}
trap umount_all EXIT

rm -rf "$dir"
mkdir -p "$dir"
t0=$(date +%s)
debootstrap --variant=minbase "$codename" "$dir" "$uri" > "$dir.debootstrap.log" 2>&1 ||
	{ tail "$dir.debootstrap.log" >&2; exit 1; }
cat > "$dir/etc/apt/sources.list.d/debian.sources" <<EOS
Types: deb
URIs: $uri
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
if [ -n "$sec" ]; then
	printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$sec" "$codename" >> "$dir/etc/apt/sources.list.d/debian.sources"
fi
rm -f "$dir/etc/apt/sources.list"
for m in proc sys dev dev/pts; do mkdir -p "$dir/$m"; done
mount -t proc proc "$dir/proc"
mount -t sysfs sys "$dir/sys"
mount --bind /dev "$dir/dev"
mount --bind /dev/pts "$dir/dev/pts"
git clone -q "$top" "$dir/root/ucmd"
t1=$(date +%s)
echo "fresh-host: $codename ready in $((t1 - t0)) s; running: make $targets"
# A new user's shell: make, then the README's commands (make installs the rest).
chroot "$dir" /bin/sh -c "apt-get -q update > /dev/null && apt-get -y -q install --no-install-recommends make git ca-certificates sudo > /dev/null &&
	cd /root/ucmd && for t in $targets; do CI=true make \$t || exit 1; done"
rc=$?
echo "fresh-host: make $targets on $codename: exit $rc after $(( $(date +%s) - t1 )) s"
exit $rc
