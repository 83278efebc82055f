#!/bin/sh
# Description: the rules policy's payload-field conditions, scopes and
# default. Each CMP (eq ne lt le gt ge mask) on a field of READ, WRITE,
# DELAY or SUM named from ucmd.ko's BTF (delay_us, res as a signed field,
# count, vals[1], len, offset), several conditions ANDed, hex values,
# OFFSET:SIZE on a BPF-defined op (kv_put); uid and gid scope (run-as;
# cgroup scope: bpf-rule-cgroup); "policy load rules default deny EPERM"
# with one allow rule,
# shown by rule list; and bad input (unknown field, op, errno or CMP,
# value out of the field's range, too many conditions, a missing cgroup,
# a negative uid, an index past the array, a range past the payload),
# each one line naming the token, with `rule list -j` unchanged.
. /tests/lib.sh
set -u
cleanup
mode=$(stat -c %a /dev/ucmd)
trap 'chmod $mode /dev/ucmd; cleanup' EXIT

ucmdctl policy load rules > /dev/null || fail "load rules"
add() { ucmdctl rule add "$@" || fail "rule add $*"; }
del() { ucmdctl rule del "$@" || fail "rule del $*"; }

# gt on an unsigned u64, lt on a signed s32 (DELAY)
add delay deny E2BIG if delay_us gt 1000
expect -7 delay 2000
expect 3 delay 1000 3
del delay if delay_us gt 1000
add delay deny EDOM if res lt -3
expect -33 delay 0 -4
expect -3 delay 0 -3
expect 5 delay 0 5
# ge, and eq on an array element (SUM)
add sum deny ERANGE if count ge 3
add sum deny EDOM if 'vals[1]' eq 7
expect 2 sum 1 2
expect -34 sum 1 2 3
expect -33 sum 1 7
# le (READ); mask and ne (WRITE)
add read deny EFBIG if len le 16
expect -27 read 16
expect 17 read 17
add write deny ENOSPC if offset mask 0x1
add write deny EROFS if len ne 4
expect -28 write 4 1
expect 4 write 4 2
expect -30 write 5 2
# conditions ANDed; hex
add echo deny EPERM if res ge 10 if res le 20
add echo deny EACCES if res2 eq 0xbeef
expect -1 echo 15
expect 25 echo 25
expect 5 echo 5
expect -13 echo 1 0xbeef
ucmdctl rule list | grep -q '^echo .*deny EPERM *if res ge 10 if res le 20' ||
	fail "rule list: $(ucmdctl rule list)"
# OFFSET:SIZE on an op with no struct in ucmd's BTF
ucmdctl handler load kv > /dev/null || fail "load kv"
line=$(errline ucmdctl rule add kv_put deny EACCES if key eq 7)
echo "$line" | grep -q "OFFSET:SIZE" || fail "kv_put by name: $line"
add kv_put deny EACCES if 0:8 eq 7
expect -13 kv_put 7 1
expect 0 kv_put 8 1
ucmdctl handler unload kv > /dev/null

# uid and gid scope: scoped rules decide before rules for anyone
chmod 0666 /dev/ucmd
add nop deny EACCES uid 65534
add nop deny EXDEV gid 1234
as() { run-as "$@" ucmdctl -j cmd nop | sed -n 's/.*"res":\(-\{0,1\}[0-9]*\).*/\1/p'; }
[ "$(as -g 65534 -u 65534)" = -13 ] || fail "uid 65534: $(as -g 65534 -u 65534)"
[ "$(as -g 1234 -u 1000)" = -18 ] || fail "gid 1234: $(as -g 1234 -u 1000)"
[ "$(as -g 1000 -u 1000)" = 0 ] || fail "uid 1000: $(as -g 1000 -u 1000)"
expect 0 nop

# bad input: one line each, naming the token, nothing changed
before=$(ucmdctl -j rule list)
bad() {
	tok=$1; shift
	line=$(errline ucmdctl rule add "$@")
	echo "$line" | grep -qF -- "$tok" || fail "'rule add $*': '$line' does not name '$tok'"
}
bad nosuch delay deny EPERM if nosuch eq 1
bad nosuchop nosuchop deny EPERM
bad ENOTANERRNO echo deny ENOTANERRNO
bad zz echo deny EPERM if res zz 1
bad 0x100000000 read deny EPERM if len eq 0x100000000
bad -2147483649 echo deny EPERM if res eq -2147483649
bad -1 read deny EPERM if len eq -1
bad 'res' echo deny EPERM if res eq 1 if res eq 2 if res eq 3 if res eq 4 if res eq 5
bad /sys/fs/cgroup/nonexistent echo deny EPERM cgroup /sys/fs/cgroup/nonexistent
bad -5 echo deny EPERM uid -5
bad 'vals[9]' sum deny EPERM if 'vals[9]' eq 1
bad 12:8 kv_put deny EPERM if 12:8 eq 1
after=$(ucmdctl -j rule list)
[ "$before" = "$after" ] || fail "rules changed by bad input: $before -> $after"

# default deny with one allow rule
ucmdctl policy unload rules > /dev/null || fail "unload"
ucmdctl policy load rules default deny EPERM > /dev/null || fail "load default deny"
expect -1 nop
expect -1 echo 3
add echo allow
expect 3 echo 3
expect -1 nop
ucmdctl rule list | grep -q '^default *deny EPERM' || fail "rule list: $(ucmdctl rule list)"
ucmdctl -j rule list | grep -q '"default":{"verdict":-1,"hits":[1-9]' ||
	fail "rule list -j: $(ucmdctl -j rule list)"
errline ucmdctl rule default maybe > /dev/null
ucmdctl rule default allow || fail "rule default allow"
expect 0 nop
line=$(errline ucmdctl handler load kv default deny EPERM)
echo "$line" | grep -q "defaults" || fail "default on a handler: $line"
ucmdctl policy unload rules > /dev/null
exit 0
