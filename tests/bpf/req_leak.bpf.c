// SPDX-License-Identifier: GPL-2.0
/* Rejected by the verifier: defers the request and drops the reference. */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(leak_handle, struct ucmd_bpf_ctx *c)
{
	struct ucmd_bpf_req *req = bpf_ucmd_req_defer(c);

	if (!req)
		return -ENOMEM;
	return 0;		/* reference lost: "Unreleased reference" */
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_leak = {
	.name = "req_leak",
	.op_first = _IOWR(UCMD_IOC_TYPE_BPF, 0x30, struct ucmd_timer),
	.op_last = _IOWR(UCMD_IOC_TYPE_BPF, 0x30, struct ucmd_timer),
	.handle = (void *)leak_handle,
};
