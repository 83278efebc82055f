// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: UCMD_TEST_CMD_BPF_PARK, a ->handle_sleepable that reads 8
 * bytes of user memory at payload.res2 (a copy that may block as long as
 * a page fault does), then defers the request and parks the reference in
 * a map: only a cancel completes it (tests/guest/unregister-issuing.c).
 */
#include "ucmd.bpf.h"
#include "../kmod/ucmd_test.h"

char LICENSE[] SEC("license") = "GPL";

struct park_slot {
	struct ucmd_bpf_req __kptr *req;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct park_slot);
} parked SEC(".maps");

SEC("struct_ops.s/handle_sleepable")
int BPF_PROG(park_handle, struct ucmd_bpf_ctx *req_ctx)
{
	struct ucmd_echo p = {};
	struct ucmd_bpf_req *req;
	struct park_slot *s;
	__u32 key = 0;
	char b[8];

	if (bpf_ucmd_read_payload(req_ctx, 0, &p, sizeof(p)) < 0)
		return -EINVAL;
	if (p.res2 && bpf_ucmd_copy_from_user(req_ctx, b, sizeof(b), p.res2) < 0)
		return -EFAULT;
	req = bpf_ucmd_req_defer(req_ctx);
	if (!req)
		return -ENOMEM;
	s = bpf_map_lookup_elem(&parked, &key);
	if (!s) {
		bpf_ucmd_req_complete(req, -ENOENT, 0);
		return 0;
	}
	req = bpf_kptr_xchg(&s->req, req);
	if (req)
		bpf_ucmd_req_complete(req, -EEXIST, 0);
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_park = {
	.name = "park",
	.op_first = UCMD_TEST_CMD_BPF_PARK,
	.op_last = UCMD_TEST_CMD_BPF_PARK,
	.handle_sleepable = (void *)park_handle,
};
