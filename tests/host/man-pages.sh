#!/bin/sh
# Description: both man pages build from docs/man/*.rst (rst2man --strict:
# a warning fails) and render with man -l, with their sections: ucmdctl(8)
# documents every object ucmdctl's help lists, ucmd(4) every built-in
# cmd_op of the UAPI header.
top=$(cd "$(dirname "$0")/../.." && pwd)
m=$top/build/man
fail() { echo "man-pages: $*" >&2; exit 1; }

for p in ucmdctl.8 ucmd.4; do
	[ -s "$m/$p" ] || fail "$m/$p missing (make man)"
	out=$(man -l "$m/$p" 2> /tmp/man.err) || fail "man -l $p: $(cat /tmp/man.err)"
	[ -s /tmp/man.err ] && fail "man -l $p warned: $(cat /tmp/man.err)"
	for s in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
		echo "$out" | grep -q "^$s" || fail "$p has no $s section"
	done
done
out8=$(MANWIDTH=200 man -l "$m/ucmdctl.8")
for o in $("$top/build/bin/ucmdctl" help 2>&1 | sed -n 's/^ *OBJECT := { \(.*\) }$/\1/p' | tr -d '|'); do
	echo "$out8" | grep -q "^ *$o\b" || fail "ucmdctl(8) does not document '$o'"
done
echo "$out8" | grep -q "^EXIT STATUS" || fail "ucmdctl(8) has no EXIT STATUS"
out4=$(MANWIDTH=200 man -l "$m/ucmd.4")
for op in $(sed -n 's/^#define \(UCMD_CMD_[A-Z_]*\)\s.*/\1/p' "$top/include/uapi/linux/ucmd.h"); do
	echo "$out4" | grep -q "$op" || fail "ucmd(4) does not document $op"
done
for s in ERRORS SYSFS PERMISSIONS; do
	echo "$out4" | grep -q "^$s" || fail "ucmd(4) has no $s section"
done
exit 0
