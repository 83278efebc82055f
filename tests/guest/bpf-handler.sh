#!/bin/sh
# Description: cmd_ops implemented in BPF without rebuilding the module:
# the kv handler's PUT/GET/DEL over a BPF map and arith's ADD/MUL return
# result and res2; a second claim of the same cmd_ops, or of a built-in
# one, fails with one EEXIST error line and changes nothing; unloading
# restores -EOPNOTSUPP.
. /tests/lib.sh
set -u
cleanup

expect -95 kv_get 1
ucmdctl handler load kv > /dev/null || fail "load kv"
ucmdctl handler load arith > /dev/null || fail "load arith"
ucmdctl handler list | grep -q '^kv .*handler' || fail "handler list"
ucmdctl policy list | grep -q 'no policy' || fail "kv listed as a policy"

expect 0 kv_put 7 4242
expect 0 kv_get 7
[ "$(res2 kv_get 7)" = 4242 ] || fail "kv_get res2 $(res2 kv_get 7)"
expect -2 kv_get 8
expect 0 kv_put 7 1
[ "$(res2 kv_get 7)" = 1 ] || fail "kv overwrite"
expect 0 kv_del 7
expect -2 kv_del 7
expect -2 kv_get 7

expect 0 arith_add 40 2
[ "$(res2 arith_add 40 2)" = 42 ] || fail "add res2"
[ "$(res2 arith_mul 6 7)" = 42 ] || fail "mul res2"
expect -75 arith_mul 0x100000000 0x100000000	# EOVERFLOW

line=$(errline ucmdctl handler load kv name kv2)
echo "$line" | grep -q EEXIST || fail "second claim: $line"
line=$(errline ucmdctl handler load /tests-bpf/conflict.bpf.o)
echo "$line" | grep -q EEXIST || fail "claim of ECHO: $line"
grep -q '^kv2 \|^conflict ' /sys/class/misc/ucmd/bpf_ops && fail "failed claim attached"
[ -e /sys/fs/bpf/ucmd/kv2 ] && fail "failed claim pinned"
expect 5 echo 5			# ECHO still the built-in
line=$(errline ucmdctl handler load kv)
echo "$line" | grep -q "already attached" || fail "same name: $line"

ucmdctl handler unload kv > /dev/null || fail "unload kv"
expect -95 kv_get 7
expect 0 arith_add 1 1		# arith unaffected
ucmdctl handler unload arith > /dev/null || fail "unload arith"
expect -95 arith_add 1 1
exit 0
