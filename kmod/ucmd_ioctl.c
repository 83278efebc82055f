// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl(2) entry of /dev/ucmd: the same lookup, validators and
 * handlers as the io_uring entry, synchronously, for comparison (the
 * benchmark's baseline) and for callers without a ring.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <uapi/linux/ucmd.h>

#include "ucmd_request.h"
#include "ucmd_compat.h"
#include "ucmd_file.h"
#include "ucmd_bpf.h"
#include "ucmd_trace.h"

/**
 * ucmd_ioctl() - the same dispatch through ioctl(2), for comparison
 * @file: an open /dev/ucmd
 * @cmd_op: the cmd_op, as for IORING_OP_URING_CMD
 * @arg: user address of the payload, _IOC_SIZE(@cmd_op) bytes
 *
 * Runs the lookup, the BPF validators and the handler as the uring_cmd
 * path does, synchronously: what users would otherwise write. res2 is not
 * delivered, and a handler that defers fails with -EOPNOTSUPP. Fires the
 * tracepoints an io_uring request fires: ucmd_issue (issue_flags 0),
 * ucmd_deny, and ucmd_complete with kind UCMD_DONE_IOCTL (UCMD_DONE_DENIED
 * for a denial), so that ucmdctl trace and stats count these requests.
 *
 * Return: the handler's result, mapped as for a CQE (ucmd_fixup_res():
 * -EINTR for a restart code, -EIO for any other value below -511);
 * -EFAULT if the payload cannot be read;
 * -EINVAL for a payload over 80 bytes or a cmd_op whose size or direction
 * differ from the handler's; -ENOTTY for a cmd_op no handler serves;
 * -EOPNOTSUPP for a handler that defers or needs io_uring; a validator's
 * errno; -ENOTTY for a handler's -EAGAIN (it needs io-wq).
 */
long ucmd_ioctl(struct file *file, unsigned int cmd_op, unsigned long arg)
{
	u8 payload[UCMD_PAYLOAD_SQE128] __aligned(8) __ucmd_uninit;
	struct ucmd_ioctl_req ireq = {
		.req.ref = 1,	/* once ucmd_handler_get() succeeded */
		.req.ioctl = 1,
		.uf = file->private_data,
	};
	struct ucmd_req *req = &ireq.req;
	size_t size = _IOC_SIZE(cmd_op);
	char policy[UCMD_NAME_LEN] __ucmd_uninit;
	int kind = UCMD_DONE_IOCTL;
	const char *name = "-";
	u64 start_ns = 0;
	long ret;

	if (trace_ucmd_complete_enabled())
		start_ns = ktime_get_ns();
	if (size > sizeof(payload)) {
		ret = -EINVAL;
		goto out;
	}
	if (size && copy_from_user(payload, (void __user *)arg, size)) {
		ret = -EFAULT;
		goto out;
	}
	req->h = ucmd_handler_get(cmd_op);
	if (!req->h) {
		ret = -ENOTTY;
		goto out;
	}
	name = req->h->ops->name;
	if (req->h->cmd_op != cmd_op) {
		ret = -EINVAL;
		goto out;
	}
	ret = ucmd_bpf_validate(cmd_op, payload, 0, false, ireq.uf->id, policy);
	if (ret) {
		trace_ucmd_deny(cmd_op, policy, ret, current);
		name = policy;
		kind = UCMD_DONE_DENIED;
		goto out;
	}
	if (trace_ucmd_issue_enabled())
		trace_ucmd_issue(cmd_op, name, 0, current);
	ret = req->h->issue(req, payload, 0);
	if (req->defer_refused)
		ret = -EOPNOTSUPP;
	else if (ret == -EAGAIN)
		ret = -ENOTTY;
	else
		ret = ucmd_fixup_res(ret);
out:
	/* before the put: @name may be the handler's */
	if (trace_ucmd_complete_enabled())
		trace_ucmd_complete(cmd_op, name, ret, 0,
				    start_ns ? ktime_get_ns() - start_ns : 0,
				    kind, current);
	if (req->h)
		ucmd_handler_put(req->h);
	return ret;
}
