// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: a sleepable handler of _IOW op 0x32 that tries to write
 * user memory: bpf_ucmd_copy_to_user() must return -EPERM (the op has no
 * _IOC_READ), which it completes with.
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define UCOPY_W		_IOW(UCMD_IOC_TYPE_BPF, 0x32, struct ucmd_csum)

SEC("struct_ops.s/handle_sleepable")
int BPF_PROG(ucopy_w, struct ucmd_bpf_ctx *req)
{
	struct ucmd_csum p = {};
	__u8 buf[16] = {};

	if (bpf_ucmd_read_payload(req, 0, &p, sizeof(p)) < 0)
		return -EINVAL;
	return bpf_ucmd_copy_to_user(req, p.addr, buf, sizeof(buf));
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_ucopy_w = {
	.name = "ucopy_w",
	.op_first = UCOPY_W,
	.op_last = UCOPY_W,
	.handle_sleepable = (void *)ucopy_w,
};
