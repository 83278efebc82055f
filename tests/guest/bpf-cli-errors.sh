#!/bin/sh
# Description: malformed objects and arguments get one "Error: ..." line
# on stderr and a non-zero exit: a missing object, a file that is not a
# BPF object, an object the verifier rejects (the log under -d), unknown
# objects/commands/ops, bad verdicts and errnos, missing arguments,
# unloading what is not loaded, rules without the rules policy.
. /tests/lib.sh
set -u
cleanup

errline ucmdctl policy load /nonexistent.bpf.o
errline ucmdctl policy load nosuchpolicy
errline ucmdctl policy load /init
line=$(errline ucmdctl policy load /tests-bpf/bad_access.bpf.o)
echo "$line" | grep -q 'verifier' || fail "verifier rejection: $line"
ucmdctl -d policy load /tests-bpf/bad_access.bpf.o > /dev/null 2> /tmp/dlog
grep -q 'invalid\|access' /tmp/dlog || fail "-d shows no verifier log"
grep -q '^bad ' /sys/class/misc/ucmd/bpf_ops && fail "rejected object attached"
errline ucmdctl policy load rules name this-name-is-far-too-long
errline ucmdctl policy unload rules
errline ucmdctl nosuchobject
errline ucmdctl policy frobnicate
errline ucmdctl cmd nosuchop
errline ucmdctl cmd echo
errline ucmdctl cmd echo notanumber
errline ucmdctl rule add echo deny		# no rules policy loaded
ucmdctl policy load rules > /dev/null || fail "load rules"
errline ucmdctl rule add echo maybe
errline ucmdctl rule add echo deny ENOTANERRNO
errline ucmdctl rule add
ucmdctl -j rule add echo maybe 2>/dev/null | grep -q '^{"error":' || fail "-j error not JSON"
# Every -j output parses as JSON (json-check, json-c's parser), an error
# quoting user input with '"' and '\' in it included.
for c in "feature" "cmd echo 3 7" "cmd delay 10 -2" "policy list" "policy show rules" \
	"rule list" "rule add echo deny EPERM" "cmd echo 1"; do
	# shellcheck disable=SC2086
	ucmdctl -j $c > /tmp/j.out 2>/dev/null
	json-check < /tmp/j.out || fail "ucmdctl -j $c: not JSON: $(cat /tmp/j.out)"
done
ucmdctl -j cmd 'no"such\op' > /tmp/j.out 2>/dev/null
json-check < /tmp/j.out || fail "error with quotes: $(cat /tmp/j.out)"
grep -q 'no\\"such\\\\op' /tmp/j.out || fail "error does not quote the token: $(cat /tmp/j.out)"
ucmdctl -j policy show rules | grep -q '"pinned":true' || fail "show: $(ucmdctl -j policy show rules)"
ucmdctl -j rule del echo > /dev/null
ucmdctl policy unload rules > /dev/null || fail "unload"
ucmdctl policy help 2>&1 | grep -q 'Usage:' || fail "policy help"
ucmdctl rule --help 2>&1 | grep -q 'Usage:' || fail "rule --help"
ucmdctl cmd help 2>&1 | grep -q 'Usage:' || fail "cmd help"
ucmdctl --help 2>&1 | grep -q 'Usage:' || fail "--help"
exit 0
