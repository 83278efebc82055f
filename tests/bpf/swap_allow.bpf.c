// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: a validator named "swap" that answers SWAP_VERDICT (0:
 * allows every request; swap_deny.bpf.c sets -EACCES) and counts its
 * calls in map "calls", for policy replace (bpf-policy-replace).
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#ifndef SWAP_VERDICT
#define SWAP_VERDICT 0
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

SEC("struct_ops/validate")
int BPF_PROG(swap_validate, struct ucmd_bpf_ctx *req)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&calls, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	return SWAP_VERDICT;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_swap = {
	.name = "swap",
	.validate = (void *)swap_validate,
};
