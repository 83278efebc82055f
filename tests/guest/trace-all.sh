#!/bin/sh
# Description: ucmdctl trace --all sees exactly the uring_cmds a test
# issued on the guest's NVMe char devices and on /dev/ucmd, each once,
# with device, op and NVMe opcode decoded, errno, latency and submitter;
# --device, --op, --pid and --errors filter in BPF; stats --all counts
# them exactly; top -j over 3 intervals of a paced load reports each op's
# rate within 10% of the rate issued and nothing in flight afterwards.
. /tests/lib.sh
set -u
trap cleanup EXIT

for i in $(seq 50); do [ -e /dev/ng0n1 ] && break; sleep 0.1; done
[ -e /dev/ng0n1 ] || { echo "SKIP: no /dev/ng0n1 (no nvme modules for this kernel in the guest)"; exit 77; }
C=/dev/nvme0 NG=/dev/ng0n1

start() { start_ucmdctl "$@"; TP=$BGPID; }
stop() { sleep 0.3; kill -INT $TP; wait $TP || fail "tracer exited $?: $(cat "$1.err")"; }
# The known mix: 5 reads, 1 vectored read, 2 reads of a namespace the
# char device is not (EINVAL), 3 Identify through io-wq, 4 ucmd NOPs.
mix() {
	nvme-cmd -n 5 $NG io 0x02 > /dev/null || fail "reads"
	nvme-cmd $NG io_vec 0x02 > /dev/null || fail "vectored read"
	nvme-cmd -n 2 -s 2 $NG io 0x02 | grep -c "^res -22 EINVAL" | grep -qx 2 || fail "nsid 2 reads"
	nvme-cmd -a -n 3 $C admin 0x06 > /dev/null || fail "identify (IOSQE_ASYNC: io-wq issues)"
	for i in 1 2 3 4; do ucmdctl cmd nop > /dev/null || fail "nop"; done
}

start /tmp/a1 -j trace --all
mix
stop /tmp/a1
T=/tmp/a1
expect_count $T '"device":"/dev/ng0n1",.*"op":"nvme_io",.*"opcode_name":"read","res":0,' 5
expect_count $T '"device":"/dev/ng0n1",.*"op":"nvme_io_vec",.*"opcode_name":"read","res":0,' 1
expect_count $T '"device":"/dev/ng0n1",.*"op":"nvme_io",.*"opcode_name":"read","res":-22,"errno":"EINVAL",' 2
expect_count $T '"device":"/dev/nvme0",.*"op":"nvme_admin",.*"opcode":6,"opcode_name":"identify","res":0,' 3
expect_count $T '"device":"/dev/ucmd",.*"op":"nop",.*"opcode":null,.*"res":0,' 4
expect_count $T '"comm":"nvme-cmd",' 11
expect_count $T '"comm":"ucmdctl",' 4
expect_count $T '"latency_ns":[1-9]' 15
expect_count $T '"summary":{"events":15,"lost":0}' 1
grep '"opcode_name":"identify"' $T | head -1 | sed 's/^/    /'

# Filters in BPF: one device; one cmd_op with errors only; one process.
start /tmp/a2 -j trace --device $C
mix
stop /tmp/a2
expect_count /tmp/a2 '"device":"/dev/nvme0",' 3
expect_count /tmp/a2 '"summary":{"events":3,' 1
start /tmp/a3 -j trace --all --op nvme_io --errors
mix
stop /tmp/a3
expect_count /tmp/a3 '"errno":"EINVAL",' 2
expect_count /tmp/a3 '"summary":{"events":2,' 1
rm -f /tmp/go
(while [ ! -e /tmp/go ]; do sleep 0.05; done; exec nvme-cmd -n 4 $NG io 0x02 > /dev/null) & P=$!
start /tmp/a4 -j trace --all --pid $P
touch /tmp/go
mix
wait $P || fail "paced reads"
stop /tmp/a4
expect_count /tmp/a4 "\"pid\":$P," 4
expect_count /tmp/a4 '"summary":{"events":4,' 1
line=$(errline ucmdctl trace --all --op nvme_io_read)
echo "$line" | grep -q "^Error: --op 'nvme_io_read' names an NVMe opcode" || fail "--op opcode: $line"
line=$(errline ucmdctl trace --device /tmp)
echo "$line" | grep -q "^Error: device '/tmp' is not a character device" || fail "--device dir: $line"

# stats --all: the same mix, counted by device, op and opcode.
start /tmp/s1 -j stats --all
mix
stop /tmp/s1
S=/tmp/s1
expect_count $S '"device":"/dev/ng0n1",[^}]*"op":"nvme_io",[^}]*"opcode_name":"read","count":7,"errors":2,' 1
expect_count $S '"device":"/dev/ng0n1",[^}]*"op":"nvme_io_vec",[^}]*"count":1,"errors":0,' 1
expect_count $S '"device":"/dev/nvme0",[^}]*"opcode_name":"identify","count":3,"errors":0,' 1
expect_count $S '"device":"/dev/ucmd",[^}]*"op":"nop",[^}]*"count":4,"errors":0,' 1
start /tmp/s2 stats --all --hist
mix
stop /tmp/s2
grep -q '^@latency_ns\[/dev/nvme0,nvme_admin,identify\]:' /tmp/s2 || fail "no histogram: $(cat /tmp/s2)"

# top -j: reads paced at 200/s and Identify at 50/s for 6 s; three 1 s
# intervals from 1 s in. Each op's rate within 10%; afterwards nothing
# in flight.
nvme-cmd -n 1200 -r 200 $NG io 0x02 > /dev/null & R=$!
nvme-cmd -n 300 -r 50 $C admin 0x06 > /dev/null & I=$!
sleep 1
ucmdctl -j top --count 3 > /tmp/top 2> /tmp/top.err || fail "top: $(cat /tmp/top.err)"
wait $R || fail "paced reads"
wait $I || fail "paced identify"
expect_count /tmp/top '"ops":' 3
expect_count /tmp/top '"in_flight":\(-\|[2-9]\)' 0	# one at a time each
rates() {	# OPCODE_NAME: the rate of each interval, one per line
	sed 's/},{/}\n{/g' /tmp/top | sed -n "s/.*\"opcode_name\":\"$1\",.*\"rate\":\([0-9.]*\),.*/\1/p"
}
check_rate() {	# OPCODE_NAME RATE
	n=0
	for r in $(rates "$1"); do
		n=$((n + 1))
		awk -v r="$r" -v w="$2" 'BEGIN { exit !(r >= w * 0.9 && r <= w * 1.1) }' ||
			fail "top: $1 at $r/s in interval $n, issued at $2/s: $(cat /tmp/top)"
	done
	[ $n -eq 3 ] || fail "top: $1 in $n intervals, not 3: $(cat /tmp/top)"
	echo "top: $1 issued at $2/s: $(rates "$1" | xargs)"
}
check_rate read 200
check_rate identify 50
ucmdctl -j top --count 1 --interval 0.5 > /tmp/top2 || fail "top idle"
expect_count /tmp/top2 '"in_flight":[1-9]' 0
echo ok
