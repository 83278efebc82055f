#!/bin/sh
# Description: every row of ucmd(4)'s ERRORS table names a guest test that
# exists and mentions that errno (EINVAL in its checks, not only in a
# comment is not decidable here: the test has to name it somewhere), and
# every errno a built-in handler or the dispatcher returns has a row.
top=$(cd "$(dirname "$0")/../.." && pwd)
rst=$top/docs/man/ucmd.4.rst
fail() { echo "errno-table: $*" >&2; exit 1; }

rows=$(sed -n '/^ERRORS$/,/^CANCELLATION/p' "$rst" |
	sed -n 's/^   \([A-Z][A-Z0-9]*\|(the rule.s)\)  .*  \([a-z0-9-]*\)$/\1 \2/p' |
	sed "s/(the rule's)/RULE/")
n=$(echo "$rows" | grep -c .)
[ "$n" -ge 20 ] || fail "only $n rows parsed"
echo "$rows" | while read -r e t; do
	f=$top/tests/guest/$t.c
	[ -f "$f" ] || f=$top/tests/guest/$t.sh
	[ -f "$f" ] || fail "row $e names test '$t', which does not exist"
	[ "$e" = RULE ] && continue
	grep -q "$e\b" "$f" || fail "row $e: test $t never names $e"
done || exit 1
# errnos the dispatcher and built-in handlers return must all be listed
for e in $(grep -ho -- '-E[A-Z0-9]*' "$top"/kmod/ucmd_uring_cmd.c "$top"/kmod/ucmd_builtin.c \
		"$top"/kmod/ucmd_rw.c | sort -u | tr -d -- -); do
	case $e in EIOCBQUEUED | EAGAIN | ERESTARTSYS | ENOMEM) continue ;; esac
	echo "$rows" | grep -q "^$e " || fail "$e is returned by kmod but has no row"
done
exit 0
