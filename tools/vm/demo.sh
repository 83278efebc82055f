#!/bin/sh
# The demo, run inside the guest by tools/vm/init (ucmd.mode=demo).
T=/sys/kernel/tracing
step() { echo; echo "### $*"; }

step "ucmd.ko loaded: /dev/ucmd and its counters"
ls -l /dev/ucmd
echo "features=$(cat /sys/class/misc/ucmd/features)"

step "trace the ucmd:ucmd_issue and ucmd:ucmd_complete tracepoints"
echo 1 > $T/events/ucmd/enable
echo > $T/trace

step "each built-in op, issued with ucmdctl cmd (SQE128 + CQE32 ring)"
for c in "nop" "get_features" "echo 42 0xfeed" "echo -5" "delay 20000 7 99" \
	 "sum 1 2 3 4" "0x7500"; do
	echo "\$ ucmdctl cmd $c"
	ucmdctl cmd $c
done

step "ucmdctl feature"
ucmdctl feature

step "the trace lines of those requests ($T/trace)"
echo 0 > $T/events/ucmd/enable
grep -v '^#' $T/trace | sed 's/^ *//'

step "a policy: the map-driven rules policy, attached and pinned (it outlives ucmdctl)"
ucmdctl policy load rules
ls /sys/fs/bpf/ucmd/rules/
echo "\$ ucmdctl rule add echo deny EPERM"
ucmdctl rule add echo deny EPERM
echo "\$ ucmdctl cmd echo 42"
ucmdctl cmd echo 42
ucmdctl rule list
echo "\$ ucmdctl rule del echo"
ucmdctl rule del echo
ucmdctl cmd echo 42
echo "\$ ucmdctl rule add delay deny E2BIG if delay_us gt 100000   (a payload-field rule)"
ucmdctl rule add delay deny E2BIG if delay_us gt 100000
echo "\$ ucmdctl cmd delay 200000; ucmdctl cmd delay 1000 5"
ucmdctl cmd delay 200000
ucmdctl cmd delay 1000 5
ucmdctl rule list
ucmdctl rule del delay if delay_us gt 100000

step "a new opcode without rebuilding the module: the BPF key-value handler"
ucmdctl cmd kv_get 7
ucmdctl handler load kv
ucmdctl handler list
for c in "kv_put 7 4242" "kv_get 7" "kv_del 7" "kv_get 7"; do
	echo "\$ ucmdctl cmd $c"
	ucmdctl cmd $c
done
ucmdctl handler unload kv
echo "\$ ucmdctl cmd kv_get 7    (after unload)"
ucmdctl cmd kv_get 7
ucmdctl policy unload rules

step "a BPF handler that defers: the timer op completes from a bpf_timer callback"
ucmdctl handler load timer
ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
t0=$(ms)
echo "\$ ucmdctl cmd timer_wait 200000 7 99"
ucmdctl cmd timer_wait 200000 7 99
echo "(answered after about $(( $(ms) - t0 )) ms: the request waited in a BPF map)"

step "closing the ring cancels a waiting timer op (-ECANCELED, traced as cancelled)"
echo 1 > $T/events/ucmd/ucmd_complete/enable
echo > $T/trace
echo "cancelled=$(cat /sys/class/misc/ucmd/cancelled) inflight=$(cat /sys/class/misc/ucmd/inflight)"
echo "\$ ucmdctl cmd timer_wait 5000000 &   (5 s), killed after 0.5 s"
ucmdctl cmd timer_wait 5000000 &
sleep 0.5
echo "inflight=$(cat /sys/class/misc/ucmd/inflight)"
kill -TERM $!
wait
sleep 0.2
echo "cancelled=$(cat /sys/class/misc/ucmd/cancelled) inflight=$(cat /sys/class/misc/ucmd/inflight)"
echo 0 > $T/events/ucmd/ucmd_complete/enable
grep -v '^#' $T/trace | sed 's/^ *//'

step "unloading the handler cancels what still waits: the CQE says so"
echo "\$ ucmdctl cmd timer_wait 5000000 &; ucmdctl handler unload timer"
ucmdctl cmd timer_wait 5000000 &
sleep 0.5
ucmdctl handler unload timer
wait

step "a sleepable BPF handler reading user memory: CRC32C of the argument's bytes"
ucmdctl handler load csum
echo "\$ ucmdctl cmd csum 123456789      (the CRC32C check value is 0xe3069283)"
ucmdctl cmd csum 123456789
ucmdctl handler unload csum

step "per-file state in BPF: a counter per open /dev/ucmd, freed by ->release on close"
ucmdctl handler load counter
echo "\$ ucmdctl cmd counter_add 5; ucmdctl cmd counter_info   (each ucmdctl opens its own file)"
ucmdctl cmd counter_add 5
ucmdctl cmd counter_info
ucmdctl handler unload counter

step "ucmdctl trace: every completion, live (a mix: sync, async, failing, denied, cancelled)"
ucmdctl policy load rules > /dev/null
ucmdctl rule add sum deny EACCES
ucmdctl trace --duration 3 &
sleep 1
trace-mix
wait

step "ucmdctl stats --hist: per-op counts, p50/p99 and log2 latency histograms"
ucmdctl stats --hist --duration 3 &
sleep 1
trace-mix; trace-mix
wait
ucmdctl policy unload rules > /dev/null
