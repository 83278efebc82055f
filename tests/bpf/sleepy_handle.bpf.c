// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: a sleepable program in ->handle, which runs under
 * IO_URING_F_NONBLOCK: ucmd's ->check_member refuses it (the sleepable
 * member is handle_sleepable).
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops.s/handle")
int BPF_PROG(sleepy_handle, struct ucmd_bpf_ctx *req)
{
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_sleepy_h = {
	.name = "sleepy_h",
	.op_first = _IOWR(UCMD_IOC_TYPE_BPF, 0x34, struct ucmd_csum),
	.op_last = _IOWR(UCMD_IOC_TYPE_BPF, 0x34, struct ucmd_csum),
	.handle = (void *)sleepy_handle,
};
