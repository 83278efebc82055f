/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's reference model of ucmd on Linux 6.12: from an SQE the
 * fuzzer wrote, the ring it went to and the policy state of the moment,
 * what its CQE must say. Written from include/uapi/linux/ucmd.h,
 * docs/semantics.md and io_uring/io_uring.c (io_init_req(),
 * io_submit_fail_init(), io_fail_links()), not from ucmd's code.
 */
#ifndef UCMD_FUZZ_MODEL_H
#define UCMD_FUZZ_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

/* What the generator put in one SQE. */
enum fz_kind {
	FZ_NOP, FZ_ECHO, FZ_DELAY, FZ_SUM, FZ_FEATURES, FZ_SLEEP, FZ_READ,
	FZ_WRITE, FZ_KV_PUT, FZ_KV_GET, FZ_KV_DEL, FZ_ADD, FZ_MUL,
	FZ_TIMER,	/* bpf/timer.bpf.c: deferred in BPF, bpf_timer/bpf_wq */
	FZ_CSUM,	/* bpf/csum.bpf.c: sleepable, reads user memory */
	FZ_UNKNOWN,	/* a cmd_op no handler serves */
	FZ_BADSIZE,	/* a known number with the wrong size field */
	FZ_IOU_NOP,	/* IORING_OP_NOP, not a uring_cmd */
	FZ_NR_KINDS,
};

#define FZ_MAX_PAYLOAD	80

struct fz_sqe {
	enum fz_kind kind;
	__u32 cmd_op;
	__u8 payload[FZ_MAX_PAYLOAD];
	__u8 iosqe;		/* IOSQE_* */
	__u32 uring_cmd_flags;
	__u16 buf_index;
	__u16 pad1;		/* sqe->__pad1: must be 0 */
	int fixed_file;		/* -1: sqe->fd is the fd; else fixed index */
	/* The model's prediction. */
	int prep_err;		/* io_init_req()/prep failure, or 0 */
	int res;
	__u64 res2;
	bool check_res2;	/* false: res2 not predicted (SLEEP) */
	bool cqe;		/* a CQE is posted */
	bool denied;		/* a policy denies it */
	bool ran;		/* its handler ran (kv effects apply) */
};

/* Policy and handler state, changed only between batches. */
#define FZ_NR_RULE_OPS	16
#define FZ_KV_KEYS	64	/* keys per thread */

#define FZ_ANY_UID	0xffffffffU	/* a rule for anyone (UCMD_SCOPE_ANY) */

struct fz_rule {
	__u32 cmd_op;
	__u32 uid;		/* FZ_ANY_UID or a uid */
	int verdict;
};

struct fz_policy {
	bool kv, arith, timer, csum;	/* handlers attached */
	int nr_validators;		/* in attach order */
	enum { FZ_V_RULES, FZ_V_PAYLOAD } validators[2];
	int nr_rules;
	struct fz_rule rules[2 * FZ_NR_RULE_OPS];
};

/* Per-ring facts the model needs. */
struct fz_ring {
	unsigned int flags;		/* IORING_SETUP_* */
	bool drain_ok;			/* DRAIN allowed; else CQE_SKIP allowed */
	unsigned long buf;		/* registered buffer 0 */
	unsigned long buf_len;
	unsigned long tbuf;		/* a plain, touched buffer */
	unsigned long tbuf_len;
	unsigned long features_addr;	/* a __u64 GET_FEATURES may write */
	__u64 features;
	__u32 uid;			/* fsuid of the submitter */
	/*
	 * io_init_req()/io_uring_cmd_prep()'s answer to IOSQE_BUFFER_SELECT
	 * on a uring_cmd without IORING_URING_CMD_MULTISHOT: -EOPNOTSUPP on
	 * 6.12 (no buffer_select in its opdef), -EINVAL where uring_cmd has
	 * multishot (7.x). io_uring's, not ucmd's: read once from the kernel.
	 */
	int bufsel_err;
	/*
	 * IORING_URING_CMD_FIXED's buf_index is looked up in
	 * io_uring_cmd_prep() (6.12: -EFAULT there) rather than when a
	 * handler imports the buffer (7.x: -EFAULT from READ/WRITE only).
	 */
	bool bufidx_at_prep;
};

/* Per-thread kv store (the thread owns keys base..base+FZ_KV_KEYS-1). */
struct fz_kv {
	__u64 base;
	bool present[FZ_KV_KEYS];
	__u64 value[FZ_KV_KEYS];
	bool touched[FZ_KV_KEYS];	/* in the current batch */
};

struct fz_rng {
	__u64 s;
	/*
	 * ucmd-fuzz -F: with @tape set, draws come from tape[pos..len) first,
	 * then from s; every draw is written back up to @cap, so the tape
	 * holds what the generator consumed (kcov.h).
	 */
	__u64 *tape;
	unsigned int pos, len, cap;
};

__u64 fz_rand(struct fz_rng *r);
static inline __u32 fz_below(struct fz_rng *r, __u32 n)
{
	return n ? fz_rand(r) % n : 0;
}

/*
 * Fill @s with a random SQE for @ring. @malformed allows SQEs that fail
 * prep; @in_chain forbids CQE_SKIP_SUCCESS; @kv NULL forbids kv ops (a
 * batch whose ring is closed in flight: its requests may still run, on
 * io-wq, after the next batches, and the store would be unknown).
 */
void fz_gen(struct fz_rng *r, struct fz_sqe *s, const struct fz_ring *ring,
	    struct fz_kv *kv, bool malformed, bool in_chain);

/*
 * Predict a chain @s[0..n-1] (every member but the last has IO_LINK or
 * IO_HARDLINK) as issued now, and apply its kv effects to @kv.
 */
void fz_predict_chain(struct fz_sqe *s, int n, const struct fz_ring *ring,
		      const struct fz_policy *pol, struct fz_kv *kv);

/* One line describing @s, for failure reports. */
void fz_describe(const struct fz_sqe *s, char *buf, size_t len);

#endif
