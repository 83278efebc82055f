// SPDX-License-Identifier: GPL-2.0
/*
 * lsm: the rules policy for the uring_cmd of any character device (NVMe
 * generic devices /dev/ng*n*, their controllers /dev/nvme*, ublk, ucmd),
 * on the BPF LSM hook uring_cmd: security_uring_cmd(ioucmd), which
 * io_uring_cmd() (io_uring/uring_cmd.c) calls before every ->uring_cmd,
 * a re-issue from io-wq included. It needs no ucmd.ko, only a kernel
 * with CONFIG_BPF_LSM and "bpf" in its active LSMs.
 *
 * A device the "devices" map does not hold is left alone. For one it
 * holds, the rule set of (device, cmd_op) decides as rules.bpf.c's do, on
 * the SQE's command area (sqe->cmd: 16 bytes, 80 on SQE128 rings; for
 * NVMe a struct nvme_uring_cmd); no rule decides: the device's default.
 *
 * A field condition reads the SQE through ioucmd->sqe. On an inline
 * issue (and from SQPOLL's thread) that is the SQ ring, which the
 * submitter can rewrite between this read and the driver's own: unless
 * the device has UCMD_LSM_RING_SQE, a set with conditions judges only an
 * SQE outside the ring (the kernel's copy: IOSQE_ASYNC) and denies the
 * rest with -EPERM (ucmd_progs.h; docs/system.md). cmd_op is read once,
 * at prep, into ioucmd->cmd_op: rules without conditions are race-free.
 *
 *   ucmdctl policy load lsm
 *   ucmdctl rule add nvme_admin_format deny EPERM device /dev/nvme0
 *   ucmdctl rule add nvme_io deny EPERM device /dev/ng0n1 if nsid ne 1
 *   ucmdctl rule default deny EACCES device /dev/ng0n1
 *   ucmdctl rule list policy lsm
 *   ucmdctl policy unload lsm
 */
#include "ucmd.bpf.h"
#define UCMD_COND_BYTEWISE
#include "rules_cond.bpf.h"
#include "io_uring_compat.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct rule_set_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct ucmd_rule_set));
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 1024);
	__type(key, struct ucmd_lsm_key);
	__array(values, struct rule_set_map);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);			/* dev */
	__type(value, struct ucmd_lsm_device);
} devices SEC(".maps");

/* The submitter as io_uring issues for it: its fsuid and fsgid. */
static bool scope_matches(const struct ucmd_rule *r)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cred = task->cred;

	switch (r->scope) {
	case UCMD_SCOPE_ANY:
		return true;
	case UCMD_SCOPE_UID:
		return r->scope_id == cred->fsuid.val;
	case UCMD_SCOPE_GID:
		return r->scope_id == cred->fsgid.val;
	case UCMD_SCOPE_CGROUP:
		return bpf_get_current_ancestor_cgroup_id(r->scope_level) == r->scope_id;
	}
	return false;
}

static bool has_conds(const struct ucmd_rule_set *set)
{
	for (int i = 0; i < UCMD_RULES_PER_OP; i++) {
		if (i >= set->nr_rules)
			break;
		if (set->rules[i].nr_conds)
			return true;
	}
	return false;
}

/* Count @verdict on @d; an LSM hook returns 0 or -4095..-1 (an errno). */
static long decide(struct ucmd_lsm_device *d, int verdict)
{
	long v = verdict;

	/* two tests the verifier follows (clang would merge one range check) */
	asm volatile("" : "+r"(v));
	if (v > 0)
		v = -EPERM;		/* ucmdctl writes only errnos */
	asm volatile("" : "+r"(v));
	if (v < -4095)
		v = -EPERM;
	asm volatile("" : "+r"(v));
	verdict = v;
	if (verdict)
		__sync_fetch_and_add(&d->denied, 1);
	else
		__sync_fetch_and_add(&d->allowed, 1);
	return v;
}

/* long: the verifier checks the 64-bit return value, sign-extended here */
SEC("lsm/uring_cmd")
long BPF_PROG(lsm_uring_cmd, struct io_uring_cmd *ioucmd)
{
	struct ucmd_lsm_key key = {};
	struct ucmd_rule_set *set = NULL;
	struct ucmd_lsm_device *d;
	__u8 cmd[UCMD_PAYLOAD_SQE128 * 2];	/* the mask in load_field() */
	const struct io_uring_sqe *sqe;
	__u32 len, zero = 0;
	void *inner;

	key.dev = ioucmd->file->f_inode->i_rdev;
	key.cmd_op = ioucmd->cmd_op;
	d = bpf_map_lookup_elem(&devices, &key.dev);
	if (!d)
		return 0;			/* not a device of this policy */
	inner = bpf_map_lookup_elem(&rules, &key);
	if (inner)
		set = bpf_map_lookup_elem(inner, &zero);
	if (set) {
		const __u8 *p = NULL;

		len = 0;
		if (has_conds(set)) {
			sqe = ioucmd->sqe;
			if (!(d->flags & UCMD_LSM_RING_SQE) &&
			    ucmd_sqe_in_ring(ioucmd)) {
				__sync_fetch_and_add(&d->unstable, 1);
				return decide(d, -EPERM);
			}
			len = ucmd_cmd_len(ioucmd);
			if (len > sizeof(cmd))
				len = sizeof(cmd);
			__builtin_memset(cmd, 0, sizeof(cmd));
			if (bpf_probe_read_kernel(cmd, len, &sqe->cmd))
				return decide(d, -EPERM);
			p = cmd;
		}
		for (int i = 0; i < UCMD_RULES_PER_OP; i++) {
			struct ucmd_rule *r = &set->rules[i];

			if (i >= set->nr_rules)
				break;
			if (!scope_matches(r))
				continue;
			if (!conds_hold(r, p, len))
				continue;
			__sync_fetch_and_add(&r->hits, 1);
			return decide(d, r->verdict);
		}
	}
	__sync_fetch_and_add(&d->hits, 1);
	return decide(d, d->verdict);
}
