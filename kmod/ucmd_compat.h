/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ucmd needs of io_uring that has no API of its own, in one place.
 * Derived from io_uring/io_uring.c and io_uring/uring_cmd.c of Linux 6.12;
 * recheck on every kernel ucmd is built for.
 */
#ifndef _UCMD_COMPAT_H
#define _UCMD_COMPAT_H

#include <linux/io_uring/cmd.h>
#include <linux/io_uring_types.h>

/**
 * ucmd_first_issue() - is this ->uring_cmd call the request's first issue?
 * @cmd: the request
 * @issue_flags: the flags of this call
 *
 * io_uring issues a request first inline or from the SQPOLL thread, both
 * with IO_URING_F_NONBLOCK, or, when REQ_F_FORCE_ASYNC is set (IOSQE_ASYNC,
 * IOSQE_IO_DRAIN), from io-wq. An io-wq issue of a request without
 * REQ_F_FORCE_ASYNC only follows an earlier issue that returned -EAGAIN
 * (io_queue_async() -> io_queue_iowq()); ucmd rejects IOPOLL rings, the
 * only case where io-wq retries a forced-async request.
 *
 * Return: true on the first issue, false on the io-wq re-issue.
 */
static inline bool ucmd_first_issue(struct io_uring_cmd *cmd,
				    unsigned int issue_flags)
{
	return (issue_flags & IO_URING_F_NONBLOCK) ||
	       (cmd_to_io_kiocb(cmd)->flags & REQ_F_FORCE_ASYNC);
}

/**
 * ucmd_cmd_payload() - where to copy this issue's payload from
 * @cmd: the request
 * @first: ucmd_first_issue() of this call
 *
 * Linux 6.12's io_uring_cmd() copies the SQE into req->async_data when
 * ->uring_cmd returns -EAGAIN, but leaves cmd->sqe pointing at the SQ ring
 * slot, which userspace may have reused by the time io-wq issues the
 * request again (tests/guest/reissue-sqe-copy.c shows it). On that
 * re-issue, read io_uring's copy. On kernels that point cmd->sqe at the
 * copy themselves the two are the same.
 *
 * Return: the command area (sqe->cmd) to copy the payload from.
 */
static inline const void *ucmd_cmd_payload(struct io_uring_cmd *cmd,
					   bool first)
{
	struct io_kiocb *req = cmd_to_io_kiocb(cmd);

	if (!first && (req->flags & REQ_F_ASYNC_DATA) && req->async_data)
		return io_uring_sqe_cmd(req->async_data);
	return io_uring_sqe_cmd(cmd->sqe);
}

#endif /* _UCMD_COMPAT_H */
