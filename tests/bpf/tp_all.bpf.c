// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: every ucmd tracepoint, through both ways a BPF program
 * attaches to one: tp_btf (BTF-typed raw tracepoint: __bpf_trace_*) and
 * tracepoint (a perf event: perf_trace_*). Per tracepoint and way, the
 * events of the process in target[0], the sum of their cmd_op and of res/err.
 */
#include "ucmd.bpf.h"
#include "tp_all.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TP_NR * TP_WAY_NR);
	__type(key, __u32);
	__type(value, struct tp_count);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target SEC(".maps");

static __always_inline void hit(int tp, int way, int pid, __u32 cmd_op, __s64 res)
{
	__u32 k = 0, *tgid = bpf_map_lookup_elem(&target, &k);
	struct tp_count *c;

	if (!tgid || pid != *tgid)
		return;
	k = tp * TP_WAY_NR + way;
	c = bpf_map_lookup_elem(&counts, &k);
	if (!c)
		return;
	__sync_fetch_and_add(&c->events, 1);
	__sync_fetch_and_add(&c->cmd_op_sum, cmd_op);
	__sync_fetch_and_add(&c->res_sum, res);
}

SEC("tp_btf/ucmd_issue")
int BPF_PROG(btf_issue, __u32 cmd_op, const char *name, unsigned int issue_flags,
	     struct task_struct *task)
{
	if (task)
		hit(TP_ISSUE, TP_WAY_BTF, task->tgid, cmd_op, 0);
	return 0;
}

SEC("tp_btf/ucmd_complete")
int BPF_PROG(btf_complete, __u32 cmd_op, const char *name, int res, __u64 res2,
	     __u64 latency_ns, int kind, struct task_struct *task)
{
	if (task)
		hit(TP_COMPLETE, TP_WAY_BTF, task->tgid, cmd_op, res);
	return 0;
}

SEC("tp_btf/ucmd_deny")
int BPF_PROG(btf_deny, __u32 cmd_op, const char *policy, int err,
	     struct task_struct *task)
{
	if (task)
		hit(TP_DENY, TP_WAY_BTF, task->tgid, cmd_op, err);
	return 0;
}

SEC("tracepoint/ucmd/ucmd_issue")
int perf_issue(struct trace_event_raw_ucmd_issue *e)
{
	hit(TP_ISSUE, TP_WAY_PERF, e->pid, e->cmd_op, 0);
	return 0;
}

SEC("tracepoint/ucmd/ucmd_complete")
int perf_complete(struct trace_event_raw_ucmd_complete *e)
{
	hit(TP_COMPLETE, TP_WAY_PERF, e->pid, e->cmd_op, e->res);
	return 0;
}

SEC("tracepoint/ucmd/ucmd_deny")
int perf_deny(struct trace_event_raw_ucmd_deny *e)
{
	hit(TP_DENY, TP_WAY_PERF, e->pid, e->cmd_op, e->err);
	return 0;
}
