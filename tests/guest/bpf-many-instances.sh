#!/bin/sh
# Description: any number of BPF instances can be attached and listed: 80
# validators (56 on the debug kernel) with 15-character names (more than
# one page of the sysfs listing, which v1 truncated after about 55) are all in
# /sys/class/misc/ucmd/bpf_ops, in attach order, and in "ucmdctl policy
# list"; requests still pass through all of them; each unloads.
# Timeout: 400
. /tests/lib.sh
set -u
cleanup

N=80	# 56 on the debug kernel: still more than a page (checked below)
[ -n "${UCMD_DEBUG_KERNEL:-}" ] && N=56
i=0
while [ $i -lt $N ]; do
	ucmdctl policy load /tests-bpf/allow_all.bpf.o name "$(printf 'many_instance%02d' $i)" \
		> /dev/null || fail "load $i"
	i=$((i + 1))
done
n=$(grep -c '^many_instance[0-9][0-9] validate=1 handle=0' /sys/class/misc/ucmd/bpf_ops)
[ "$n" = $N ] || fail "bpf_ops lists $n of $N instances ($(wc -c < /sys/class/misc/ucmd/bpf_ops) bytes)"
[ "$(wc -c < /sys/class/misc/ucmd/bpf_ops)" -gt 4096 ] ||
	fail "bpf_ops is $(wc -c < /sys/class/misc/ucmd/bpf_ops) bytes: not more than a page"
[ "$(sed -n "${N}p" /sys/class/misc/ucmd/bpf_ops | cut -d' ' -f1)" = "many_instance$((N - 1))" ] ||
	fail "not in attach order"
n=$(ucmdctl policy list | grep -c '^many_instance')
[ "$n" = $N ] || fail "policy list shows $n of $N"
expect 42 echo 42
i=0
while [ $i -lt $N ]; do
	ucmdctl policy unload "$(printf 'many_instance%02d' $i)" > /dev/null || fail "unload $i"
	i=$((i + 1))
done
[ -z "$(cat /sys/class/misc/ucmd/bpf_ops)" ] || fail "left attached"
exit 0
