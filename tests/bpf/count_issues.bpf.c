// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: allows everything and counts the issues it validates,
 * issues[0] first issues, issues[1] the io-wq re-issues after a
 * handler's -EAGAIN (ctx->reissue).
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} issues SEC(".maps");

SEC("struct_ops/validate")
int BPF_PROG(count_validate, struct ucmd_bpf_ctx *req)
{
	__u32 k = req->reissue ? 1 : 0;
	__u64 *v = bpf_map_lookup_elem(&issues, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_count_issues = {
	.name = "count_issues",
	.validate = (void *)count_validate,
};
