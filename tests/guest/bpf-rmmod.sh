#!/bin/sh
# Description: ucmd.ko cannot be unloaded while a struct_ops instance is
# attached (the BPF map holds the module); `policy unload` / `handler
# unload` return once the kernel has freed the instance's BPF objects, so
# rmmod right after the last unload succeeds at the first try: for a
# policy, and, 3 rounds, for a mix of a deferring handler with requests
# parked in its kptr map (timer), a sleepable one (csum: freed after an
# RCU-tasks-trace grace period), a per-file one (counter) and the rules
# policy, unloaded in changing order. sysfs module_refs counts what the
# instances hold (0 after the last unload, smaller after each one), and
# a handler module's reference (ucmd_test.ko) neither counts as a BPF
# object's nor makes unload wait; the module loads again and serves
# requests.
. /tests/lib.sh
set -u
cleanup

refs() { cat /sys/class/misc/ucmd/module_refs; }

[ "$(refs)" = 0 ] || fail "module_refs $(refs) before any load"
ucmdctl policy load rules > /dev/null || fail "load"
[ "$(refs)" -gt 0 ] || fail "module_refs $(refs) with a policy attached"
rmmod ucmd 2> /dev/null && fail "rmmod succeeded with a policy attached"
expect 1 echo 1
ucmdctl policy unload rules > /dev/null || fail "unload"
[ "$(refs)" = 0 ] || fail "module_refs $(refs) after the unload returned"
rmmod ucmd || fail "rmmod right after unload"
insmod /ucmd.ko || fail "insmod"
expect 2 echo 2

# A handler module using ucmd's symbols holds a reference of its own:
# unload waits for the BPF objects only (no 10 s warning), and rmmod
# works once that module is gone.
insmod /ucmd_test.ko || fail "insmod ucmd_test.ko"
ucmdctl handler load timer > /dev/null || fail "load timer with ucmd_test"
t0=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
ucmdctl handler unload timer > /dev/null 2> /tmp/unload.err || fail "unload timer with ucmd_test"
t1=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)
[ -s /tmp/unload.err ] && fail "unload with ucmd_test loaded: $(cat /tmp/unload.err)"
[ $((t1 - t0)) -lt 5000 ] || fail "unload with ucmd_test loaded took $((t1 - t0)) ms"
[ "$(refs)" = 1 ] || fail "module_refs $(refs) with ucmd_test.ko loaded, want 1"
rmmod ucmd_test || fail "rmmod ucmd_test"
rmmod ucmd || fail "rmmod ucmd after ucmd_test"
insmod /ucmd.ko || fail "insmod"

for round in 1 2 3; do
	ucmdctl handler load timer > /dev/null || fail "load timer"
	ucmdctl handler load csum > /dev/null || fail "load csum"
	ucmdctl handler load counter > /dev/null || fail "load counter"
	ucmdctl policy load rules > /dev/null || fail "load rules"
	# two requests parked in the timer's map; unload cancels them. The
	# longest wait the handler takes (10 s): on the debug kernel the
	# unloads before the timer's (round 2) took more than 5 s.
	ucmdctl -j cmd timer_wait 10000000 > /tmp/tw1 &
	ucmdctl -j cmd timer_wait 10000000 > /tmp/tw2 &
	for i in $(seq 50); do
		[ "$(cat /sys/class/misc/ucmd/inflight)" = 2 ] && break
		sleep 0.1
	done
	[ "$(cat /sys/class/misc/ucmd/inflight)" = 2 ] || fail "round $round: timers not waiting"
	expect 9 csum 123456789
	expect 0 counter_info
	case $round in
	1) order="timer csum counter rules" ;;
	2) order="rules counter csum timer" ;;
	3) order="csum rules timer counter" ;;
	esac
	before=$(refs)
	for name in $order; do
		kind=handler
		[ "$name" = rules ] && kind=policy
		ucmdctl $kind unload "$name" > /dev/null || fail "round $round: unload $name"
		now=$(refs)
		[ "$now" -lt "$before" ] || fail "round $round: module_refs $before -> $now after unloading $name"
		before=$now
	done
	wait
	grep -q '"res":-125' /tmp/tw1 && grep -q '"res":-125' /tmp/tw2 ||
		fail "round $round: parked timers: $(cat /tmp/tw1 /tmp/tw2)"
	[ "$(refs)" = 0 ] || fail "round $round: module_refs $(refs) after the last unload"
	rmmod ucmd || fail "round $round: rmmod right after the last unload"
	insmod /ucmd.ko || fail "round $round: insmod"
done
expect 3 echo 3
exit 0
