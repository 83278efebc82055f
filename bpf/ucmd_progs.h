/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps, payloads and events of the BPF programs in bpf/, shared by
 * those programs, ucmdctl and the tests. They are the example programs'
 * interface, not the device's (include/uapi/linux/ucmd.h): a BPF program
 * of one's own defines its own. BPF programs get the kernel's types from
 * vmlinux_ucmd.h and these from here.
 */
#ifndef UCMD_PROGS_H
#define UCMD_PROGS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include <linux/ucmd.h>

/* struct ucmd_trace_event.comm: the task's comm, as TASK_COMM_LEN. */
#define UCMD_COMM_LEN		16

/* ucmdctl pins each instance under UCMD_BPFFS_DIR/<name>/. */
#define UCMD_BPFFS_DIR		"/sys/fs/bpf/ucmd"

/*
 * The rules policy (bpf/rules.bpf.c). Its "rules" map holds, per cmd_op,
 * an ordered set of rules; the first rule whose scope matches the
 * submitter and whose conditions all hold decides. ucmdctl keeps each set
 * ordered: scoped rules (uid, gid, cgroup) before rules for anyone, and
 * in the order they were added within each group. A request no rule
 * decides gets the "defaults" map's verdict (allow unless set to deny).
 */
#define UCMD_RULES_PER_OP	8	/* rules in one cmd_op's set */
#define UCMD_RULE_MAX_CONDS	4	/* conditions ANDed in one rule */

/* struct ucmd_rule.scope: who a rule applies to (scope_id). */
enum ucmd_rule_scope {
	UCMD_SCOPE_ANY,		/* everyone */
	UCMD_SCOPE_UID,		/* fsuid == scope_id (initial user namespace) */
	UCMD_SCOPE_GID,		/* fsgid == scope_id */
	UCMD_SCOPE_CGROUP,	/* the task is in cgroup v2 scope_id or below it */
};

/* struct ucmd_rule_cond.cmp: how the payload field compares to value. */
enum ucmd_rule_cmp {
	UCMD_CMP_EQ, UCMD_CMP_NE, UCMD_CMP_LT, UCMD_CMP_LE, UCMD_CMP_GT,
	UCMD_CMP_GE,
	UCMD_CMP_MASK,		/* field & value != 0: any bit set */
};

/* struct ucmd_rule_cond.flags */
#define UCMD_COND_SIGNED	(1U << 0)	/* the field is signed: compare as such */

/**
 * struct ucmd_rule_cond - one condition on a payload field
 * @offset: byte offset of the field in the payload
 * @size: its size in bytes: 1, 2, 4 or 8 (little-endian)
 * @cmp: enum ucmd_rule_cmp
 * @flags: UCMD_COND_*
 * @pad: zero
 * @value: the value compared with (sign-extended for a signed field)
 *
 * A field reaching past the request's payload never holds.
 */
struct ucmd_rule_cond {
	__u16	offset;
	__u8	size;
	__u8	cmp;
	__u8	flags;
	__u8	pad[3];
	__u64	value;
};

/**
 * struct ucmd_rule - one rule
 * @verdict: 0 allows; a negative errno denies with that result
 * @scope: enum ucmd_rule_scope
 * @nr_conds: conditions in @conds, 0..UCMD_RULE_MAX_CONDS
 * @scope_level: UCMD_SCOPE_CGROUP: the cgroup's depth below the root
 *		 (bpf_get_current_ancestor_cgroup_id()'s level)
 * @pad: zero
 * @scope_id: uid, gid or cgroup id, per @scope
 * @hits: requests this rule decided (counted by the policy; reset when
 *	  ucmdctl rewrites the set)
 * @conds: the conditions, all of which must hold
 */
struct ucmd_rule {
	__s32	verdict;
	__u8	scope;
	__u8	nr_conds;
	__u8	scope_level;
	__u8	pad;
	__u64	scope_id;
	__u64	hits;
	struct ucmd_rule_cond conds[UCMD_RULE_MAX_CONDS];
};

