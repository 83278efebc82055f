#!/bin/sh
# Description: a running tracer does not hold up an unload: with
# 'ucmdctl trace' attached, unloading the last handler returns within
# 3 s (not its 10 s stage), says in one line which
# BPF program still uses ucmd.ko, and the tracer goes on tracing; with
# the tracer gone, the same unload says nothing.
. /tests/lib.sh
set -u
cleanup
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

start_ucmdctl /tmp/tu -j trace
TP=$BGPID
ucmdctl handler load arith > /dev/null || fail "load arith"
t0=$(ms)
ucmdctl handler unload arith > /dev/null 2> /tmp/tu.unload || fail "unload arith: $(cat /tmp/tu.unload)"
dt=$(($(ms) - t0))
[ "$dt" -lt 3000 ] || fail "unload with a tracer running took $dt ms"
[ "$(wc -l < /tmp/tu.unload)" -eq 1 ] || { cat /tmp/tu.unload >&2; fail "want one line on stderr"; }
grep -q "^Note: ucmd.ko is still used by [0-9]* BPF program.*tracing '.*(id [0-9]*).*rmmod fails until" /tmp/tu.unload ||
	fail "unload's line: $(cat /tmp/tu.unload)"
expect 0 nop
kill -INT $TP
wait $TP || fail "tracer exited $?"
grep -q '"op":"nop"' /tmp/tu || fail "the tracer missed the nop after the unload"

ucmdctl handler load arith > /dev/null || fail "load arith again"
ucmdctl handler unload arith > /dev/null 2> /tmp/tu.unload || fail "unload arith: $(cat /tmp/tu.unload)"
[ ! -s /tmp/tu.unload ] || fail "unload without a tracer: $(cat /tmp/tu.unload)"
exit 0
