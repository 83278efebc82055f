#!/bin/sh
# Description: malformed objects and arguments get one "Error: ..." line
# on stderr and a non-zero exit: a missing object, a file that is not a
# BPF object, an object the verifier rejects (the log under -d), unknown
# objects/commands/ops, bad verdicts and errnos, missing arguments,
# unloading what is not loaded, rules without the rules policy.
. /tests/lib.sh
userspace_only
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
# the wrong kind of object: refused before anything attaches, token named
line=$(errline ucmdctl policy load kv)
echo "$line" | grep -q "'kv'.*no validate member" || fail "policy load kv: $line"
line=$(errline ucmdctl handler load rules)
echo "$line" | grep -q "'rules'.*no handle member" || fail "handler load rules: $line"
[ -s /sys/class/misc/ucmd/bpf_ops ] && fail "a refused object attached: $(cat /sys/class/misc/ucmd/bpf_ops)"
# a missing bundled object names where it was looked for
line=$(errline ucmdctl policy load nosuchpolicy)
echo "$line" | grep -q "/lib/ucmd" || fail "no directories named: $line"
# ids: no sign, no overflow; pids are process ids
line=$(errline ucmdctl trace --pid -1)
echo "$line" | grep -q "'-1'" || fail "--pid -1: $line"
errline ucmdctl trace --pid 0
errline ucmdctl stats --pid 99999999999
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
line=$(errline ucmdctl rule add echo deny EPERM uid -5)
echo "$line" | grep -q "'-5'" || fail "uid -5: $line"
errline ucmdctl rule add echo deny EPERM gid 4294967295
ucmdctl rule list | grep -q 4294967291 && fail "uid -5 was stored"
# prefixes resolve to the first command in table order, as bpftool's
ucmdctl p li > /tmp/pl.out 2>&1 || fail "'p li': $(cat /tmp/pl.out)"
grep -q '^rules' /tmp/pl.out || fail "'p li' is not policy list: $(cat /tmp/pl.out)"
line=$(errline ucmdctl p l)	# policy load, without its OBJ
echo "$line" | grep -q 'load OBJ' || fail "'p l' is not policy load: $line"
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
# each kind's help lists its own options only: a handler has no default
# verdict, no replace, and the policies are not its objects
ucmdctl policy help 2>&1 | grep -q 'replace NAME OBJ' || fail "policy help: no replace"
ucmdctl policy help 2>&1 | grep -q 'default { allow' || fail "policy help: no default"
h=$(ucmdctl handler help 2>&1)
echo "$h" | grep -q 'handler load OBJ' || fail "handler help: $h"
echo "$h" | grep -q 'default {\|replace NAME\|rules\|payload_check' && fail "handler help lists policy options: $h"
ucmdctl rule --help 2>&1 | grep -q 'Usage:' || fail "rule --help"
ucmdctl cmd help 2>&1 | grep -q 'Usage:' || fail "cmd help"
ucmdctl --help 2>&1 | grep -q 'Usage:' || fail "--help"
exit 0
