#!/bin/sh
# Description: make install follows GNU conventions: DESTDIR stages, prefix
# moves everything (sbin/ucmdctl, lib/ucmd/*.bpf.o, include/linux/ucmd.h,
# include/ucmd/*.h, share/man/man{4,8}, bash completion), the client
# header compiles from the installed include/; make uninstall removes
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
make -s -C "$top" uninstall DESTDIR="$d" prefix=/opt/ucmd >> "$d.log" 2>&1 || fail "make uninstall"
left=$(find "$d" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
exit 0
