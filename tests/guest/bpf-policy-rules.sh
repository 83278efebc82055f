#!/bin/sh
# Description: the rules policy denies with the rule's errno; a rule change
# takes effect without reloading; deleting a rule restores the op; the
# policy stays attached and pinned after ucmdctl exits; unloading it
# restores every op; rule hits are counted. A rule that denies with
# EAGAIN denies (the CQE carries -EAGAIN; io_uring does not take it for a
# retry and the handler never runs; bpf-validate-every-issue covers the
# other issue paths).
. /tests/lib.sh
set -u
cleanup

expect 42 echo 42
ucmdctl policy load rules > /dev/null || fail "load rules"
[ -e /sys/fs/bpf/ucmd/rules/link ] && [ -e /sys/fs/bpf/ucmd/rules/rules ] ||
	fail "not pinned"
grep -q '^rules validate=1 handle=0' /sys/class/misc/ucmd/bpf_ops || fail "not attached"
expect 42 echo 42			# no rule: allowed

ucmdctl rule add echo deny EPERM || fail "rule add"
expect -1 echo 42
ucmdctl rule add echo deny || fail "deny without errno"	# EPERM, ucmd(4)
expect -1 echo 42
ucmdctl rule add echo deny 600 2> /dev/null && fail "deny 600 accepted (errnos are 1..511)"
expect -1 echo 42
ucmdctl rule add echo deny EACCES || fail "rule change"
expect -13 echo 42
expect 0 nop				# other ops untouched
ucmdctl rule add echo deny 28 || fail "numeric errno"	# ENOSPC
expect -28 echo 1
ucmdctl rule add delay deny ETIMEDOUT || fail "rule add delay"
expect -110 delay 10 5
ucmdctl rule add echo deny EAGAIN || fail "rule EAGAIN"
expect -11 echo 5
expect -11 echo 6
hits=$(ucmdctl -j rule list | sed -n 's/.*"op":"echo","uid":null,"verdict":-11,"hits":\([0-9]*\).*/\1/p')
[ "$hits" = 2 ] || fail "EAGAIN rule hits '$hits', want 2 (one issue each)"
ucmdctl rule add sleep deny EAGAIN || fail "rule EAGAIN sleep"
expect -11 sleep 1000
ucmdctl rule add echo allow || fail "rule allow"
expect 7 echo 7

hits=$(ucmdctl -j rule list | sed -n 's/.*"op":"echo","uid":null,"verdict":0,"hits":\([0-9]*\).*/\1/p')
[ "$hits" = 1 ] || fail "echo rule hits '$hits', want 1 (allow since the last change)"

ucmdctl rule del echo || fail "rule del"
expect 9 echo 9
errline ucmdctl rule del echo > /dev/null	# no such rule

ucmdctl policy unload rules > /dev/null || fail "unload"
[ -e /sys/fs/bpf/ucmd/rules ] && fail "pin left behind"
grep -q '^rules ' /sys/class/misc/ucmd/bpf_ops && fail "still attached"
expect 10 delay 10 10			# the delay rule went with the policy
exit 0
