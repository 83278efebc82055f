#!/bin/sh
# Description: trace names a user's BPF ops by their instance (op
# "raw_res", and "ctimer", an object renamed at load), ucmdctl takes
# those names for cmd_op (cmd raw_res, cmd ctimer+1 beyond a range's
# end is refused with one line), and a request an unload cancels is
# traced with the handler's name, not "-".
. /tests/lib.sh
set -u
cleanup

ucmdctl handler load /tests-bpf/raw_res.bpf.o > /dev/null || fail "load raw_res"
ucmdctl handler load /tests-bpf/churn_timer.bpf.o name ctimer > /dev/null || fail "load ctimer"
start_ucmdctl /tmp/tn -j trace
TP=$BGPID
expect 7 raw_res 7
line=$(errline ucmdctl cmd raw_res+1)
echo "$line" | grep -q "handler raw_res serves 1 cmd_op" || fail "raw_res+1: '$line'"
# A 10 s wait, cancelled by the unload (-ECANCELED).
ucmdctl -j cmd ctimer 10000000 5 > /tmp/tn.cmd 2>&1 & CP=$!
i=0
while [ "$(cat /sys/class/misc/ucmd/inflight)" = 0 ] && [ $i -lt 100 ]; do
	sleep 0.05; i=$((i + 1))
done
[ "$(cat /sys/class/misc/ucmd/inflight)" != 0 ] || fail "the ctimer wait is not in flight"
ucmdctl handler unload ctimer > /dev/null || fail "unload ctimer"
wait $CP || fail "cmd ctimer: $(cat /tmp/tn.cmd)"
grep -q '"res":-125' /tmp/tn.cmd || fail "cmd ctimer: $(cat /tmp/tn.cmd), want -ECANCELED"
sleep 0.3
kill -INT $TP
wait $TP || fail "tracer exited $?"
expect_count /tmp/tn '"op":"raw_res",.*"res":7,.*"name":"raw_res"' 1
expect_count /tmp/tn '"op":"ctimer",.*"res":-125,.*"kind":"cancelled","name":"ctimer"' 1
ucmdctl handler unload raw_res > /dev/null || fail "unload raw_res"
exit 0
