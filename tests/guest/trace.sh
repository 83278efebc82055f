#!/bin/sh
# Description: ucmdctl trace -j reports each completion of a known mix
# (sync, async, failing, denied, cancelled) exactly once with the right
# fields (op, res, errno, res2, latency, kind, handler or policy, the
# submitter's pid, also for cancellations run from ring teardown), stops
# cleanly on SIGINT with a summary; --op/--errors/--pid filter; stats
# counts match; the tracefs events ucmd_complete and ucmd_deny fire.
. /tests/lib.sh
set -u
cleanup

start() { start_ucmdctl "$@"; TP=$BGPID; }
stop() { kill -INT $TP; wait $TP || fail "tracer exited $?"; }

ucmdctl policy load rules > /dev/null || fail "load rules"
ucmdctl rule add sum deny EACCES || fail "rule"

# The whole mix, once each.
start /tmp/t1 -j trace
trace-mix & MP=$!
wait $MP || fail "trace-mix"
sleep 0.3
stop
T=/tmp/t1
expect_count $T '"cmd_op"' 16
expect_count $T "\"pid\":$MP," 16
for i in 0 1 2 3 4; do
	expect_count $T "\"op\":\"echo\",\"cmd_op\":[0-9]*,\"res\":$i,\"errno\":null,\"res2\":100$i,.*\"kind\":\"sync\",\"name\":\"echo\"" 1
done
for i in 0 1 2; do
	expect_count $T "\"res\":2$i,\"errno\":null,\"res2\":200$i,.*\"kind\":\"async\",\"name\":\"delay\"" 1
	lat=$(grep "\"res2\":200$i," $T | sed 's/.*"latency_ns":\([0-9]*\).*/\1/')
	[ "$lat" -ge 2000000 ] || fail "async latency $lat ns < 2 ms"
done
for i in 0 1; do
	expect_count $T "\"res\":-5,\"errno\":\"EIO\",\"res2\":300$i,.*\"kind\":\"sync\"" 1
done
expect_count $T '"op":"sum",.*"res":-13,"errno":"EACCES",.*"kind":"denied","name":"rules"' 2
expect_count $T '"op":"delay",.*"res":-125,"errno":"ECANCELED",.*"kind":"cancelled"' 4
expect_count $T '"summary":{"events":16,"lost":0}' 1

# Filters: --op and --errors together; --pid picks one of two processes.
start /tmp/t2 -j trace --op echo --errors
trace-mix || fail "trace-mix"
sleep 0.3
stop
expect_count /tmp/t2 '"cmd_op"' 2
expect_count /tmp/t2 '"op":"echo",.*"res":-5,' 2

rm -f /tmp/go
trace-mix @/tmp/go & MP=$!	# both wait for the tracer to attach
trace-mix @/tmp/go & OTHER=$!
start /tmp/t3 -j trace --pid $MP
touch /tmp/go
wait $MP || fail "trace-mix"
wait $OTHER || fail "trace-mix"
sleep 0.3
stop
expect_count /tmp/t3 '"cmd_op"' 16
expect_count /tmp/t3 "\"pid\":$MP," 16

# --duration ends the trace by itself.
t0=$(date +%s)
ucmdctl -j trace --duration 1 > /tmp/t4 2>/dev/null || fail "trace --duration"
[ $(( $(date +%s) - t0 )) -le 4 ] || fail "--duration 1 took too long"
expect_count /tmp/t4 '"summary"' 1

# stats: counts per op.
start /tmp/s1 -j stats
trace-mix || fail "trace-mix"
sleep 0.3
stop
expect_count /tmp/s1 '"op":"echo","cmd_op":[0-9]*,"count":7,"errors":2,' 1
expect_count /tmp/s1 '"op":"delay","cmd_op":[0-9]*,"count":7,"errors":4,' 1
expect_count /tmp/s1 '"op":"sum","cmd_op":[0-9]*,"count":2,"errors":2,' 1
start /tmp/s2 stats --hist
trace-mix || fail "trace-mix"
stop
grep -q '^@latency_ns\[delay\]:' /tmp/s2 || { cat /tmp/s2 >&2; fail "no histogram"; }
grep -q '|@' /tmp/s2 || fail "histogram has no bars"

# tracefs.
TR=/sys/kernel/tracing
echo > $TR/trace
echo 1 > $TR/events/ucmd/enable
ucmdctl cmd echo 77 0x4d > /dev/null
ucmdctl cmd sum 1 > /dev/null
echo 0 > $TR/events/ucmd/enable
grep -q 'ucmd_complete: cmd_op=0xc0107502 name=echo pid=[0-9]* res=77 res2=0x4d' $TR/trace ||
	fail "no ucmd_complete in tracefs"
grep -q 'ucmd_deny: cmd_op=0xc0507504 policy=rules err=-13' $TR/trace ||
	fail "no ucmd_deny in tracefs"
grep -q 'ucmd_issue: cmd_op=0xc0107502 name=echo' $TR/trace || fail "no ucmd_issue"

ucmdctl policy unload rules > /dev/null || fail "unload"
exit 0
