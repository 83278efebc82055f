#!/bin/sh
# Description: the ucmd.ko DKMS built (host test dkms, run by make check
# before the guest: dkms add + dkms build for the host's 6.12 kernel from
# what make install-dkms installs) loads here (so its vermagic is this
# kernel's) and works: features match the tree's module, ECHO answers, a BPF
# policy attaches to it (its BTF has ucmd_ops). The tree's module is
# loaded again afterwards.
. /tests/lib.sh
set -u
[ -f /ucmd-dkms.ko ] || { echo "no DKMS-built module for this kernel (the host test dkms builds for the host's 6.12)"; exit 77; }
trap 'cleanup; [ -e /sys/class/misc/ucmd ] || insmod /ucmd.ko' EXIT
cleanup
want=$(cat /sys/class/misc/ucmd/features)
reload_ucmd /ucmd-dkms.ko
[ "$(cat /sys/class/misc/ucmd/features)" = "$want" ] ||
	fail "DKMS module features $(cat /sys/class/misc/ucmd/features), tree's $want"
expect 42 echo 42
ucmdctl policy load rules > /dev/null || fail "policy load on the DKMS module"
ucmdctl rule add echo deny EACCES > /dev/null || fail "rule add"
expect -13 echo 42
ucmdctl policy unload rules > /dev/null || fail "unload"
reload_ucmd /ucmd.ko
exit 0
