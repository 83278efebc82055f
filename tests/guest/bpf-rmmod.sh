#!/bin/sh
# Description: ucmd.ko cannot be unloaded while a struct_ops instance is
# attached (the BPF map holds the module), and can be once it is
# detached; the module then loads again and serves requests.
. /tests/lib.sh
set -u
cleanup

ucmdctl policy load rules > /dev/null || fail "load"
rmmod ucmd 2> /dev/null && fail "rmmod succeeded with a policy attached"
expect 1 echo 1
ucmdctl policy unload rules > /dev/null || fail "unload"
ok=0
for i in 1 2 3 4 5 6 7 8 9 10; do	# BPF objects are freed after an RCU grace period
	rmmod ucmd 2> /dev/null && { ok=1; break; }
	sleep 0.3
done
[ $ok = 1 ] || fail "rmmod after detach"
insmod /ucmd.ko || fail "insmod"
expect 2 echo 2
exit 0