/**
 * struct ucmd_rule_set - value of the rules policy's "rules" map, whose
 * key is the __u32 cmd_op
 * @nr_rules: rules in @rules, 1..UCMD_RULES_PER_OP
 * @pad: zero
 * @rules: evaluated in order
 */
struct ucmd_rule_set {
	__u32	nr_rules;
	__u32	pad;
	struct ucmd_rule rules[UCMD_RULES_PER_OP];
};

/**
 * struct ucmd_rule_default - the one value of the rules policy's
 * "defaults" array map
 * @verdict: for a request no rule decides: 0 (allow, the default) or a
 *	     negative errno (default deny, as io_uring's DENY_REST)
 * @pad: zero
 * @hits: requests the default decided
 */
struct ucmd_rule_default {
	__s32	verdict;
	__u32	pad;
	__u64	hits;
};

/*
 * The LSM policy (bpf/lsm.bpf.c): the same rule sets, on the
 * uring_cmd of any character device, on the LSM hook uring_cmd. Its
 * "rules" map is keyed by device and cmd_op, its "devices" map holds the
 * devices it polices; a device it does not hold is left alone.
 */

/**
 * struct ucmd_lsm_key - key of the LSM policy's "rules" map
 * @dev: the character device, as the kernel encodes a dev_t
 *	 (MAJOR << 20 | MINOR, include/linux/kdev_t.h)
 * @cmd_op: the cmd_op
 */
struct ucmd_lsm_key {
	__u32	dev;
	__u32	cmd_op;
};

/*
 * struct ucmd_lsm_device.flags. By default a rule set with field
 * conditions is judged only on an SQE the kernel copied before the hook
 * ran (IOSQE_ASYNC): an SQE still in the SQ ring can be rewritten by the
 * submitter between the hook's read and the driver's, so such a request
 * is denied with -EPERM and counted in @unstable. UCMD_LSM_RING_SQE
 * judges the ring's bytes instead: faster, and racy (docs/system.md,
 * "Time of check, time of use").
 */
#define UCMD_LSM_RING_SQE	(1U << 0)

/**
 * struct ucmd_lsm_device - value of the LSM policy's "devices" hash map,
 * whose key is the __u32 dev of struct ucmd_lsm_key
 * @verdict: for a uring_cmd no rule decides: 0 (allow) or a negative
 *	     errno (default deny)
 * @flags: UCMD_LSM_*
 * @hits: issues the default decided
 * @allowed: issues allowed, by a rule or the default
 * @denied: issues denied, by a rule or the default (@unstable included)
 * @unstable: issues denied because a field rule would have read an SQE
 *	      in the SQ ring (without UCMD_LSM_RING_SQE)
 *
 * The hook runs at every issue of a request: a request io_uring issues
 * again from io-wq (after -EAGAIN) is counted, and decided, twice.
 */
struct ucmd_lsm_device {
	__s32	verdict;
	__u32	flags;
	__u64	hits;
	__u64	allowed;
	__u64	denied;
	__u64	unstable;
};

/**
 * struct ucmd_kv - payload of the key-value handler's ops (bpf/kv.bpf.c)
 * @key: the key
 * @value: PUT: the value to store; unused otherwise
 *
 * PUT completes with 0 (-E2BIG when the store is full), GET with 0 and the
 * value as res2 (-ENOENT if absent), DEL with 0 (-ENOENT if absent).
 */
struct ucmd_kv {
	__u64	key;
	__u64	value;
};

#define UCMD_KV_PUT		_IOWR(UCMD_IOC_TYPE_BPF, 0x01, struct ucmd_kv)
#define UCMD_KV_GET		_IOWR(UCMD_IOC_TYPE_BPF, 0x02, struct ucmd_kv)
#define UCMD_KV_DEL		_IOWR(UCMD_IOC_TYPE_BPF, 0x03, struct ucmd_kv)

