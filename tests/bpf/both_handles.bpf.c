// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: ->handle and ->handle_sleepable both set: the
 * struct_ops registration fails with -EINVAL (at most one handle member).
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(both_h, struct ucmd_bpf_ctx *req)
{
	return 0;
}

SEC("struct_ops.s/handle_sleepable")
int BPF_PROG(both_s, struct ucmd_bpf_ctx *req)
{
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_both = {
	.name = "both",
	.op_first = _IOWR(UCMD_IOC_TYPE_BPF, 0x35, struct ucmd_csum),
	.op_last = _IOWR(UCMD_IOC_TYPE_BPF, 0x35, struct ucmd_csum),
	.handle = (void *)both_h,
	.handle_sleepable = (void *)both_s,
};
