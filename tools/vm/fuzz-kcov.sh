#!/bin/sh
# Description: make fuzz KCOV=1 (tools/vm/fuzz-kcov.sh, only in that run):
# the fuzzer twice with the same seed, first tracing ucmd.ko's edges with
# KCOV only (-K), then with coverage feedback (-F); each must be clean
# (no violation, bypass or slow unregister) and print its edges every 30 s.
# UCMD_FUZZ=SECONDS:SEED:THREADS as for the fuzz test.
. /tests/lib.sh
set -u
cleanup

secs=${UCMD_FUZZ%%:*}
rest=${UCMD_FUZZ#*:}
seed=${rest%%:*}
threads=${rest#*:}
[ -n "$threads" ] || threads=2
[ -n "$seed" ] || seed=$(cut -d' ' -f1 /proc/uptime | tr -d .)
[ -e /sys/kernel/debug/kcov ] || fail "no /sys/kernel/debug/kcov: the kernel lacks CONFIG_KCOV"
mode=$(stat -c %a /dev/ucmd)
chmod 0666 /dev/ucmd
rmmod ucmd_test 2> /dev/null
insmod /ucmd_test.ko || fail "insmod ucmd_test.ko"
rc=0
for f in -K -F; do
	echo "=== ucmd-fuzz $f (seed $seed)"
	ucmd-fuzz -U $f -t "$secs" -j "$threads" -s "$seed" || rc=1
done
chmod "$mode" /dev/ucmd
rmmod ucmd_test 2> /dev/null
exit $rc
