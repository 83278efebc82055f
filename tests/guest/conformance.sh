#!/bin/sh
# Description: tests/conformance/ (ucmd-conformance) against /dev/ucmd and
# the guest's NVMe namespace and controller char devices: each SQE one
# CQE with its user_data, errors, IOSQE_ASYNC, links, CQE32 res2, ring
# close with commands in flight. Its per-check report is printed by
# make check (tools/vm/report.sh shows the "conformance" lines).
. /tests/lib.sh
set -u
trap cleanup EXIT

for i in $(seq 50); do [ -e /dev/ng0n1 ] && break; sleep 0.1; done
devs=/dev/ucmd
if [ -e /dev/ng0n1 ]; then
	devs="$devs /dev/ng0n1 /dev/nvme0"
else
	echo "conformance /dev/ng0n1: SKIP (no nvme modules for this kernel in the guest)"
fi
rc=0
for d in $devs; do
	ucmd-conformance $d > /tmp/conf.out 2>&1 || rc=1
	cat /tmp/conf.out
	grep -q "^6 passed, 0 failed, 0 skipped$\|^5 passed, 0 failed, 1 skipped$" /tmp/conf.out || rc=1
done
[ $rc -eq 0 ] || fail "a conformance check failed"
