#!/bin/sh
# Description: the README's ucmdctl examples run as written, in order, each
# exiting 0: every line of its sh blocks that starts with "ucmdctl"
# (extracted at build time into readme-examples.cmds). Fixtures the
# examples presuppose: ./mine.bpf.o (a copy of the rules object) and the
# cgroup /sys/fs/cgroup/guests (on a kernel without cgroup v2, the debug
# kernel's, that one example is not run and the test says so); the
# examples that stream until Ctrl-C must attach, and get one 1 s after
# they have (SIGINT, as the README says).
. /tests/lib.sh
userspace_only
set -u
cleanup
cmds=/tests/readme-examples.cmds
[ "$(grep -c . "$cmds")" -ge 30 ] || fail "only $(grep -c . "$cmds") examples extracted"
cd /tmp || fail "cd /tmp"
cp /lib/ucmd/rules.bpf.o mine.bpf.o
[ -e /sys/fs/cgroup/cgroup.controllers ] || mount -t cgroup2 none /sys/fs/cgroup 2> /dev/null
mkdir -p /sys/fs/cgroup/guests 2> /dev/null
n=0
while IFS= read -r line; do
	n=$((n + 1))
	case $line in
	*" cgroup /sys/fs/cgroup/"*)
		if [ ! -d /sys/fs/cgroup/guests ]; then
			echo "example $n not run: this kernel has no cgroup v2 ($line)"
			continue
		fi
		sh -c "$line" > /tmp/ex.out 2>&1 || fail "example $n: '$line': $(tail -3 /tmp/ex.out)" ;;
	*" trace"*--duration* | *" stats"*--duration*)
		sh -c "$line" > /tmp/ex.out 2>&1 || fail "example $n: '$line': $(tail -3 /tmp/ex.out)" ;;
	*" trace"* | *" stats"*)
		# A Ctrl-C before it has attached would be lost (wait_attached).
		sh -c "exec $line" > /tmp/ex.out 2>&1 &
		pid=$!
		wait_attached "$pid" /tmp/ex.out ||
			fail "example $n: '$line' exited or did not attach in 60 s: $(tail -3 /tmp/ex.out)"
		sleep 1
		kill -INT "$pid"
		wait "$pid" || fail "example $n: '$line' exited $? on Ctrl-C: $(tail -3 /tmp/ex.out)" ;;
	*)
		sh -c "$line" > /tmp/ex.out 2>&1 || fail "example $n: '$line': $(tail -3 /tmp/ex.out)" ;;
	esac
done < "$cmds"
cleanup
rmdir /sys/fs/cgroup/guests 2> /dev/null
exit 0
