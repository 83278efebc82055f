#!/bin/sh
# Description: ucmdctl feature says whether BPF LSM programs run (the
# ground of policies on any device's uring_cmd): "active" exactly when
# the kernel has the lsm/uring_cmd hook and "bpf" is among the active
# LSMs in securityfs, else why, naming the lsm= boot parameter to set
# (without securityfs: that it cannot tell).
. /tests/lib.sh
set -u
line=$(ucmdctl feature | grep '^BPF LSM') || fail "feature has no BPF LSM line"
json=$(ucmdctl -j feature)
if ! lsms=$(cat /sys/kernel/security/lsm 2> /dev/null); then
	# No securityfs (the debug kernel lacks CONFIG_SECURITYFS): not known.
	echo "$line" | grep -q "unknown: cannot read /sys/kernel/security/lsm\|unavailable: the kernel has no BPF LSM" ||
		fail "no securityfs: '$line'"
	echo "$json" | grep -q '"bpf_lsm":false' || fail "json: $json"
	echo "$line"
	exit 0
fi
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
