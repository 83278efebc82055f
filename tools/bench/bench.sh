#!/bin/sh
# The benchmark, run inside the guest by tools/vm/init (ucmd.mode=bench).
# Every configuration at every batch size, ROUNDS rounds, configurations
# interleaved within a round so that drift hits them all alike. Prints
# "BENCH ROUND CONFIG BATCH OPS_PER_S" lines for tools/bench/report.py.
ROUNDS=3
SECS=0.3
BATCHES="1 8 32 128"
CONFIGS="io_uring-nop bare bare-sqe128-cqe32 bare-dispatch bare-done-sqe128-cqe32
bare-dispatch-echo-sqe128-cqe32 bare-2rings
ucmd-nop ucmd-echo ucmd-echo-sqe128-cqe32 ioctl-bare
ioctl-nop ioctl-echo ucmd-delay0 ucmd-bpf-timer0 ucmd-nop+rules ucmd-echo+rules64
ucmd-echo+policy-empty ucmd-bpf-arith ucmd-bpf-empty ucmd-nop+trace ucmd-nop+stats
ucmd-nop+tp-filtered ucmd-nop-4096ops ucmd-nop-2rings"

# ucmd.bench=CFG,CFG and ucmd.rounds=N on the kernel command line narrow
# the run (make bench UCMD_BENCH=... for the measure-by-removing loop).
for a in $(cat /proc/cmdline); do
	case "$a" in
	ucmd.bench=*) CONFIGS=$(echo "${a#ucmd.bench=}" | tr , ' ') ;;
	ucmd.rounds=*) ROUNDS=${a#ucmd.rounds=} ;;
	esac
done

insmod /ucmd_bare.ko || echo "BENCH-ERROR insmod ucmd_bare"

setup() {
	case $1 in
	ucmd-nop+rules)
		# A rule for another op: every request is looked up and allowed.
		ucmdctl policy load rules > /dev/null
		ucmdctl rule add echo deny EPERM ;;
	ucmd-echo+rules64)
		# 64 rules, none matching the benchmark's requests (root, in
		# the root cgroup, ECHO res 1 res2 2): ECHO's set has uid,
		# gid and cgroup scopes and payload-field conditions, seven
		# other ops 8 uid rules each.
		ucmdctl policy load rules > /dev/null
		[ -e /sys/fs/cgroup/cgroup.controllers ] ||
			mount -t cgroup2 none /sys/fs/cgroup
		mkdir -p /sys/fs/cgroup/bench
		for rl in "uid 1000" "gid 1000" "cgroup /sys/fs/cgroup/bench" \
			"if res eq 12345" "if res2 gt 0x10000000000" \
			"if res lt -4095" "if pad ne 0 if res eq 7" "if res2 mask 0x8000000000000000"; do
			ucmdctl rule add echo deny EPERM $rl || echo "BENCH-ERROR rule add echo $rl"
		done
		for op in nop delay sum sleep read write get_features; do
			for i in 1 2 3 4 5 6 7 8; do
				ucmdctl rule add $op deny EPERM uid $((2000 + i)) ||
					echo "BENCH-ERROR rule add $op"
			done
		done
		[ "$(ucmdctl -j rule list | grep -o '"op"' | wc -l)" = 64 ] ||
			echo "BENCH-ERROR rules64: $(ucmdctl rule list | wc -l) lines" ;;
	ucmd-bpf-timer0)
		# deferred in BPF, completed from a bpf_wq callback
		ucmdctl handler load timer > /dev/null ;;
	ucmd-bpf-arith)
		ucmdctl handler load arith > /dev/null ;;
	ucmd-echo+policy-empty)
		# floor of any BPF policy: a validator that returns 0
		ucmdctl policy load /tests-bpf/allow_all.bpf.o > /dev/null ;;
	ucmd-bpf-empty)
		# floor of any BPF handler: ->handle returns 0
		ucmdctl handler load /tests-bpf/empty_handle.bpf.o > /dev/null ;;
	ucmd-nop+trace | ucmd-nop+stats | ucmd-nop+tp-filtered)
		# trace: events drained and formatted by ucmdctl; stats: the
		# same BPF program counting in the kernel, no events;
		# tp-filtered: the program runs on every completion but its
		# --op filter drops them all (the tracepoint's floor: both
		# clock reads, the trampoline, the program's entry).
		case $1 in
		*+tp-filtered) ucmdctl stats --op get_features > /dev/null 2> /tmp/trace.err & ;;
		*) ucmdctl ${1#ucmd-nop+} > /dev/null 2> /tmp/trace.err & ;;
		esac
		TP=$!
		for i in $(seq 50); do
			grep -q 'Hit Ctrl-C' /tmp/trace.err && break
			sleep 0.1
		done ;;
	ucmd-nop-4096ops)
		rmmod ucmd_bare && insmod /ucmd_bare.ko nr_handlers=4095 ;;
	esac
}

teardown() {
	case $1 in
	ucmd-nop+rules | ucmd-echo+rules64) ucmdctl policy unload rules > /dev/null ;;
	ucmd-bpf-timer0) ucmdctl handler unload timer > /dev/null ;;
	ucmd-bpf-arith) ucmdctl handler unload arith > /dev/null ;;
	ucmd-echo+policy-empty) ucmdctl policy unload allow_all > /dev/null ;;
	ucmd-bpf-empty) ucmdctl handler unload empty > /dev/null ;;
	ucmd-nop+trace | ucmd-nop+stats | ucmd-nop+tp-filtered) kill -INT $TP; wait $TP ;;
	ucmd-nop-4096ops) rmmod ucmd_bare && insmod /ucmd_bare.ko ;;
	esac
}

# Warm-up, discarded: boot-time work still running would be charged to
# whichever configuration came first.
ucmd-bench io_uring-nop 32 1 > /dev/null

echo "BENCH-INFO rounds=$ROUNDS seconds=$SECS cpus=$(nproc) kernel=$(uname -r)"
for r in $(seq $ROUNDS); do
	for c in $CONFIGS; do
		setup $c
		for b in $BATCHES; do
			line=$(ucmd-bench $c $b $SECS) || line="$c $b FAILED"
			echo "BENCH $r $line"
		done
		teardown $c
	done
done
