#!/bin/sh
# Description: the model-based fuzzer (tests/fuzz/) finds no violation and
# no policy bypass in at least 300,000 SQEs: random chains on every ring
# shape, two threads (one as uid 65534), policy and handler changes
# between batches; inflight back to 0 at the end. make fuzz runs it
# longer (UCMD_FUZZ=SECONDS:SEED:THREADS from the kernel command line).
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
ucmd-fuzz -t "$secs" -j "$threads" $min ${seed:+-s "$seed"} $flags
rc=$?
chmod "$mode" /dev/ucmd
exit $rc
