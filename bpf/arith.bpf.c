// SPDX-License-Identifier: GPL-2.0
/*
 * arith: two arithmetic cmd_ops implemented in BPF: UCMD_ARITH_ADD and
 * UCMD_ARITH_MUL on a struct ucmd_arith payload, the result as res2
 * (read it on a CQE32 ring); MUL that overflows gets -EOVERFLOW.
 *
 *   ucmdctl handler load arith
 *   ucmdctl cmd arith_mul 6 7               # res 0, res2 0x2a
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(arith_handle, struct ucmd_bpf_ctx *req)
{
	struct ucmd_arith p = {};
	__u64 r;

	if (bpf_ucmd_read_payload(req, 0, &p, sizeof(p)) < 0)
		return -EINVAL;
	if (req->cmd_op == UCMD_ARITH_ADD) {
		r = p.a + p.b;
	} else {
		r = p.a * p.b;
		/* Else clang folds the check into a 128-bit multiply (no BPF insn). */
		barrier_var(r);
		if (p.a && r / p.a != p.b)
			return -EOVERFLOW;
	}
	bpf_ucmd_set_res2(req, r);
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_arith = {
	.name = "arith",
	.op_first = UCMD_ARITH_ADD,
	.op_last = UCMD_ARITH_MUL,
	.handle = (void *)arith_handle,
};
