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

static bool cond_holds(const struct ucmd_rule_cond *c, struct ucmd_bpf_ctx *req)
{
	__u64 v = 0;
	__s64 sv;
	__u32 size = c->size;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	if (bpf_ucmd_read_payload(req, c->offset, &v, size & 15) < 0)
		return false;		/* past the payload */
	if (c->flags & UCMD_COND_SIGNED) {
		sv = size == 8 ? (__s64)v : (__s64)(v << (64 - 8 * size)) >> (64 - 8 * size);
		switch (c->cmp) {
		case UCMD_CMP_LT: return sv < (__s64)c->value;
		case UCMD_CMP_LE: return sv <= (__s64)c->value;
		case UCMD_CMP_GT: return sv > (__s64)c->value;
		case UCMD_CMP_GE: return sv >= (__s64)c->value;
		}
		v = sv;
	}
	switch (c->cmp) {
	case UCMD_CMP_EQ: return v == c->value;
	case UCMD_CMP_NE: return v != c->value;
	case UCMD_CMP_LT: return v < c->value;
	case UCMD_CMP_LE: return v <= c->value;
	case UCMD_CMP_GT: return v > c->value;
	case UCMD_CMP_GE: return v >= c->value;
	case UCMD_CMP_MASK: return v & c->value;
	}
	return false;
}

static bool rule_matches(const struct ucmd_rule *r, struct ucmd_bpf_ctx *req)
{
	if (!scope_matches(r, req))
		return false;
	for (int i = 0; i < UCMD_RULE_MAX_CONDS; i++) {
		if (i >= r->nr_conds)
			break;
		if (!cond_holds(&r->conds[i], req))
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
		for (int i = 0; i < UCMD_RULES_PER_OP; i++) {
			struct ucmd_rule *r = &set->rules[i];

			if (i >= set->nr_rules)
				break;
			if (rule_matches(r, req)) {
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
