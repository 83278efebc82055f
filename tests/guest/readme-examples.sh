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
		# A background job of a non-interactive shell starts with
		# SIGINT ignored, and ucmdctl takes it over only once it has
		# attached ("Hit Ctrl-C"): a Ctrl-C before that would be lost
		# and the example would stream for ever. So wait for that line
		# (loading takes seconds on the debug kernel), then 1 s more.
		sh -c "exec $line" > /tmp/ex.out 2>&1 &
		pid=$!
		i=0
		until grep -q 'Hit Ctrl-C' /tmp/ex.out; do
			kill -0 "$pid" 2> /dev/null || { wait "$pid"; fail "example $n: '$line' exited $? before it attached: $(tail -3 /tmp/ex.out)"; }
			i=$((i + 1))
			[ "$i" -le 600 ] || fail "example $n: '$line' never attached in 60 s: $(tail -3 /tmp/ex.out)"
			sleep 0.1
		done
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
