#!/bin/sh
# Description: the client example of docs/client.md (built from
# docs/examples/ucmd-echo-client.c with include/ucmd/ucmd_uring.h) runs as
# the guide says: the feature mask, ECHO's res and res2, and -EINVAL for
# a nonzero pad field.
. /tests/lib.sh

out=$(ucmd-echo-client 42 0xabc) || fail "exit status $?: $out"
feat=$(cat /sys/class/misc/ucmd/features)
echo "$out" | grep -qx "features $feat" || fail "features line, sysfs $feat: $out"
echo "$out" | grep -qx "echo res 42 res2 0xabc" || fail "echo line: $out"
echo "$out" | grep -qx "echo with pad 1: res -22 (Invalid argument)" || fail "pad line: $out"
exit 0
