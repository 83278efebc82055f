// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: denies every cmd_op of type 'u' except NOP with -EACCES and
 * counts the calls it saw, so tests can stack it and count validations.
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 calls;

SEC("struct_ops/validate")
int BPF_PROG(deny_validate, struct ucmd_bpf_ctx *req)
{
	__sync_fetch_and_add(&calls, 1);
	if (req->cmd_op == UCMD_CMD_NOP)
		return 0;
	return -13;	/* EACCES */
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_deny_all = {
	.name = "deny_all",
	.validate = (void *)deny_validate,
};
