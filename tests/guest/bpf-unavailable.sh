#!/bin/sh
# Description: ucmd.ko without BTF (built without pahole, or for a kernel
# without CONFIG_DEBUG_INFO_BTF_MODULES) still loads: C handlers and
# tracepoints work, features lacks UCMD_F_BPF, sysfs "bpf" and
# `ucmdctl feature` say why, and `policy load` fails with one line saying
# so, attaching nothing. The module with BTF then loads again.
. /tests/lib.sh
set -u
UCMD_F_BPF=$((1 << 9))

trap 'cleanup; [ -e /sys/class/misc/ucmd ] || insmod /ucmd.ko' EXIT

f=$(cat /sys/class/misc/ucmd/features)
[ $((f & UCMD_F_BPF)) -ne 0 ] || fail "ucmd.ko with BTF: features $f lacks UCMD_F_BPF"
[ "$(cat /sys/class/misc/ucmd/bpf)" = available ] || fail "bpf: $(cat /sys/class/misc/ucmd/bpf)"

reload_ucmd /ucmd-nobtf.ko
[ -e /sys/kernel/btf/ucmd ] && fail "ucmd-nobtf.ko has BTF"
f=$(cat /sys/class/misc/ucmd/features)
[ $((f & UCMD_F_BPF)) -eq 0 ] || fail "features $f has UCMD_F_BPF without BTF"
why=$(cat /sys/class/misc/ucmd/bpf)
case "$why" in "unavailable: ucmd.ko has no BTF"*) ;; *) fail "bpf: '$why'" ;; esac
ucmdctl feature | grep -q "BPF struct_ops (ucmd_ops) *unavailable: ucmd.ko has no BTF" ||
	{ ucmdctl feature; fail "ucmdctl feature does not say why"; }
line=$(errline ucmdctl policy load rules)
echo "$line"
case "$line" in *"cannot take BPF policies or handlers: unavailable: ucmd.ko has no BTF"*) ;;
	*) fail "policy load: '$line'" ;; esac
[ -z "$(cat /sys/class/misc/ucmd/bpf_ops)" ] || fail "attached: $(cat /sys/class/misc/ucmd/bpf_ops)"
[ -e /sys/fs/bpf/ucmd/rules ] && fail "pinned without BPF"
# C handlers and tracepoints.
expect 5 echo 5
expect 3 sum 1 1 1
[ -d /sys/kernel/tracing/events/ucmd/ucmd_issue ] || fail "no ucmd_issue tracepoint"
echo 1 > /sys/kernel/tracing/events/ucmd/ucmd_complete/enable
expect 9 echo 9
echo 0 > /sys/kernel/tracing/events/ucmd/ucmd_complete/enable
grep -q 'ucmd_complete:' /sys/kernel/tracing/trace || fail "no ucmd_complete event"
echo > /sys/kernel/tracing/trace

reload_ucmd /ucmd.ko
[ "$(cat /sys/class/misc/ucmd/bpf)" = available ] || fail "BPF after reload"
ucmdctl policy load rules > /dev/null || fail "policy load after reload"
ucmdctl policy unload rules > /dev/null || fail "policy unload"
exit 0
