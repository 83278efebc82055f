// SPDX-License-Identifier: GPL-2.0
/*
 * Rejected by the verifier: a kfunc's int return used as a size
 * unclamped (bpf_ucmd_read_payload()'s result may be negative).
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(unclamped_handle, struct ucmd_bpf_ctx *c)
{
	__u8 buf[16] = {};
	int n = bpf_ucmd_read_payload(c, 0, buf, sizeof(buf));

	return bpf_ucmd_read_payload(c, 0, buf, n);	/* n unbounded */
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_unclamped = {
	.name = "unclamped",
	.op_first = _IOWR(UCMD_IOC_TYPE_BPF, 0x31, struct ucmd_timer),
	.op_last = _IOWR(UCMD_IOC_TYPE_BPF, 0x31, struct ucmd_timer),
	.handle = (void *)unclamped_handle,
};
