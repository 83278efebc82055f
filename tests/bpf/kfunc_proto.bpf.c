// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: a kfunc declared with a prototype that is not ucmd.ko's
 * (bpf_ucmd_set_res2() with a third argument), which libbpf refuses with
 * "func_proto ... incompatible", the load error an old clang's objects
 * get (tests/guest/bpf-load-errors.sh).
 */
#define bpf_ucmd_set_res2 ucmd_header_set_res2	/* the header's declaration, out of the way */
#include "ucmd.bpf.h"
#undef bpf_ucmd_set_res2

extern void bpf_ucmd_set_res2(struct ucmd_bpf_ctx *ctx, __u64 res2, __u32 extra) __ksym;

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(proto_handle, struct ucmd_bpf_ctx *req)
{
	bpf_ucmd_set_res2(req, 1, 2);
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_kfunc_proto = {
	.name = "kfunc_proto",
	.op_first = UCMD_ARITH_ADD,
	.op_last = UCMD_ARITH_MUL,
	.handle = (void *)proto_handle,
};
