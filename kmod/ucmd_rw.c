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
 * READV and WRITEV take an iovec array, plain or over registered buffers
 * (io_uring_cmd_import_fixed_vec(), 7.x). Copying the array may fault and
 * allocate, so they always run on io-wq.
 *
 * Concurrent requests on one file copy in no defined order; each copy
 * stays inside the buffer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io_uring/cmd.h>
#include <linux/uio.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/slab.h>
#include <uapi/linux/ucmd.h>

#include "ucmd_request.h"
#include "ucmd_file.h"
#include "ucmd_builtin.h"
#include "ucmd_compat.h"

/* Copy @len bytes at @offset of @uf's buffer from (WRITE) or to (READ) @iter. */
static size_t ucmd_buf_copy(struct ucmd_file *uf, u32 offset, size_t len,
			    struct iov_iter *iter, int dir)
{
	if (dir == ITER_SOURCE)		/* process -> device */
		return copy_from_iter(uf->buf + offset, len, iter);
	return copy_to_iter(uf->buf + offset, len, iter);	/* device -> process */
}

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
	done = ucmd_buf_copy(uf, p->offset, p->len, &iter, dir);
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

static int ucmd_rwv(struct ucmd_req *req, const struct ucmd_rwv *p,
		    unsigned int issue_flags, int dir)
{
	const struct iovec __user *uvec = u64_to_user_ptr(p->iov);
	struct iovec iovstack[UIO_FASTIOV], *iov = iovstack;
	struct io_uring_cmd *cmd = ucmd_req_cmd(req);
	struct ucmd_file *uf;
	struct iov_iter iter;
	size_t len, done;
	ssize_t ret;

	if (!cmd)
		return -EOPNOTSUPP;	/* ioctl() */
	if (!p->nr_segs || p->nr_segs > UCMD_RWV_MAX_SEGS ||
	    p->offset >= UCMD_BUF_SIZE)
		return -EINVAL;
	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;		/* the iovec copy may fault: io-wq */
	uf = cmd->file->private_data;

	if (cmd->flags & IORING_URING_CMD_FIXED) {
		iov = NULL;
		ret = ucmd_import_fixed_vec(cmd, uvec, p->nr_segs, dir, &iter,
					    issue_flags);
	} else {
		/* Leaves iov NULL, or an allocation to free. */
		ret = import_iovec(dir, uvec, p->nr_segs, UIO_FASTIOV, &iov,
				   &iter);
	}
	if (ret < 0)
		return ret;

	len = iov_iter_count(&iter);
	if (!len || len > UCMD_BUF_SIZE - p->offset) {
		ret = -EINVAL;
		goto out;
	}
	done = ucmd_buf_copy(uf, p->offset, len, &iter, dir);
	ret = done == len ? len : -EFAULT;
out:
	kfree(iov);
	return ret;
}

int ucmd_readv_issue(struct ucmd_req *req, const void *payload,
		     unsigned int issue_flags)
{
	return ucmd_rwv(req, payload, issue_flags, ITER_DEST);
}

int ucmd_writev_issue(struct ucmd_req *req, const void *payload,
		      unsigned int issue_flags)
{
	return ucmd_rwv(req, payload, issue_flags, ITER_SOURCE);
}
