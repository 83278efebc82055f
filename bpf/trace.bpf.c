// SPDX-License-Identifier: GPL-2.0
/*
 * trace: every uring_cmd completion on /dev/ucmd, from the module's
 * ucmd:ucmd_complete tracepoint (tp_btf), as a struct ucmd_trace_event in
 * a BPF ring buffer, plus per-cmd_op counters and log-linear latency histograms
 * in the "stats_slots" array, or the "stats" hash for a cmd_op whose slot
 * another holds. Filters are rodata, set by the loader before load.
 *
 * Loaded by ucmdctl through its skeleton, not by "policy load":
 *   ucmdctl trace [--op OP] [--pid PID] [--errors] [--duration SEC] [-j]
 *   ucmdctl stats [--hist] [--duration SEC]
 */
#include "ucmd.bpf.h"
#include "stats.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 filter_op;		/* 0: every cmd_op */
const volatile __u32 filter_pid;	/* 0: every process */
const volatile bool errors_only;
const volatile bool emit_events = true;	/* false: stats only */
/*
 * Wake the reader only once this much is queued: a wake-up per event costs
 * more than the event. The reader polls every 100 ms regardless, so
 * events are late by at most that.
 */
const volatile __u64 wakeup_bytes = 32768;

__u64 lost;				/* events the ring buffer had no room for */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/* Per CPU: the counting program runs with migration disabled. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* 2.5 KiB per op and CPU */
	__type(key, __u32);			/* cmd_op */
	__type(value, struct ucmd_op_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ucmd_op_stats);
} stats_zero SEC(".maps");

/*
 * Per CPU, in front of "stats": slot ucmd_stats_slot(cmd_op) belongs to
 * the first cmd_op this CPU counts there. A CPU runs this program once at
 * a time (bpf_trace_run*()'s per-program recursion check, in
 * kernel/trace/bpf_trace.c, skips a nested run and counts it as a miss),
 * with migration disabled, so a CPU's claim needs no atomics.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, UCMD_STATS_SLOTS);
	__type(key, __u32);
	__type(value, struct ucmd_stats_slot);
} stats_slots SEC(".maps");

static void count(__u32 cmd_op, int res, __u64 latency_ns)
{
	__u32 i = ucmd_stats_slot(cmd_op);
	struct ucmd_stats_slot *sl;
	struct ucmd_op_stats *st;

	sl = bpf_map_lookup_elem(&stats_slots, &i);
	if (sl && cmd_op && (sl->cmd_op == cmd_op || !sl->cmd_op)) {
		sl->cmd_op = cmd_op;
		st = &sl->st;
	} else {
		st = bpf_map_lookup_elem(&stats, &cmd_op);
	}
	if (!st) {
		__u32 k = 0;
		/* a zeroed value, too big for the stack */
		struct ucmd_op_stats *zero = bpf_map_lookup_elem(&stats_zero, &k);

		if (!zero)
			return;
		bpf_map_update_elem(&stats, &cmd_op, zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&stats, &cmd_op);
		if (!st)
			return;
	}
	ucmd_stats_add(st, res, latency_ns);
}

SEC("tp_btf/ucmd_complete")
int BPF_PROG(on_complete, __u32 cmd_op, const char *name, int res, __u64 res2,
	     __u64 latency_ns, int kind, struct task_struct *task)
{
	struct ucmd_trace_event *e;
	__u32 pid;

	if (!task)	/* tracepoint arguments may be NULL to the verifier */
		return 0;
	pid = task->tgid;
	if (filter_op && cmd_op != filter_op)
		return 0;
	if (filter_pid && pid != filter_pid)
		return 0;
	if (errors_only && res >= 0)
		return 0;
	count(cmd_op, res, latency_ns);
	if (!emit_events)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost, 1);
		return 0;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->latency_ns = latency_ns;
	e->res2 = res2;
	e->cmd_op = cmd_op;
	e->res = res;
	e->pid = pid;
	e->kind = kind;
	__builtin_memcpy(e->comm, task->comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), name);
	bpf_ringbuf_submit(e, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
			   BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
	return 0;
}
