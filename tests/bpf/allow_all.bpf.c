// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: a validator that allows everything, loaded many times
 * under different names to fill the instance list.
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/validate")
int BPF_PROG(allow_validate, struct ucmd_bpf_ctx *req)
{
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_allow_all = {
	.name = "allow_all",
	.validate = (void *)allow_validate,
};
