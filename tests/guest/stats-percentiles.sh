#!/bin/sh
# Description: `ucmdctl stats` percentiles are within 10% of the true
# value: 100 DELAYs of 6.0 to 10.0 ms (log2 buckets had put p50 and p99
# at 16.8 ms) and 100 of 20 to 400 us, while `ucmdctl trace` records each
# completion's exact latency from the same tracepoint; p50 and p99 of
# `stats -j`, and of its table, are compared with the percentiles of
# those exact latencies (same rank: the ceil(q * n)-th smallest). The
# table prints the same quantile() figures, in us.
# Timeout: 200
. /tests/lib.sh
set -u
cleanup

# nth FILE N: the N-th smallest number in FILE
nth() { sort -n "$1" | sed -n "${2}p"; }
# within GOT WANT: |GOT - WANT| <= 10% of WANT
within() { awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(w > 0 && d <= w / 10) }'; }

check() {	# check NAME FIRST_US STEP_US
	name=$1
	start_ucmdctl /tmp/pt -j trace --op delay; TP=$BGPID
	start_ucmdctl /tmp/ps -j stats --op delay; SP=$BGPID
	i=0
	while [ $i -lt 100 ]; do
		ucmdctl cmd delay $(( $2 + $3 * i )) > /dev/null || fail "$name: delay"
		i=$((i + 1))
	done
	sleep 0.2
	kill -INT $TP $SP
	wait $TP || fail "trace exited $?"
	wait $SP || fail "stats exited $?"
	grep '"res"' /tmp/pt | grep -o '"latency_ns":[0-9]*' | cut -d: -f2 > /tmp/lat
	n=$(wc -l < /tmp/lat)
	[ "$n" = 100 ] || fail "$name: $n traced completions, want 100"
	grep -q '"count":100,' /tmp/ps || fail "$name: stats: $(cat /tmp/ps)"
	for q in 50 99; do
		true_ns=$(nth /tmp/lat $q)	# ceil(q/100 * 100)
		got=$(grep -o "\"p${q}_ns\":[0-9]*" /tmp/ps | cut -d: -f2)
		within "$got" "$true_ns" ||
			fail "$name: p$q $got ns, true $true_ns ns (more than 10% off)"
		echo "$name: p$q $got ns, true $true_ns ns"
	done
}

check "6-10 ms" 6000 40
check "20-400 us" 20 4

exit 0
