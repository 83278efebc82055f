#!/bin/sh
# Description: `ucmdctl stats` counts every cmd_op exactly, whether the
# per-CPU array slot ucmd_stats_slot(cmd_op) holds it or, because another
# cmd_op took that slot first on that CPU, the hash: 128 cmd_ops of
# ucmd_test.ko's table (type 0x60, nr 0..127: nr and nr ^ 64 share a slot,
# so half of them count in the hash), cmd_op nr issued nr % 3 + 1 times,
# alternating between the two halves so that each slot's first user
# changes; every count in `stats -j` must match and no other op appear.
# The debug kernel issues a quarter: nr 0..15 and 64..79 (16 slots shared).
# Timeout: 200
. /tests/lib.sh
set -u
cleanup
rmmod ucmd_test 2> /dev/null
insmod /ucmd_test.ko nr_table=128 || fail "insmod ucmd_test.ko nr_table=128"

L=64	# slots used; nr 0..L-1 and 64..64+L-1
[ -n "${UCMD_DEBUG_KERNEL:-}" ] && L=16
start_ucmdctl /tmp/ss -j stats; SP=$BGPID
total=0
for r in 1 2 3; do
	for lo in $(seq 0 $((L - 1))); do
		for nr in $lo $((lo + 64)); do
			# the second half first in round 2
			[ $r = 2 ] && nr=$((nr ^ 64))
			[ $((nr % 3 + 1)) -ge $r ] || continue
			expect 0 $(printf '0x60%02x' $nr)
			total=$((total + 1))
		done
	done
done
kill -INT $SP
wait $SP || fail "stats exited $?"
rmmod ucmd_test || fail "rmmod ucmd_test"

nops=$(grep -o '"cmd_op":[0-9]*' /tmp/ss | wc -l)
[ "$nops" = $((2 * L)) ] || fail "$nops cmd_ops in stats, want $((2 * L)): $(cat /tmp/ss)"
sum=0
for nr in $(seq 0 $((L - 1))) $(seq 64 $((63 + L))); do
	want=$((nr % 3 + 1))
	got=$(grep -o "\"cmd_op\":$((0x6000 + nr)),\"count\":[0-9]*" /tmp/ss | cut -d: -f3)
	[ "$got" = "$want" ] || fail "cmd_op 0x60$(printf %02x $nr): count '$got', want $want"
	sum=$((sum + got))
done
[ "$sum" = "$total" ] || fail "stats counted $sum, issued $total"
echo "$total completions of $((2 * L)) cmd_ops counted exactly ($L slots, $L in the hash)"
exit 0
