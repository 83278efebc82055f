// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: a sleepable handler of _IOR op 0x31 (payload struct
 * ucmd_csum: addr, len < 256, seed = the fill byte) that writes @len bytes
 * of @seed to user memory with bpf_ucmd_copy_to_user() and completes with
 * its return; res2 is what bpf_ucmd_copy_from_user() returned on the same
 * range (-EPERM: the op has no _IOC_WRITE).
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define UCOPY_FILL	_IOR(UCMD_IOC_TYPE_BPF, 0x31, struct ucmd_csum)

SEC("struct_ops.s/handle_sleepable")
int BPF_PROG(ucopy_fill, struct ucmd_bpf_ctx *req)
{
	struct ucmd_csum p = {};
	__u8 buf[256];
	int ret, i;

	if (bpf_ucmd_read_payload(req, 0, &p, sizeof(p)) < 0 || p.len > 255)
		return -EINVAL;
	bpf_for(i, 0, 256)
		buf[i & 255] = p.seed;
	ret = bpf_ucmd_copy_from_user(req, buf, p.len & 255, p.addr);
	bpf_ucmd_set_res2(req, (__u32)ret);
	bpf_for(i, 0, 256)
		buf[i & 255] = p.seed;
	return bpf_ucmd_copy_to_user(req, p.addr, buf, p.len & 255);
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_ucopy = {
	.name = "ucopy",
	.op_first = UCOPY_FILL,
	.op_last = UCOPY_FILL,
	.handle_sleepable = (void *)ucopy_fill,
};