/**
 * struct ucmd_arith - payload of the arithmetic handler (bpf/arith.bpf.c)
 * @a: first operand
 * @b: second operand
 *
 * ADD and MUL complete with 0 and the result as res2; MUL overflowing 64
 * bits completes with -EOVERFLOW.
 */
struct ucmd_arith {
	__u64	a;
	__u64	b;
};

#define UCMD_ARITH_ADD		_IOWR(UCMD_IOC_TYPE_BPF, 0x10, struct ucmd_arith)
#define UCMD_ARITH_MUL		_IOWR(UCMD_IOC_TYPE_BPF, 0x11, struct ucmd_arith)

/**
 * struct ucmd_trace_event - one completion, from bpf/trace.bpf.c to ucmdctl
 * @ts_ns: CLOCK_MONOTONIC time of the completion, in nanoseconds
 * @latency_ns: nanoseconds from the request's first issue to completion
 *		(0 if tracing was enabled after the issue)
 * @res2: res2 (delivered only on CQE32 rings)
 * @cmd_op: the cmd_op
 * @res: cqe->res
 * @pid: tgid of the submitting task
 * @kind: UCMD_DONE_*
 * @comm: the submitting task's comm
 * @name: the handler's name; for UCMD_DONE_DENIED the denying policy's
 */
struct ucmd_trace_event {
	__u64	ts_ns;
	__u64	latency_ns;
	__u64	res2;
	__u32	cmd_op;
	__s32	res;
	__u32	pid;
	__u32	kind;
	char	comm[UCMD_COMM_LEN];
	char	name[UCMD_NAME_LEN];
};

/**
 * struct ucmd_all_event - one uring_cmd completion of any device, from
 * bpf/trace_all.bpf.c to ucmdctl (trace --all)
 * @ts_ns: CLOCK_MONOTONIC time of the completion, in nanoseconds
 * @latency_ns: nanoseconds from submission (io_uring_submit_req) to the CQE
 *		(io_uring_complete)
 * @dev: the file's device, the kernel's dev_t (MAJOR << 20 | MINOR); 0 if
 *	 the request completed before it was issued (no file yet)
 * @cmd_op: the cmd_op
 * @res: cqe->res
 * @pid: tgid of the submitting task
 * @tid: pid of the submitting thread (an SQPOLL ring: its iou-sqp thread)
 * @opcode: byte 0 of the SQE's command (the NVMe opcode of an NVMe cmd_op),
 *	    read at submission
 * @issued: 1 if the driver's ->uring_cmd was called (security_uring_cmd)
 * @comm: the submitting task's comm
 */
struct ucmd_all_event {
	__u64	ts_ns;
	__u64	latency_ns;
	__u32	dev;
	__u32	cmd_op;
	__s32	res;
	__u32	pid;
	__u32	tid;
	__u8	opcode;
	__u8	issued;
	__u16	pad;
	char	comm[UCMD_COMM_LEN];
};

/**
 * struct ucmd_all_key - what bpf/trace_all.bpf.c counts by
 * @dev: kernel dev_t, as in struct ucmd_all_event
 * @cmd_op: the cmd_op
 * @opcode: the NVMe opcode for an NVMe cmd_op (ucmd_all_nvme()), else 0
 * @pad: zero
 */
struct ucmd_all_key {
	__u32	dev;
	__u32	cmd_op;
	__u32	opcode;
	__u32	pad;
};

/*
 * NVMe's uring_cmd cmd_ops (include/uapi/linux/nvme_ioctl.h): _IOWR('N',
 * 0x80..0x83, struct nvme_uring_cmd), whose command's byte 0 is the
 * NVMe opcode.
 */
static inline int ucmd_all_nvme(__u32 cmd_op)
{
	return ((cmd_op >> 8) & 0xff) == 'N' && (cmd_op & 0xfc) == 0x80;
}

