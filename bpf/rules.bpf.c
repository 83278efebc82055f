// SPDX-License-Identifier: GPL-2.0
/*
 * rules: a map-driven per-cmd_op policy with payload-field conditions,
 * scopes and a default.
 *
 * For each request, look up the cmd_op's rule set in the "rules" map and
 * take the first rule whose scope matches the submitter (uid, gid, cgroup
 * subtree, or anyone) and whose conditions on payload fields all hold;
 * its verdict is 0 (allow) or a negative errno (deny: the request
 * completes with it). No rule decides: the "defaults" map's verdict
 * (allow, or deny with an errno). Conditions read the same payload bytes
 * the handler then gets. Rules change at run time: the maps are pinned,
 * and ucmdctl rewrites a cmd_op's set in one map update.
 *
 *   ucmdctl policy load rules [default deny EPERM]
 *   ucmdctl rule add echo deny EPERM                    # every uid
 *   ucmdctl rule add delay deny E2BIG if delay_us gt 100000
 *   ucmdctl rule add nop deny EACCES uid 1000
 *   ucmdctl rule list
 *   ucmdctl policy unload rules
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);			/* cmd_op */
	__type(value, struct ucmd_rule_set);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ucmd_rule_default);
} defaults SEC(".maps");

static bool scope_matches(const struct ucmd_rule *r, struct ucmd_bpf_ctx *req)
{
	switch (r->scope) {
	case UCMD_SCOPE_ANY:
		return true;
	case UCMD_SCOPE_UID:
		return r->scope_id == req->uid;
	case UCMD_SCOPE_GID:
		return r->scope_id == req->gid;
	case UCMD_SCOPE_CGROUP:
		/* not the helper: it is missing from kernels without cgroups */
		return bpf_ucmd_ancestor_cgroup_id(req, r->scope_level) == r->scope_id;
	}
	return false;
}

/*
 * The request's payload, copied once per validation (one kfunc call
 * rather than one per condition), with 8 bytes of room so that a field
 * is one 8-byte load at its offset, masked to its size. A map value, not
 * the stack: the verifier allows unaligned variable-offset loads only
 * there. Bytes past the payload are stale, and never read: a field must
 * end inside the payload.
 */
struct payload_buf {
	__u8 b[UCMD_PAYLOAD_SQE128 + 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct payload_buf);
} payload SEC(".maps");

static __always_inline bool cond_holds(const struct ucmd_rule_cond *c,
				       const struct payload_buf *p, __u32 len)
{
	__u32 off = c->offset, size = c->size, shift;
	__u64 v, val = c->value, bias;
	__u8 cmp = c->cmp;

	if (size > 8 || !((1U << size) & 0x116))	/* 1, 2, 4 or 8 */
		return false;
	if (off > UCMD_PAYLOAD_SQE128 || off + size > len)
		return false;			/* past the payload */
	shift = 64 - 8 * size;
	/*
	 * One 8-byte load, unaligned: clang splits a C one into byte loads
	 * (its BPF target does not assume unaligned access), the verifier
	 * allows it in a map value where the architecture does.
	 */
	asm volatile("%0 = *(u64 *)(%1 + 0)" : "=r"(v) : "r"(&p->b[off]));
	v <<= shift;					/* little-endian */
	if (c->flags & UCMD_COND_SIGNED)
		v = (__s64)v >> shift;
	else
		v >>= shift;
	if (cmp == UCMD_CMP_MASK)
		return v & val;
	if (cmp == UCMD_CMP_EQ)
		return v == val;
	if (cmp == UCMD_CMP_NE)
		return v != val;
	/* signed order as unsigned order: flip both sign bits */
	bias = (__u64)(c->flags & UCMD_COND_SIGNED) << 63;
	v ^= bias;
	val ^= bias;
	switch (cmp) {
	case UCMD_CMP_LT: return v < val;
	case UCMD_CMP_LE: return v <= val;
	case UCMD_CMP_GT: return v > val;
	case UCMD_CMP_GE: return v >= val;
	}
	return false;
}

static bool rule_matches(const struct ucmd_rule *r, struct ucmd_bpf_ctx *req,
			 const struct payload_buf *p, __u32 len)
{
	if (!scope_matches(r, req))
		return false;
	for (int i = 0; i < UCMD_RULE_MAX_CONDS; i++) {
		if (i >= r->nr_conds)
			break;
		if (!cond_holds(&r->conds[i], p, len))
			return false;
	}
	return true;
}

SEC("struct_ops/validate")
int BPF_PROG(rules_validate, struct ucmd_bpf_ctx *req)
{
	struct ucmd_rule_default *def;
	struct ucmd_rule_set *set;
	__u32 cmd_op = req->cmd_op, zero = 0;

	set = bpf_map_lookup_elem(&rules, &cmd_op);
	if (set) {
		struct payload_buf *p = bpf_map_lookup_elem(&payload, &zero);
		__u32 len = req->payload_len;

		/* cannot fail: len is at most 80, the kfunc checks it too */
		if (!p || len > UCMD_PAYLOAD_SQE128 ||
		    (len && bpf_ucmd_read_payload(req, 0, p->b, len) < 0))
			return -EPERM;
		for (int i = 0; i < UCMD_RULES_PER_OP; i++) {
			struct ucmd_rule *r = &set->rules[i];

			if (i >= set->nr_rules)
				break;
			if (rule_matches(r, req, p, len)) {
				__sync_fetch_and_add(&r->hits, 1);
				return r->verdict;
			}
		}
	}
	def = bpf_map_lookup_elem(&defaults, &zero);
	if (!def || !def->verdict)
		return 0;
	__sync_fetch_and_add(&def->hits, 1);
	return def->verdict;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_rules = {
	.name = "rules",
	.validate = (void *)rules_validate,
};
