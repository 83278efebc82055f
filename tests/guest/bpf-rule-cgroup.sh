#!/bin/sh
# Description: the rules policy's cgroup scope: "rule add echo deny EXDEV
# cgroup DIR" denies a process in DIR (cgroup v2) and not one in its
# parent; "rule del ... cgroup DIR" takes it back. Skipped on a kernel
# without cgroup2 (the debug kernel). A missing cgroup is bpf-rule-fields'.
. /tests/lib.sh
set -u
cleanup
CG=/sys/fs/cgroup
[ -e $CG/cgroup.controllers ] || mount -t cgroup2 none $CG 2> /dev/null ||
	{ echo "no cgroup2 on this kernel: cgroup scope not checked"; exit 77; }
mode=$(stat -c %a /dev/ucmd)
trap 'echo $$ > $CG/cgroup.procs; rmdir $CG/ucmdt/child $CG/ucmdt 2>/dev/null; chmod $mode /dev/ucmd; cleanup' EXIT
# in_cg DIR: the res of "ucmdctl cmd echo 4" run in cgroup DIR
in_cg() { run-as -c "$1" ucmdctl -j cmd echo 4 | sed -n 's/.*"res":\(-\{0,1\}[0-9]*\).*/\1/p'; }

ucmdctl policy load rules > /dev/null || fail "load rules"
mkdir -p $CG/ucmdt/child || fail "mkdir cgroup"
ucmdctl rule add echo deny EXDEV cgroup $CG/ucmdt/child || fail "rule add cgroup"
r=$(in_cg $CG/ucmdt/child)
[ "$r" = -18 ] || fail "child cgroup not denied: res '$r'"
r=$(in_cg $CG/ucmdt)
[ "$r" = 4 ] || fail "parent cgroup denied: res '$r'"
expect 4 echo 4
ucmdctl rule del echo cgroup $CG/ucmdt/child || fail "rule del cgroup"
r=$(in_cg $CG/ucmdt/child)
[ "$r" = 4 ] || fail "child cgroup denied after rule del: res '$r'"
