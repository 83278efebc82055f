// SPDX-License-Identifier: GPL-2.0
/*
 * Bench object: a handler for arith's cmd_ops that completes every
 * request with 0 and does nothing else, the floor of any BPF handler
 * (tools/bench: ucmd-bpf-empty against ucmd-bpf-arith and the C NOP).
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(empty_handle, struct ucmd_bpf_ctx *req)
{
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_empty = {
	.name = "empty",
	.op_first = UCMD_ARITH_ADD,
	.op_last = UCMD_ARITH_MUL,
	.handle = (void *)empty_handle,
};
