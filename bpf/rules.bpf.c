// SPDX-License-Identifier: GPL-2.0
/*
 * rules: a map-driven per-cmd_op policy.
 *
 * For each request, look up {cmd_op, uid} in the "rules" map, then
 * {cmd_op, UCMD_RULE_ANY_UID}; a rule's verdict is 0 (allow) or a
 * negative errno (deny: the request completes with it). No rule: allow.
 * Rules change at run time, without reloading: the map is pinned.
 *
 *   ucmdctl policy load rules
 *   ucmdctl rule add echo deny EPERM          # every uid
 *   ucmdctl rule add nop deny EACCES uid 1000
 *   ucmdctl rule list
 *   ucmdctl policy unload rules
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct ucmd_rule_key);
	__type(value, struct ucmd_rule);
} rules SEC(".maps");

SEC("struct_ops/validate")
int BPF_PROG(rules_validate, struct ucmd_bpf_ctx *req)
{
	struct ucmd_rule_key key = { .cmd_op = req->cmd_op, .uid = req->uid };
	struct ucmd_rule *rule;

	rule = bpf_map_lookup_elem(&rules, &key);
	if (!rule) {
		key.uid = UCMD_RULE_ANY_UID;
		rule = bpf_map_lookup_elem(&rules, &key);
	}
	if (!rule)
		return 0;
	__sync_fetch_and_add(&rule->hits, 1);
	return rule->verdict;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_rules = {
	.name = "rules",
	.validate = (void *)rules_validate,
};
