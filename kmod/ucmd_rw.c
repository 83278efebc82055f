// SPDX-License-Identifier: GPL-2.0
/*
 * READ and WRITE: copy between the process and the buffer of the open
 * /dev/ucmd file, through plain user addresses or registered (fixed)
 * buffers imported with io_uring_cmd_import_fixed(), as NVMe passthrough
 * does (drivers/nvme/host/ioctl.c).
 *
 * A copy from plain user memory may fault and sleep. Under
 * IO_URING_F_NONBLOCK it runs with page faults disabled and, if a page is
 * missing, asks for the io-wq issue with -EAGAIN; the copy is idempotent,
 * so doing it again there is harmless. Registered buffers are pinned and
 * never fault.
 *
 * Concurrent requests on one file copy in no defined order; each copy
 * stays inside the buffer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io_uring/cmd.h>
#include <linux/uio.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <uapi/linux/ucmd.h>

#include "ucmd_request.h"
#include "ucmd_file.h"
#include "ucmd_builtin.h"
#include "ucmd_compat.h"

static int ucmd_rw(struct ucmd_req *req, const struct ucmd_rw *p,
		   unsigned int issue_flags, int dir)
{
	struct io_uring_cmd *cmd = ucmd_req_cmd(req);
	bool nofault = issue_flags & IO_URING_F_NONBLOCK;
	struct ucmd_file *uf;
	struct iov_iter iter;
	size_t done;
	int ret;

	if (!cmd)
		return -EOPNOTSUPP;	/* ioctl(): no registered buffers */
	uf = cmd->file->private_data;
	if (!p->len || p->len > UCMD_BUF_SIZE ||
	    p->offset > UCMD_BUF_SIZE - p->len)
		return -EINVAL;

	if (cmd->flags & IORING_URING_CMD_FIXED) {
		ret = ucmd_import_fixed(p->addr, p->len, dir, &iter, cmd,
					issue_flags);
		nofault = false;	/* pinned pages */
	} else {
		ret = import_ubuf(dir, u64_to_user_ptr(p->addr), p->len, &iter);
	}
	if (ret)
		return ret;

	if (nofault)
		pagefault_disable();
	if (dir == ITER_SOURCE)		/* WRITE: process -> device */
		done = copy_from_iter(uf->buf + p->offset, p->len, &iter);
	else				/* READ: device -> process */
		done = copy_to_iter(uf->buf + p->offset, p->len, &iter);
	if (nofault)
		pagefault_enable();

	if (done != p->len)
		return nofault ? -EAGAIN : -EFAULT;
	return p->len;
}

int ucmd_read_issue(struct ucmd_req *req, const void *payload,
		    unsigned int issue_flags)
{
	return ucmd_rw(req, payload, issue_flags, ITER_DEST);
}

int ucmd_write_issue(struct ucmd_req *req, const void *payload,
		     unsigned int issue_flags)
{
	return ucmd_rw(req, payload, issue_flags, ITER_SOURCE);
}
