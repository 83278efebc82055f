// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: a non-sleepable ->handle that calls
 * bpf_ucmd_copy_from_user(), a KF_SLEEPABLE kfunc: the verifier refuses it.
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(ucopy_nonsleep, struct ucmd_bpf_ctx *req)
{
	__u8 buf[8];

	return bpf_ucmd_copy_from_user(req, buf, sizeof(buf), 4096);
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_ucopy_ns = {
	.name = "ucopy_ns",
	.op_first = _IOW(UCMD_IOC_TYPE_BPF, 0x33, struct ucmd_csum),
	.op_last = _IOW(UCMD_IOC_TYPE_BPF, 0x33, struct ucmd_csum),
	.handle = (void *)ucopy_nonsleep,
};
