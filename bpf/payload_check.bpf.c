// SPDX-License-Identifier: GPL-2.0
/*
 * payload_check: a policy that reads the payload, not just the cmd_op.
 *
 * DELAY requests asking for more than max_delay_us (rodata, 100 ms unless
 * the loader sets it) are denied with -E2BIG; ECHO requests whose res2 is
 * 0xbad are denied with -EINVAL. Everything else is allowed.
 *
 *   ucmdctl policy load payload_check
 *   ucmdctl cmd delay 500000         # res -7 (E2BIG)
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u64 max_delay_us = 100000;

SEC("struct_ops/validate")
int BPF_PROG(payload_validate, struct ucmd_bpf_ctx *req)
{
	if (req->cmd_op == UCMD_CMD_DELAY) {
		struct ucmd_delay d = {};

		if (bpf_ucmd_read_payload(req, 0, &d, sizeof(d)) < 0)
			return -EINVAL;
		if (d.delay_us > max_delay_us)
			return -E2BIG;
	} else if (req->cmd_op == UCMD_CMD_ECHO) {
		struct ucmd_echo e = {};

		if (bpf_ucmd_read_payload(req, 0, &e, sizeof(e)) < 0)
			return -EINVAL;
		if (e.res2 == 0xbad)
			return -EINVAL;
	}
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_payload_check = {
	.name = "payload_check",
	.validate = (void *)payload_validate,
};
