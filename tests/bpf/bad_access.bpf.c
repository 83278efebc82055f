// SPDX-License-Identifier: GPL-2.0
/* Test object: reads past its context struct; the verifier must reject it. */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/validate")
int BPF_PROG(bad_validate, struct ucmd_bpf_ctx *req)
{
	return ((volatile __u64 *)req)[64];
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_bad = {
	.name = "bad",
	.validate = (void *)bad_validate,
};
