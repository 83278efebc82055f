#!/bin/sh
# The benchmark, run inside the guest by tools/vm/init (ucmd.mode=bench).
# Every configuration at every batch size, ROUNDS rounds, configurations
# interleaved within a round so that drift hits them all alike. Prints
# "BENCH ROUND CONFIG BATCH OPS_PER_S" lines for tools/bench/report.py.
ROUNDS=3
SECS=0.3
BATCHES="1 8 32 128"
CONFIGS="io_uring-nop bare ucmd-nop ucmd-echo ucmd-echo-sqe128-cqe32 ioctl-bare
ioctl-nop ioctl-echo ucmd-delay0 ucmd-nop+rules ucmd-bpf-arith ucmd-nop+trace
ucmd-nop+stats ucmd-nop-4096ops ucmd-nop-2rings"

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
	ucmd-bpf-arith)
		ucmdctl handler load arith > /dev/null ;;
	ucmd-nop+trace | ucmd-nop+stats)
		# trace: events drained and formatted by ucmdctl; stats: the
		# same BPF program counting in the kernel, no events.
		ucmdctl ${1#ucmd-nop+} > /dev/null 2> /tmp/trace.err &
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
	ucmd-nop+rules) ucmdctl policy unload rules > /dev/null ;;
	ucmd-bpf-arith) ucmdctl handler unload arith > /dev/null ;;
	ucmd-nop+trace | ucmd-nop+stats) kill -INT $TP; wait $TP ;;
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
