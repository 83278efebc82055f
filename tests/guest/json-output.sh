#!/bin/sh
# Description: every ucmdctl command's -j output parses as JSON (json-c's
# parser, one value per line) and its -p output as a stream of JSON
# values over several lines: feature, cmd, policy and handler
# load/list/show/replace/unload, rule add/del/default/list, trace and stats
# (with --hist), errors. A process named a"b\c (quote and backslash) is
# traced: its comm comes back decoded exactly.
. /tests/lib.sh
userspace_only
set -u
cleanup

j() {	# j ARGS...: ucmdctl -j ARGS must print JSON, and -p a stream of it
	ucmdctl -j "$@" > /tmp/j.out 2> /tmp/j.err
	json-check < /tmp/j.out || fail "ucmdctl -j $*: $(cat /tmp/j.out /tmp/j.err)"
}
p() {
	ucmdctl -p "$@" > /tmp/p.out 2> /tmp/p.err
	json-check -s < /tmp/p.out || fail "ucmdctl -p $*: $(cat /tmp/p.out /tmp/p.err)"
	[ "$(wc -l < /tmp/p.out)" -gt 1 ] || fail "ucmdctl -p $*: one line: $(cat /tmp/p.out)"
}

j feature; p feature
for c in "nop" "get_features" "echo 3 7" "delay 10 -2" "sum 1 2 3" "read 16" "write 16" "sleep 10"; do
	# shellcheck disable=SC2086
	j cmd $c
done
p cmd echo 3 7
j policy load rules; j policy list; p policy list; j policy show rules; p policy show rules
j rule add echo deny EPERM; j rule add nop deny EACCES uid 1000
j rule add delay deny E2BIG if delay_us gt 100000
j rule default allow; j rule list; p rule list; j rule del echo
j policy replace rules rules
j handler load kv; j handler list; j handler show kv; j cmd kv_put 1 2; j cmd kv_get 1
j handler unload kv
j policy unload rules
# errors are JSON too, on stdout
j cmd nosuchop; grep -q '"error"' /tmp/j.out || fail "no error object: $(cat /tmp/j.out)"

# trace and stats: a process whose comm has a quote and a backslash
cp /bin/ucmdctl '/tmp/a"b\c'
start_ucmdctl /tmp/trace.json -j trace
'/tmp/a"b\c' cmd echo 5 > /dev/null || fail "echo from a\"b\\c"
sleep 0.3
kill -INT "$BGPID"; wait "$BGPID"
json-check < /tmp/trace.json || fail "trace -j: $(head -5 /tmp/trace.json)"
json-check -k comm -v 'a"b\c' < /tmp/trace.json || fail "comm not decoded: $(grep echo /tmp/trace.json)"
start_ucmdctl /tmp/stats.json -j stats --hist
ucmdctl cmd delay 100 > /dev/null
sleep 0.3
kill -INT "$BGPID"; wait "$BGPID"
json-check < /tmp/stats.json || fail "stats -j: $(cat /tmp/stats.json)"
ucmdctl -p stats --duration 0.3 > /tmp/stats.p 2> /dev/null
json-check -s < /tmp/stats.p || fail "stats -p: $(cat /tmp/stats.p)"
rm -f '/tmp/a"b\c'
exit 0
