#!/bin/sh
# Description: only ->handle_sleepable may hold a sleepable program, and
# only sleepable programs may copy user memory. Refused by the kernel at
# load, each with one error line, the verifier's own reason under -d, and
# nothing attached: a sleepable validator and a sleepable ->handle
# (ucmd_ops' ->check_member: they run under rcu_read_lock() and
# IO_URING_F_NONBLOCK), a non-sleepable ->handle calling
# bpf_ucmd_copy_from_user() (KF_SLEEPABLE), and an instance setting both
# handle members (registration -EINVAL).
. /tests/lib.sh
set -u
cleanup

line=$(errline ucmdctl policy load /tests-bpf/sleepable.bpf.o)
echo "$line" | grep -q "sleepy_validate.*sleepable" || fail "no reason given: $line"
ucmdctl -d policy load /tests-bpf/sleepable.bpf.o > /dev/null 2> /tmp/dlog
grep -q 'attach to unsupported member validate of struct ucmd_ops' /tmp/dlog ||
	fail "the kernel did not refuse it: $(tail -3 /tmp/dlog)"

errline ucmdctl handler load /tests-bpf/sleepy_handle.bpf.o > /dev/null
ucmdctl -d handler load /tests-bpf/sleepy_handle.bpf.o > /dev/null 2> /tmp/dlog
grep -q 'attach to unsupported member handle of struct ucmd_ops' /tmp/dlog ||
	fail "sleepable handle not refused: $(tail -3 /tmp/dlog)"

errline ucmdctl handler load /tests-bpf/ucopy_nonsleep.bpf.o > /dev/null
ucmdctl -d handler load /tests-bpf/ucopy_nonsleep.bpf.o > /dev/null 2> /tmp/dlog
grep -q 'program must be sleepable to call sleepable kfunc bpf_ucmd_copy_from_user' /tmp/dlog ||
	fail "user copy outside a sleepable program not refused: $(tail -3 /tmp/dlog)"

line=$(errline ucmdctl handler load /tests-bpf/both_handles.bpf.o)
echo "$line" | grep -q "both handle and handle_sleepable (EINVAL)" || fail "both handles: $line"

for n in sleepy sleepy_h ucopy_ns both; do
	grep -q "^$n " /sys/class/misc/ucmd/bpf_ops && fail "$n attached"
done
exit 0
