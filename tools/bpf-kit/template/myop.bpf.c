// SPDX-License-Identifier: GPL-2.0
/*
 * myop: a ucmd opcode in BPF (docs/bpf-handlers.md). Completes MYOP_CMD
 * with res 0 and res2 = a ^ b; a payload shorter than struct myop_args
 * gets -EINVAL.
 *
 *   make                             builds myop.bpf.o and myop-client
 *   ucmdctl handler load ./myop.bpf.o
 *   ./myop-client 5 3                prints "res 0 res2 0x6"
 *   ucmdctl handler unload myop
 */
#include <ucmd.bpf.h>	/* vmlinux_ucmd.h, the UAPI, libbpf's helpers, the kfuncs */
#include "myop.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/handle")
int BPF_PROG(myop_handle, struct ucmd_bpf_ctx *req)
{
	struct myop_args p;

	if (bpf_ucmd_read_payload(req, 0, &p, sizeof(p)) < 0)
		return -EINVAL;
	bpf_ucmd_set_res2(req, p.a ^ p.b);
	return 0;	/* the CQE's res */
}

SEC(".struct_ops.link")
struct ucmd_ops myop = {
	.name = "myop",		/* ucmdctl handler unload myop */
	.op_first = MYOP_CMD,	/* the cmd_op range this instance serves */
	.op_last = MYOP_CMD,
	.handle = (void *)myop_handle,
};
