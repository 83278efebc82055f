// SPDX-License-Identifier: GPL-2.0
/*
 * kv: a key-value store implemented in BPF, as new cmd_ops, without
 * rebuilding ucmd.ko: UCMD_KV_PUT, UCMD_KV_GET and UCMD_KV_DEL with a
 * struct ucmd_kv payload, over a BPF hash map of 4096 u64 -> u64.
 *
 *   ucmdctl handler load kv
 *   ucmdctl cmd kv_put 7 4242
 *   ucmdctl cmd kv_get 7                    # res 0, res2 4242
 *   ucmdctl handler unload kv               # the ops get -EOPNOTSUPP again
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} kv SEC(".maps");

SEC("struct_ops/handle")
int BPF_PROG(kv_handle, struct ucmd_bpf_ctx *req)
{
	struct ucmd_kv p = {};
	__u64 *v;

	if (bpf_ucmd_read_payload(req, 0, &p, sizeof(p)) < 0)
		return -EINVAL;
	switch (req->cmd_op) {
	case UCMD_KV_PUT:
		return bpf_map_update_elem(&kv, &p.key, &p.value, BPF_ANY) ? -E2BIG : 0;
	case UCMD_KV_GET:
		v = bpf_map_lookup_elem(&kv, &p.key);
		if (!v)
			return -ENOENT;
		bpf_ucmd_set_res2(req, *v);
		return 0;
	case UCMD_KV_DEL:
		return bpf_map_delete_elem(&kv, &p.key) ? -ENOENT : 0;
	}
	return -EOPNOTSUPP;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_kv = {
	.name = "kv",
	.op_first = UCMD_KV_PUT,
	.op_last = UCMD_KV_DEL,
	.handle = (void *)kv_handle,
};