/*
 * Log-linear latency buckets, as HdrHistogram keeps them: each power of
 * two [2^e, 2^(e+1)) ns is split into UCMD_HIST_SUB (8) equal buckets, so
 * a bucket is at most 1/8 of its lower bound wide and its midpoint within
 * 1/16 (6.25%) of any latency in it. Latencies below 8 ns have a bucket
 * each; from 2^UCMD_HIST_MAX_EXP ns (about 18 minutes) on, the last.
 * ucmd_hist_slot() maps a latency to its bucket, ucmd_hist_lo() gives a
 * bucket's lower bound (the next bucket's is its upper bound).
 */
#define UCMD_HIST_SUB_BITS	3
#define UCMD_HIST_SUB		(1U << UCMD_HIST_SUB_BITS)
#define UCMD_HIST_MAX_EXP	40
#define UCMD_HIST_SLOTS		(int)(UCMD_HIST_SUB + \
				 (UCMD_HIST_MAX_EXP - UCMD_HIST_SUB_BITS) * UCMD_HIST_SUB + 1)

static inline __u32 ucmd_hist_slot(__u64 ns, __u32 log2_ns)
{
	__u32 e = log2_ns;

	if (ns < UCMD_HIST_SUB)
		return ns;
	if (e >= UCMD_HIST_MAX_EXP)
		return UCMD_HIST_SLOTS - 1;
	return UCMD_HIST_SUB + (e - UCMD_HIST_SUB_BITS) * UCMD_HIST_SUB +
	       ((ns >> (e - UCMD_HIST_SUB_BITS)) & (UCMD_HIST_SUB - 1));
}

static inline __u64 ucmd_hist_lo(__u32 slot)
{
	__u32 e, sub;

	if (slot < UCMD_HIST_SUB)
		return slot;
	e = UCMD_HIST_SUB_BITS + (slot - UCMD_HIST_SUB) / UCMD_HIST_SUB;
	sub = (slot - UCMD_HIST_SUB) % UCMD_HIST_SUB;
	return (__u64)(UCMD_HIST_SUB + sub) << (e - UCMD_HIST_SUB_BITS);
}

/**
 * struct ucmd_op_stats - per-cmd_op counters kept by bpf/trace.bpf.c, one
 * copy per CPU (a per-CPU array slot or hash entry: no atomics); readers
 * add the copies up
 * @count: completions
 * @errors: completions with a negative result
 * @lat_sum_ns: sum of their latencies, in nanoseconds
 * @hist: log-linear histogram of latencies, ns (UCMD_HIST_SLOTS buckets,
 *	  ucmd_hist_slot())
 */
struct ucmd_op_stats {
	__u64	count;
	__u64	errors;
	__u64	lat_sum_ns;
	__u64	hist[UCMD_HIST_SLOTS];
};

/**
 * struct ucmd_all_stats - per (device, cmd_op, opcode) counters of
 * bpf/trace_all.bpf.c, one copy per CPU (readers add them up)
 * @st: completions, errors, latency sum and histogram (ns, from
 *	submission), as struct ucmd_op_stats
 * @issued: requests handed to the driver (first issue only)
 * @issued_done: completions of requests counted in @issued: in flight is
 *		 the sum of @issued less the sum of @issued_done
 */
struct ucmd_all_stats {
	struct ucmd_op_stats st;
	__u64	issued;
	__u64	issued_done;
};

/*
 * bpf/trace.bpf.c counts each cmd_op in one of UCMD_STATS_SLOTS per-CPU
 * array slots, ucmd_stats_slot(cmd_op), which each CPU gives to the first
 * cmd_op it counts there; a cmd_op whose slot another holds on that CPU
 * counts in the per-CPU hash instead. An array lookup is a few inline
 * instructions (the verifier inlines it), a hash lookup a call that
 * hashes the key and walks a bucket.
 */
#define UCMD_STATS_SLOTS	64

