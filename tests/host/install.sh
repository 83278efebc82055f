#!/bin/sh
# Description: make install follows GNU conventions: DESTDIR stages, prefix
# moves everything (sbin/ucmdctl, lib/ucmd/*.bpf.o, include/linux/ucmd.h,
# include/ucmd/*.h, share/man/man{4,8}, bash completion), the client
# header compiles from the installed include/; the BPF handler kit
# (lib/pkgconfig/ucmd-bpf.pc, share/ucmd/) builds its template from the
# prefix only, an object with BTF, and refuses a clang older than 19 or a
# missing one with one line naming the package; make uninstall removes
# every file it installed.
top=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "install: $*" >&2; exit 1; }
d=$top/build/install-test
rm -rf "$d"
make -s -C "$top" install DESTDIR="$d" prefix=/opt/ucmd > "$d.log" 2>&1 || fail "make install: $(tail -5 "$d.log")"
for f in sbin/ucmdctl lib/ucmd/rules.bpf.o lib/ucmd/timer.bpf.o include/linux/ucmd.h \
	include/ucmd/ucmd_uring.h include/ucmd/ucmd.bpf.h include/ucmd/ucmd_progs.h \
	include/ucmd/vmlinux_ucmd.h share/man/man8/ucmdctl.8 share/man/man4/ucmd.4 \
	share/bash-completion/completions/ucmdctl; do
	[ -s "$d/opt/ucmd/$f" ] || fail "no $f under prefix /opt/ucmd"
done
[ -x "$d/opt/ucmd/sbin/ucmdctl" ] || fail "ucmdctl not executable"
# the client header compiles on its own with liburing
printf '#include <liburing.h>\n#include <ucmd/ucmd_uring.h>\nint main(void){return 0;}\n' |
	gcc -x c -I"$d/opt/ucmd/include" -o /dev/null - || fail "ucmd_uring.h does not compile"
# the handler kit, as docs/bpf-handlers.md gives it, from the prefix only
k=$top/build/install-test-kit
rm -rf "$k"
export PKG_CONFIG_PATH="$d/opt/ucmd/lib/pkgconfig"
t=$(pkg-config --variable=templatedir ucmd-bpf) || fail "pkg-config ucmd-bpf: no ucmd-bpf.pc in $PKG_CONFIG_PATH"
cp -r "$t" "$k" || fail "cp -r $t"
make -s -C "$k" > "$k.log" 2>&1 || fail "template build: $(tail -5 "$k.log")"
readelf -S "$k/myop.bpf.o" | grep -q '\.BTF ' || fail "myop.bpf.o has no BTF"
[ -x "$k/myop-client" ] || fail "no myop-client"
kiterr() {	# kiterr WANT VAR=VALUE: the kit's one error line for that setting
	make -s -C "$k" clean > /dev/null
	line=$(env "$2" make -s -C "$k" 2>&1 >/dev/null)
	[ "$(printf '%s\n' "$line" | grep -c '')" = 1 ] || fail "$2: not one line: $line"
	printf '%s\n' "$line" | grep -qF -- "$1" || fail "$2: '$line' does not say '$1'"
	[ ! -e "$k/myop.bpf.o" ] || fail "$2: myop.bpf.o built"
}
kiterr "clang-nosuch not found: a ucmd BPF object needs clang 19 or newer" UCMD_CLANG=clang-nosuch
# an older clang (Debian 12's default clang is 14)
old=$(command -v clang-14 clang-15 clang-16 clang 2> /dev/null | head -1)
if [ -n "$old" ] && [ "$($old -dumpversion | cut -d. -f1)" -lt 19 ]; then
	kiterr "needs clang 19 or newer, whose objects load (apt install clang-19" "UCMD_CLANG=$old"
else
	# a fake one says it is 14
	printf '#!/bin/sh\necho 14.0.6\n' > "$k/clang-old" && chmod 755 "$k/clang-old"
	kiterr "is clang 14: a ucmd BPF object needs clang 19" "UCMD_CLANG=$k/clang-old"
fi
kiterr "ucmd-bpf.pc not found by pkg-config" PKG_CONFIG_PATH=/nonexistent
unset PKG_CONFIG_PATH
make -s -C "$top" uninstall DESTDIR="$d" prefix=/opt/ucmd >> "$d.log" 2>&1 || fail "make uninstall"
left=$(find "$d" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
exit 0
