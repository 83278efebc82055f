// SPDX-License-Identifier: GPL-2.0
/*
 * trace_all: every uring_cmd on the machine, any device's (NVMe generic
 * char devices, ublk, /dev/ucmd...), without ucmd.ko. From io_uring's own
 * tracepoints, which 6.12 and 7.x both have with the request as argument 1
 * (include/trace/events/io_uring.h):
 *
 *   io_uring_submit_req (io_submit_sqe(), after the SQE's prep): a
 *	URING_CMD request's cmd_op, byte 0 of its command (the NVMe opcode),
 *	submitter and time go into "starts", keyed by the request;
 *   fentry/security_uring_cmd (io_uring_cmd(), each issue): the file's
 *	device, counted as issued once (optional: absent without
 *	CONFIG_SECURITY, and then nothing is "in flight");
 *   io_uring_complete (io_fill_cqe_req(), the CQE written): a started
 *	request's result and latency, counted in "stats" by (device, cmd_op,
 *	NVMe opcode) and, unless stats only, sent as a struct ucmd_all_event.
 *
 * Raw tracepoints: their arguments differ between 6.12 (user_data, res,
 * cflags...) and 7.x (the CQE), the request does not; its fields are read
 * with CO-RE. The tracepoints' limits are the trace's: a CQE that goes to
 * the overflow list (CQ ring full) or that IOSQE_CQE_SKIP_SUCCESS skips
 * fires no io_uring_complete (its start ages out of the LRU map), and a
 * request that fails before prep (a bad SQE) no io_uring_submit_req.
 *
 * Loaded by ucmdctl through its skeleton:
 *   ucmdctl trace --all [--device PATH] [--op OP] [--pid PID] [--errors]
 *   ucmdctl stats --all ...   ucmdctl top [-j]
 */
#include "ucmd.bpf.h"
#include "stats.bpf.h"
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

/* include/uapi/linux/io_uring.h, enum io_uring_op: ABI, fixed. */
#define IORING_OP_URING_CMD	46
#define IORING_OP_URING_CMD128	64	/* 7.x, IORING_SETUP_SQE_MIXED */
#define SQE_CMD_OFFSET		48	/* offsetof(struct io_uring_sqe, cmd) */

const volatile __u32 filter_dev;	/* kernel dev_t; 0: every device */
const volatile __u32 filter_op;		/* 0: every cmd_op */
const volatile __u32 filter_pid;	/* 0: every process */
const volatile bool errors_only;
const volatile bool emit_events = true;	/* false: stats only */
const volatile __u64 wakeup_bytes = 32768;	/* as bpf/trace.bpf.c */

__u64 lost;		/* events the ring buffer had no room for */

/* A request between io_uring_submit_req and io_uring_complete. */
struct start {
	__u64	ts_ns;
	__u32	cmd_op;
	__u32	pid;
	__u32	tid;
	__u32	dev;
	__u8	opcode;
	__u8	issued;
	char	comm[UCMD_COMM_LEN];
};

/*
 * LRU: a request whose CQE fires no io_uring_complete (see above) leaves
 * its entry until newer ones push it out. 64 Ki in flight at once.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);		/* the struct io_kiocb's address */
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ucmd_all_key);
	__type(value, struct ucmd_all_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ucmd_all_stats);
} stats_zero SEC(".maps");

static struct ucmd_all_stats *stats_of(const struct start *s)
{
	struct ucmd_all_key k = {
		.dev = s->dev,
		.cmd_op = s->cmd_op,
		.opcode = ucmd_all_nvme(s->cmd_op) ? s->opcode : 0,
	};
	struct ucmd_all_stats *st, *zero;
	__u32 z = 0;

	st = bpf_map_lookup_elem(&stats, &k);
	if (st)
		return st;
	zero = bpf_map_lookup_elem(&stats_zero, &z);	/* too big for the stack */
	if (!zero)
		return NULL;
	bpf_map_update_elem(&stats, &k, zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&stats, &k);
}

static __u32 file_dev(struct file *f)
{
	if (!f)
		return 0;
	return BPF_CORE_READ(f, f_inode, i_rdev);
}

SEC("raw_tp/io_uring_submit_req")
int BPF_PROG(on_submit, struct io_kiocb *req)
{
	struct io_uring_cmd *ioucmd = (void *)req;
	__u64 key = (__u64)req, id;
	struct start s = {};
	const __u8 *sqe;
	__u8 op;

	op = BPF_CORE_READ(req, opcode);
	if (op != IORING_OP_URING_CMD && op != IORING_OP_URING_CMD128)
		return 0;
	id = bpf_get_current_pid_tgid();
	s.pid = id >> 32;
	s.tid = (__u32)id;
	if (filter_pid && s.pid != filter_pid)
		return 0;
	s.cmd_op = BPF_CORE_READ(ioucmd, cmd_op);
	if (filter_op && s.cmd_op != filter_op)
		return 0;
	/* the SQE prep pointed at: read once, here (the ring may change) */
	sqe = (const __u8 *)BPF_CORE_READ(ioucmd, sqe);
	if (sqe)
		bpf_probe_read_kernel(&s.opcode, 1, sqe + SQE_CMD_OFFSET);
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	s.ts_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&starts, &key, &s, BPF_ANY);
	return 0;
}

SEC("fentry/security_uring_cmd")
int BPF_PROG(on_issue, struct io_uring_cmd *ioucmd)
{
	__u64 key = (__u64)ioucmd;	/* the request starts with its command */
	struct ucmd_all_stats *st;
	struct start *s;

	s = bpf_map_lookup_elem(&starts, &key);
	if (!s || s->issued)
		return 0;
	s->dev = file_dev(ioucmd->file);
	s->issued = 1;
	if (filter_dev && s->dev != filter_dev)
		return 0;
	st = stats_of(s);
	if (st)
		st->issued++;
	return 0;
}

SEC("raw_tp/io_uring_complete")
int BPF_PROG(on_complete, void *ring, struct io_kiocb *req)
{
	__u64 key = (__u64)req, now = bpf_ktime_get_ns();
	struct ucmd_all_event *e;
	struct ucmd_all_stats *st;
	struct start *s;
	int res;

	if (!req)	/* an auxiliary CQE (io_fill_cqe_aux()) */
		return 0;
	s = bpf_map_lookup_elem(&starts, &key);
	if (!s)
		return 0;
	if (!s->issued)	/* failed before issue, or no fentry: the file now */
		s->dev = file_dev(BPF_CORE_READ(req, file));
	res = BPF_CORE_READ(req, cqe.res);
	if (filter_dev && s->dev != filter_dev)
		goto out;
	st = stats_of(s);
	if (st && s->issued)
		st->issued_done++;	/* whatever --errors keeps: "in flight" */
	if (errors_only && res >= 0)
		goto out;
	if (st)
		ucmd_stats_add(&st->st, res, now - s->ts_ns);
	if (!emit_events)
		goto out;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost, 1);
		goto out;
	}
	e->ts_ns = now;
	e->latency_ns = now - s->ts_ns;
	e->dev = s->dev;
	e->cmd_op = s->cmd_op;
	e->res = res;
	e->pid = s->pid;
	e->tid = s->tid;
	e->opcode = s->opcode;
	e->issued = s->issued;
	e->pad = 0;
	__builtin_memcpy(e->comm, s->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
			   BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
out:
	bpf_map_delete_elem(&starts, &key);
	return 0;
}
