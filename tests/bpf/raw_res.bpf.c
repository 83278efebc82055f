// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: UCMD_TEST_CMD_BPF_RAW returns payload.res unchecked, or,
 * with payload.res2 == 1, defers and completes with it: what ucmd makes
 * of any result a BPF handler gives (tests/guest/result-fixup.c). If the
 * deferral fails it returns payload.res synchronously (defer-enomem).
 */
#include "ucmd.bpf.h"
#include "../kmod/ucmd_test.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(raw_handle, struct ucmd_bpf_ctx *req_ctx)
{
	struct ucmd_echo p = {};
	struct ucmd_bpf_req *req;

	if (bpf_ucmd_read_payload(req_ctx, 0, &p, sizeof(p)) < 0)
		return -EINVAL;
	if (p.res2 != 1)
		return p.res;
	req = bpf_ucmd_req_defer(req_ctx);
	if (!req)	/* no memory: complete synchronously instead */
		return p.res;
	bpf_ucmd_req_complete(req, p.res, 0);
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_raw_res = {
	.name = "raw_res",
	.op_first = UCMD_TEST_CMD_BPF_RAW,
	.op_last = UCMD_TEST_CMD_BPF_RAW,
	.handle = (void *)raw_handle,
};
