#!/bin/sh
# Description: the three async/sleepable/per-file examples of bpf/ load
# with `ucmdctl handler load` and answer through `ucmdctl cmd` as their
# headers and the README say: timer_wait completes after its delay with
# its res and res2 (and at once, from a bpf_wq, for 0), csum gives the
# CRC32C check value, counter_add counts per file; `handler list` shows
# them (csum as sleepable, counter with release), timer_flush completes
# a waiting timer_wait from another request; unload makes the ops
# -EOPNOTSUPP again.
. /tests/lib.sh
set -u
cleanup

for o in timer csum counter; do
	ucmdctl handler load $o > /dev/null || fail "load $o"
done
for o in timer csum counter; do
	ucmdctl handler list | grep -q "^$o " || fail "$o not listed: $(ucmdctl handler list)"
done
ucmdctl handler list | grep -q '^csum .* sleepable' || fail "csum not listed sleepable"
ucmdctl handler list | grep -q '^counter .* release' || fail "counter not listed with release"
ucmdctl -j handler list | grep -q '"name":"counter".*"release":true' ||
	fail "-j: $(ucmdctl -j handler list)"
t0=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
expect 7 timer_wait 200000 7 99
t1=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
[ $((t1 - t0)) -ge 190 ] || fail "timer_wait 200 ms answered after $((t1 - t0)) ms"
[ "$(res2 timer_wait 1000 0 99)" = 99 ] || fail "timer_wait res2"
expect -22 timer_wait 10000001
expect 3 timer_wait 0 3
ucmdctl -j cmd timer_wait 5000000 1 > /tmp/wait.json &
sleep 0.5
expect 1 timer_flush 0 -4 5
wait
grep -q '"res":-4,.*"res2":5' /tmp/wait.json || fail "flushed wait: $(cat /tmp/wait.json)"
expect 9 csum 123456789
[ "$(res2 csum 123456789)" = $((0xe3069283)) ] || fail "csum res2 $(res2 csum 123456789)"
expect 0 csum ""
[ "$(res2 counter_add 5)" = 5 ] || fail "counter_add"
expect 0 counter_info
for o in timer csum counter; do
	ucmdctl handler unload $o > /dev/null || fail "unload $o"
done
expect -95 timer_wait 1
expect -95 csum x
expect -95 counter_add 1
exit 0
