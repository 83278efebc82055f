#!/bin/sh
# Description: the BPF handler kit, as docs/bpf-handlers.md gives it: the
# template handler and client, built on the host from the make install
# tree only (pkg-config ucmd-bpf, ucmd-bpf.mk: Makefile's kit rule),
# load with the installed ucmdctl, serve MYOP_CMD (res 0, res2 = a ^ b),
# are listed, and unload; after it the op gets -EOPNOTSUPP again.
. /tests/lib.sh
set -u
cleanup
ctl=/stage/usr/local/sbin/ucmdctl
[ -f /kit/myop.bpf.o ] || fail "no /kit/myop.bpf.o (make guest builds it)"
[ -x /kit/myop-client ] || fail "no /kit/myop-client (make guest builds it)"
out=$(/kit/myop-client 5 3 2>&1) && fail "MYOP_CMD served before the load: $out"
echo "$out" | grep -q '^res -95 ' || fail "before the load: '$out', want res -95"
$ctl handler load /kit/myop.bpf.o > /dev/null || fail "handler load /kit/myop.bpf.o"
out=$(/kit/myop-client 5 3) || fail "myop-client 5 3: $out"
[ "$out" = "res 0 res2 0x6" ] || fail "myop-client 5 3: '$out'"
out=$(/kit/myop-client 0xff00 0x0ff0) || fail "myop-client 0xff00 0x0ff0: $out"
[ "$out" = "res 0 res2 0xf0f0" ] || fail "myop-client 0xff00 0x0ff0: '$out'"
$ctl handler list | grep -q myop || fail "myop not in handler list: $($ctl handler list)"
$ctl handler unload myop || fail "handler unload myop"
out=$(/kit/myop-client 5 3 2>&1) && fail "MYOP_CMD served after unload: $out"
echo "$out" | grep -q '^res -95 ' || fail "after unload: '$out', want res -95"
exit 0
