// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: a sleepable validator (SEC("struct_ops.s/...")). ucmd's
 * ->check_member refuses it: validators run under rcu_read_lock().
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops.s/validate")
int BPF_PROG(sleepy_validate, struct ucmd_bpf_ctx *req)
{
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_sleepy = {
	.name = "sleepy",
	.validate = (void *)sleepy_validate,
};
