#!/bin/sh
# Description: ucmdctl as make install lays it out (DESTDIR staging tree
# at /stage, prefix /usr/local) works from the installed paths only: with
# the build tree's objects out of the way, "policy load rules" finds
# rules.bpf.o in PREFIX/lib/ucmd next to PREFIX/sbin/ucmdctl, rules take
# effect, and without its objects the error names every directory tried.
# Headers, man pages and the bash completion are where make install put
# them.
. /tests/lib.sh
set -u
cleanup
s=/stage/usr/local
[ -x $s/sbin/ucmdctl ] || fail "no $s/sbin/ucmdctl"
for f in lib/ucmd/rules.bpf.o lib/ucmd/kv.bpf.o include/linux/ucmd.h include/ucmd/ucmd_uring.h \
	include/ucmd/ucmd.bpf.h include/ucmd/vmlinux_ucmd.h share/man/man8/ucmdctl.8 \
	share/man/man4/ucmd.4 share/bash-completion/completions/ucmdctl; do
	[ -s "$s/$f" ] || fail "make install left no $s/$f"
done
restore() { [ -d /lib/ucmd.off ] && mv /lib/ucmd.off /lib/ucmd; [ -d $s/lib/ucmd.off ] && mv $s/lib/ucmd.off $s/lib/ucmd; }
trap restore EXIT
mv /lib/ucmd /lib/ucmd.off
$s/sbin/ucmdctl policy load rules > /tmp/il.out 2>&1 || fail "installed policy load rules: $(cat /tmp/il.out)"
$s/sbin/ucmdctl rule add echo deny EACCES > /dev/null || fail "rule add"
[ "$(res echo 5)" = -13 ] || fail "the installed rules policy does not deny: $(res echo 5)"
$s/sbin/ucmdctl policy unload rules > /dev/null || fail "unload"
mv $s/lib/ucmd $s/lib/ucmd.off
line=$(errline $s/sbin/ucmdctl policy load rules)
echo "$line" | grep -q "$s/lib/ucmd" && echo "$line" | grep -q "/usr/local/lib/ucmd" ||
	fail "the error does not name the directories tried: $line"
exit 0
