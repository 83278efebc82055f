#!/bin/sh
# Description: ucmdctl feature says whether BPF LSM programs run (the
# ground of policies on any device's uring_cmd): "active" exactly when
# the kernel has the lsm/uring_cmd hook and "bpf" is among the active
# LSMs in securityfs, else why, naming the lsm= boot parameter to set.
. /tests/lib.sh
set -u
lsms=$(cat /sys/kernel/security/lsm 2> /dev/null) || fail "no /sys/kernel/security/lsm (securityfs)"
line=$(ucmdctl feature | grep '^BPF LSM') || fail "feature has no BPF LSM line"
json=$(ucmdctl -j feature)
case ",$lsms," in
*,bpf,*)
	echo "$line" | grep -q ' active$' || fail "lsm '$lsms' has bpf: '$line'"
	echo "$json" | grep -q '"bpf_lsm":true' || fail "json: $json" ;;
*)
	echo "$line" | grep -q "inactive: the active LSMs are $lsms; boot with lsm=$lsms,bpf" ||
		fail "lsm '$lsms' lacks bpf: '$line'"
	echo "$json" | grep -q '"bpf_lsm":false' || fail "json: $json" ;;
esac
echo "$line"
exit 0
