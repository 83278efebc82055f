#!/bin/sh
# Description: the model-based fuzzer (tests/fuzz/) finds no violation, no
# policy bypass and no slow unregister in at least 300,000 SQEs: random
# chains on every ring shape and mode, two threads (one as uid 65534),
# policy and handler changes between batches, and (-U) handlers attached,
# detached and registered from the submitting threads with their requests
# in flight while another process loads, replaces and unloads a handler
# and a policy; inflight back to 0 at the end. make fuzz runs it longer
# (UCMD_FUZZ=SECONDS:SEED:THREADS from the kernel command line).
. /tests/lib.sh
set -u
cleanup

secs=100 seed="" threads=2 min="-n 300000" flags=""
# A KASAN/lockdep kernel runs several times slower: a time bound only.
[ -n "${UCMD_DEBUG_KERNEL:-}" ] && secs=60 min=""
if [ -n "${UCMD_FUZZ:-}" ]; then
	secs=${UCMD_FUZZ%%:*}
	rest=${UCMD_FUZZ#*:}
	seed=${rest%%:*}
	threads=${rest#*:}
	case $threads in *:*) flags=${threads#*:}; threads=${threads%%:*} ;; esac
	[ -n "$threads" ] || threads=2
	min=""
fi
# The uid 65534 thread opens /dev/ucmd too: let it, for this test only.
mode=$(stat -c %a /dev/ucmd)
chmod 0666 /dev/ucmd
rmmod ucmd_test 2> /dev/null
insmod /ucmd_test.ko || fail "insmod ucmd_test.ko"
ucmd-fuzz -U -t "$secs" -j "$threads" $min ${seed:+-s "$seed"} $flags
rc=$?
chmod "$mode" /dev/ucmd
n=0
until rmmod ucmd_test 2> /dev/null; do
	n=$((n + 1))
	[ $n -lt 50 ] || { echo "rmmod ucmd_test: still in use" >&2; [ $rc -ne 0 ] || rc=1; break; }
	sleep 0.1
done
exit $rc
