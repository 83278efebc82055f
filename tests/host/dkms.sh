#!/bin/sh
# Description: DKMS builds ucmd.ko from what make install-dkms installs:
# dkms add and dkms build for the installed 6.12 kernel, in a DKMS tree of
# the test's own (--dkmstree, --sourcetree: the system's /var/lib/dkms is
# not touched). The module has the kernel's vermagic and the BTF of the
# ucmd_ops struct_ops (BPF policies work with it).
top=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "dkms: $*" >&2; exit 1; }
command -v dkms > /dev/null || fail "dkms not installed (make deps)"
ver=$(cat "$top/VERSION")
kver=$("$top/tools/kver.sh") || fail "no 6.12 kernel headers"
t=$top/build/dkms-test
rm -rf "$t"
make -s -C "$top" install-dkms DESTDIR="$t/root" dkmssrcdir=/usr/src/ucmd-$ver > "$t.log" 2>&1 ||
	fail "make install-dkms: $(tail -3 "$t.log")"
mkdir -p "$t/dkms" "$t/etc-dkms"
opts="--sourcetree $t/root/usr/src --dkmstree $t/dkms"
# dkms makes a module-signing key in /var/lib/dkms if there is none and
# reads where from /etc/dkms only: in a mount namespace of its own, a
# framework.conf of the test's puts the key in the test's tree.
printf 'mok_signing_key="%s"\nmok_certificate="%s"\n' "$t/mok.key" "$t/mok.pub" \
	> "$t/etc-dkms/framework.conf"
dkms() {
	unshare -m sh -c 'mount --bind "$0" /etc/dkms && exec dkms "$@"' "$t/etc-dkms" "$@"
}
unshare -m true 2> /dev/null || fail "needs unshare -m (root) to keep dkms off /etc/dkms"
# shellcheck disable=SC2086
dkms add -m ucmd -v "$ver" $opts >> "$t.log" 2>&1 || fail "dkms add: $(tail -5 "$t.log")"
# shellcheck disable=SC2086
dkms build -m ucmd -v "$ver" -k "$kver" --kernelsourcedir "/usr/src/linux-headers-$kver" $opts \
	>> "$t.log" 2>&1 || fail "dkms build: $(tail -15 "$t.log"; cat "$t/dkms/ucmd/$ver/build/make.log" 2>/dev/null | tail -15)"
ko=$(find "$t/dkms/ucmd/$ver/$kver" -name 'ucmd.ko*' | head -1)
[ -n "$ko" ] || fail "no ucmd.ko under $t/dkms/ucmd/$ver/$kver"
case $ko in
*.xz) xz -dc "$ko" > "$t/ucmd.ko" ;;
*.zst) zstd -qdc "$ko" > "$t/ucmd.ko" ;;
*) cp "$ko" "$t/ucmd.ko" ;;
esac
vm=$(modinfo -F vermagic "$t/ucmd.ko")
case $vm in "$kver "*) ;; *) fail "vermagic '$vm', want $kver" ;; esac
bpftool btf dump file "$t/ucmd.ko" -B "/usr/src/linux-headers-$kver/vmlinux" 2> /dev/null |
	grep -q "STRUCT 'bpf_struct_ops_ucmd_ops'" || fail "the DKMS module has no struct_ops BTF"
dkms status -m ucmd $opts 2>/dev/null | grep -q "built" || fail "dkms status: $(dkms status -m ucmd $opts 2>&1)"
exit 0
