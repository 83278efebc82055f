#!/bin/sh
# Description: a sleepable program (SEC("struct_ops.s/validate")) is
# refused by the kernel at load (ucmd_ops' ->check_member: validators run
# under rcu_read_lock()): one error line naming the program and why, the
# verifier's own reason under -d, and nothing attached.
. /tests/lib.sh
set -u
cleanup

line=$(errline ucmdctl policy load /tests-bpf/sleepable.bpf.o)
echo "$line" | grep -q "sleepy_validate.*sleepable" || fail "no reason given: $line"
ucmdctl -d policy load /tests-bpf/sleepable.bpf.o > /dev/null 2> /tmp/dlog
grep -q 'attach to unsupported member validate of struct ucmd_ops' /tmp/dlog ||
	fail "the kernel did not refuse it: $(tail -3 /tmp/dlog)"
grep -q '^sleepy ' /sys/class/misc/ucmd/bpf_ops && fail "sleepable program attached"
exit 0
