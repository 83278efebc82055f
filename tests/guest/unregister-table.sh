#!/bin/sh
# Description: a module's table of 2048 handlers, registered one by one and
# unregistered with ucmd_unregister_handlers() (ucmd_test.ko nr_table=2048),
# serves every cmd_op and unloads in one RCU grace period, not 2048: rmmod
# returns within 3 s (one grace period per handler takes tens of seconds
# here); afterwards the cmd_ops get -EOPNOTSUPP again.
. /tests/lib.sh
set -u
cleanup
rmmod ucmd_test 2> /dev/null
up() { cut -d' ' -f1 /proc/uptime; }
insmod /ucmd_test.ko nr_table=2048 || fail "insmod ucmd_test.ko nr_table=2048"
# first, a middle and the last entry: type 0x60 nr 0, 0x63 nr 0xff, 0x67 nr 0xff
for op in 0x6000 0x63ff 0x67ff; do expect 0 "$op"; done
expect -95 0x6800			# one past the table
t0=$(up)
rmmod ucmd_test || fail "rmmod ucmd_test"
t1=$(up)
el=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "rmmod of 2048 handlers: ${el} s"
awk -v e="$el" 'BEGIN { exit !(e < 3) }' || fail "rmmod took ${el} s: a grace period per handler?"
for op in 0x6000 0x67ff; do expect -95 "$op"; done
exit 0
