#!/bin/sh
# Description: the capabilities a load needs are the ones the docs name:
# as root without CAP_SYS_ADMIN (dropped from the bounding set, as
# capsh --drop does) loading a handler, a policy or the tracer fails with
# one line naming CAP_SYS_ADMIN and nothing attaches; without CAP_BPF and
# CAP_PERFMON (CAP_SYS_ADMIN kept) a handler and a policy load and run.
. /tests/lib.sh
set -u
cleanup
ops=/sys/class/misc/ucmd/bpf_ops
nothing_attached() {
	[ ! -s $ops ] || fail "$1: something attached: $(cat $ops)"
}

for what in "handler load arith" "policy load /tests-bpf/allow_all.bpf.o name capsp" "trace"; do
	# shellcheck disable=SC2086
	line=$(errline run-as -d cap_sys_admin ucmdctl $what)
	echo "$line" | grep -q "needs CAP_SYS_ADMIN, which this process lacks" ||
		fail "'$what' without CAP_SYS_ADMIN: '$line'"
	nothing_attached "$what without CAP_SYS_ADMIN"
done
# CAP_BPF and CAP_PERFMON alone are not enough: the same line.
line=$(errline run-as -d cap_sys_admin ucmdctl handler load arith)
echo "$line" | grep -q "CAP_BPF and CAP_PERFMON are not enough" || fail "'$line'"

# CAP_SYS_ADMIN alone is enough.
run-as -d cap_bpf,cap_perfmon ucmdctl handler load arith ||
	fail "handler load without CAP_BPF and CAP_PERFMON"
grep -q '^arith ' $ops || fail "arith not attached: $(cat $ops)"
run-as -d cap_bpf,cap_perfmon ucmdctl policy load /tests-bpf/allow_all.bpf.o name capsp ||
	fail "policy load without CAP_BPF and CAP_PERFMON"
expect 0 nop
ucmdctl policy unload capsp > /dev/null || fail "policy unload"
ucmdctl handler unload arith > /dev/null || fail "handler unload"
nothing_attached "after the unloads"
exit 0
