#!/bin/sh
# Description: standard tools work on ucmd, run from the host's Debian
# userland (9p, read-only, chrooted): bpftool struct_ops list/show/dump and
# bpftool link list see attached ucmd instances (rules, kv); bpftrace on
# tracepoint:ucmd:ucmd_complete counts ECHOs; perf stat -e 'ucmd:*' counts
# ucmd_issue and ucmd_complete events. A tool that crashes on ucmd's
# struct_ops is reported with the cause found (see docs/tools.md).
. /tests/lib.sh
set -u
cleanup
H=/host
grep -q tracefs /proc/mounts || mount -t tracefs none /sys/kernel/tracing
if ! grep -q " $H " /proc/mounts; then
	for m in netfs 9pnet 9pnet_virtio 9p; do
		[ -f /lib/9p/$m.ko ] && insmod /lib/9p/$m.ko 2> /dev/null
	done
	mkdir -p $H
	mount -t 9p -o trans=virtio,version=9p2000.L,ro hostfs $H 2> /tmp/9p.err ||
		{ echo "no host filesystem over 9p on this kernel: $(cat /tmp/9p.err)"; exit 77; }
	for d in proc sys dev sys/fs/bpf sys/kernel/tracing; do
		mount --bind /$d $H/$d || fail "bind /$d"
	done
	mount -t tmpfs none $H/tmp || fail "tmpfs on $H/tmp"
	mount -t tmpfs none $H/run || fail "tmpfs on $H/run"
fi
run() { chroot $H /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp "$@"; }
run bpftool version > /dev/null || fail "no bpftool in the host tree"

ucmdctl policy load rules > /dev/null || fail "load rules"
ucmdctl handler load kv > /dev/null || fail "load kv"
for c in "struct_ops list" "struct_ops show name ucmd_rules" "struct_ops dump name ucmd_rules" "link list"; do
	# shellcheck disable=SC2086
	run bpftool $c > /tmp/bt.out 2>&1
	rc=$?
	if [ $rc -eq 139 ] && [ "${c#struct_ops}" != "$c" ]; then
		echo "XFAIL: bpftool $c: SIGSEGV: bpftool looks ucmd_ops's value type up in vmlinux BTF, not ucmd.ko's (bpf_map_info.btf_vmlinux_id); docs/tools.md"
		continue
	fi
	[ $rc -eq 0 ] || fail "bpftool $c: exit $rc: $(tail -3 /tmp/bt.out)"
	echo "bpftool $c: $(head -1 /tmp/bt.out)"
	case $c in
	"struct_ops list" | "struct_ops show"*) grep -q 'ucmd_rules *ucmd_ops' /tmp/bt.out ||
		fail "bpftool $c: no ucmd_rules instance: $(cat /tmp/bt.out)" ;;
	"struct_ops dump"*) grep -q 'bpf_struct_ops_ucmd_ops' /tmp/bt.out ||
		fail "bpftool $c: no ucmd_ops value: $(head -20 /tmp/bt.out)" ;;
	"link list") grep -q 'struct_ops' /tmp/bt.out ||
		fail "bpftool link list: no struct_ops link: $(cat /tmp/bt.out)" ;;
	esac
done
# what ucmdctl shows of the same instances (the documented workaround)
ucmdctl policy list | grep -q '^rules ' || fail "ucmdctl policy list: $(ucmdctl policy list)"
ucmdctl handler list | grep -q '^kv ' || fail "ucmdctl handler list: $(ucmdctl handler list)"
ucmdctl -j policy show rules | grep -q '"struct_ops_map_id"\|"map_id"\|"id"' ||
	fail "ucmdctl policy show: $(ucmdctl -j policy show rules)"

# bpftrace: a tracepoint probe on ucmd_complete counts the ECHOs
run bpftrace -e 'tracepoint:ucmd:ucmd_complete /args->cmd_op == '"$(printf %u 0xc0107502)"'/ { @n = count(); } interval:s:1 { if (@started++ > 60) { exit(); } } tracepoint:ucmd:ucmd_issue /args->cmd_op == 0/ { exit(); }' \
	> /tmp/bpftrace.out 2>&1 &
bt=$!
for i in $(seq 300); do grep -q Attaching /tmp/bpftrace.out && break; sleep 0.1; done
sleep 1
for i in 1 2 3 4 5; do ucmdctl cmd echo $i > /dev/null; done
ucmdctl cmd nop > /dev/null	# ends the bpftrace program (ucmd_issue of NOP)
wait $bt || fail "bpftrace exited $?: $(tail -5 /tmp/bpftrace.out)"
grep -q '^@n: 5$' /tmp/bpftrace.out || fail "bpftrace counted: $(cat /tmp/bpftrace.out)"
echo "bpftrace: $(grep '^@n' /tmp/bpftrace.out) ECHO completions"

# perf stat -e 'ucmd:*' around 7 NOPs issued by the counted command
cp /bin/ucmdctl $H/tmp/ucmdctl
run perf stat -x, -e 'ucmd:*' -- /bin/sh -c \
	'for i in 1 2 3 4 5 6 7; do /tmp/ucmdctl cmd nop > /dev/null || exit 1; done' 2> /tmp/perf.out ||
	fail "perf stat exited $?: $(cat /tmp/perf.out)"
for ev in ucmd_issue ucmd_complete; do
	n=$(sed -n "s/^\([0-9]*\),,ucmd:$ev,.*/\1/p" /tmp/perf.out)
	[ "$n" = 7 ] || fail "perf stat counted '$n' $ev, want 7: $(cat /tmp/perf.out)"
done
echo "perf stat: $(tr '\n' ' ' < /tmp/perf.out)"
ucmdctl handler unload kv > /dev/null
ucmdctl policy unload rules > /dev/null
exit 0