static inline __u32 ucmd_stats_slot(__u32 cmd_op)
{
	return (cmd_op ^ (cmd_op >> 8) ^ (cmd_op >> 16)) & (UCMD_STATS_SLOTS - 1);
}

/**
 * struct ucmd_stats_slot - one slot of the per-CPU stats array
 * @cmd_op: the cmd_op counted here on this CPU; 0: free
 * @reserved: zero
 * @st: its counters
 */
struct ucmd_stats_slot {
	__u32	cmd_op;
	__u32	reserved;
	struct ucmd_op_stats st;
};

/* Longest wait UCMD_TIMER_WAIT accepts, in microseconds (10 s). */
#define UCMD_TIMER_MAX_US	10000000ULL

/**
 * struct ucmd_timer - payload of the timer handler's op (bpf/timer.bpf.c)
 * @delay_us: microseconds until completion, at most UCMD_TIMER_MAX_US
 * @res: the result to complete with (-511..INT_MAX)
 * @res2_lo: low 32 bits of res2
 *
 * Deferred in BPF (bpf_ucmd_req_defer()) and completed from a bpf_timer;
 * closing the ring cancels it (-ECANCELED). -EINVAL for a delay or result
 * out of range, -ENOMEM when the handler cannot defer or arm a timer.
 */
struct ucmd_timer {
	__u64	delay_us;
	__s32	res;
	__u32	res2_lo;
};

#define UCMD_TIMER_WAIT		_IOWR(UCMD_IOC_TYPE_BPF, 0x20, struct ucmd_timer)
/*
 * Completes every waiting UCMD_TIMER_WAIT now with this payload's res and
 * res2_lo (delay_us unused); its own result is how many it completed.
 */
#define UCMD_TIMER_FLUSH	_IOWR(UCMD_IOC_TYPE_BPF, 0x21, struct ucmd_timer)

/* Longest buffer UCMD_CSUM checksums, in bytes (1 MiB). */
#define UCMD_CSUM_MAX		(1U << 20)

/**
 * struct ucmd_csum - payload of the checksum handler's op (bpf/csum.bpf.c)
 * @addr: user address of the data; with IORING_URING_CMD_FIXED an address
 *	  inside registered buffer sqe->buf_index
 * @len: bytes to checksum, 0..UCMD_CSUM_MAX
 * @seed: CRC32C to continue from (0 to start; the result of a previous
 *	  UCMD_CSUM to checksum a buffer in pieces)
 *
 * Completes with @len and the CRC32C (Castagnoli, as crc32c() and iSCSI
 * compute it, final XOR included) of the bytes as res2. Runs on io-wq
 * (a sleepable handler). -EINVAL for @len over UCMD_CSUM_MAX, -EFAULT
 * for a range that cannot be read or lies outside the registered buffer.
 */
struct ucmd_csum {
	__u64	addr;
	__u32	len;
	__u32	seed;
};

#define UCMD_CSUM		_IOW(UCMD_IOC_TYPE_BPF, 0x30, struct ucmd_csum)

/**
 * struct ucmd_counter - payload of the per-file counter's ops
 *			 (bpf/counter.bpf.c)
 * @add: UCMD_COUNTER_ADD: the amount to add; unused by UCMD_COUNTER_INFO
 * @pad: must be zero
 *
 * Each open /dev/ucmd file has its own counter, from 0, freed when the
 * file is released. ADD completes with 0 and the file's new total as
 * res2 (-E2BIG when 4096 files have counters). INFO completes with the
 * number of files that have a counter and the file's id
 * (ucmd_bpf_ctx.file_id) as res2.
 */
struct ucmd_counter {
	__u64	add;
	__u64	pad;
};

#define UCMD_COUNTER_ADD	_IOWR(UCMD_IOC_TYPE_BPF, 0x40, struct ucmd_counter)
#define UCMD_COUNTER_INFO	_IOWR(UCMD_IOC_TYPE_BPF, 0x41, struct ucmd_counter)

#endif /* UCMD_PROGS_H */
