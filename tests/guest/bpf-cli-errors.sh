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
ucmdctl policy unload rules > /dev/null || fail "unload"
ucmdctl policy help 2>&1 | grep -q 'Usage:' || fail "policy help"
ucmdctl rule --help 2>&1 | grep -q 'Usage:' || fail "rule --help"
ucmdctl cmd help 2>&1 | grep -q 'Usage:' || fail "cmd help"
ucmdctl --help 2>&1 | grep -q 'Usage:' || fail "--help"
exit 0
