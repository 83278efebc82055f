// SPDX-License-Identifier: GPL-2.0
/* Rejected by the verifier: completes one deferred request twice. */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(double_handle, struct ucmd_bpf_ctx *c)
{
	struct ucmd_bpf_req *req = bpf_ucmd_req_defer(c);

	if (!req)
		return -ENOMEM;
	bpf_ucmd_req_complete(req, 0, 0);
	bpf_ucmd_req_complete(req, 0, 0);	/* released already */
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_double = {
	.name = "req_double",
	.op_first = _IOWR(UCMD_IOC_TYPE_BPF, 0x31, struct ucmd_timer),
	.op_last = _IOWR(UCMD_IOC_TYPE_BPF, 0x31, struct ucmd_timer),
	.handle = (void *)double_handle,
};
