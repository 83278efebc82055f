// SPDX-License-Identifier: GPL-2.0
/* Test object: claims the built-in ECHO cmd_op, which must fail (-EEXIST). */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(conflict_handle, struct ucmd_bpf_ctx *req)
{
	return 1;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_conflict = {
	.name = "conflict",
	.op_first = UCMD_CMD_ECHO,
	.op_last = UCMD_CMD_ECHO,
	.handle = (void *)conflict_handle,
};
