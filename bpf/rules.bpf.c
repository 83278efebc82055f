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
 * and ucmdctl replaces a cmd_op's set in one map update.
 *
 * A set is never rewritten in place: "rules" maps each cmd_op to an inner
 * array holding its set, and a new set is a new inner map swapped in
 * whole (ucmd_rules_write(), bpf/ucmd_rules_user.h). The old one is freed
 * only after an RCU grace period, so a validator walking it - preempted,
 * or slow - never reads a set being rewritten, nor another cmd_op's (a
 * preallocated hash element, by contrast, is reused for the next update
 * on that CPU at once).
 *
 *   ucmdctl policy load rules [default deny EPERM]
 *   ucmdctl rule add echo deny EPERM                    # every uid
 *   ucmdctl rule add delay deny E2BIG if delay_us gt 100000
 *   ucmdctl rule add nop deny EACCES uid 1000
 *   ucmdctl rule list
 *   ucmdctl policy unload rules
 */
#include "ucmd.bpf.h"
#include "rules_cond.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * The inner map's value by size: clang emits only a forward declaration
 * of a struct named in a nested map definition, and libbpf cannot size it.
 */
struct rule_set_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct ucmd_rule_set));
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 1024);
	__type(key, __u32);			/* cmd_op */
	__array(values, struct rule_set_map);
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
 * Conditions read the request's payload where the issue keeps it
 * (bpf_ucmd_payload(): read-only, on the issuing task's stack), never a
 * copy in a map: a per-CPU scratch buffer would be shared with every
 * validation this CPU runs while this program is preempted (struct_ops
 * programs are preemptible on PREEMPT kernels, 7.x's lazy default), and
 * a request could be judged on another's bytes. docs/semantics.md,
 * "What a policy may keep in maps".
 */
#ifdef UCMD_RULES_TEST_DELAY
/* tests/bpf/rules_slow.bpf.c: widen the window a shared copy would have */
static long rules_spin(__u64 i, void *ctx)
{
	return 0;
}
#define rules_test_delay() bpf_loop(UCMD_RULES_TEST_DELAY, rules_spin, NULL, 0)
#else
#define rules_test_delay() do { } while (0)
#endif

static bool rule_matches(const struct ucmd_rule *r, struct ucmd_bpf_ctx *req,
			 const __u8 *p, __u32 len)
{
	return scope_matches(r, req) && conds_hold(r, p, len);
}

SEC("struct_ops/validate")
int BPF_PROG(rules_validate, struct ucmd_bpf_ctx *req)
{
	struct ucmd_rule_set *set = NULL;
	struct ucmd_rule_default *def;
	__u32 cmd_op = req->cmd_op, zero = 0;
	void *inner;

	inner = bpf_map_lookup_elem(&rules, &cmd_op);
	if (inner)
		set = bpf_map_lookup_elem(inner, &zero);
	if (set) {
		__u32 len = req->payload_len;
		const __u8 *p = NULL;

		/* cannot fail: a payload is at most 80 bytes */
		if (len) {
			p = bpf_ucmd_payload(req, UCMD_PAYLOAD_SQE128);
			if (!p)
				return -EPERM;
		}
		rules_test_delay();
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
