/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ucmd needs of io_uring that has no API of its own, in one place.
 * Derived from io_uring/uring_cmd.c and io_uring/io_uring.c of Linux
 * 6.12.117; recheck on every kernel ucmd is built for.
 *
 * ucmd never infers io_uring's control flow from issue_flags. The one fact
 * it needs across two issues of a request is "this issue follows ucmd's
 * own -EAGAIN", and it records that fact itself, in the request's
 * io_uring_cmd flags:
 *
 *  - io_uring_cmd_prep() sets ioucmd->flags from sqe->uring_cmd_flags and
 *    fails the SQE if a bit outside IORING_URING_CMD_MASK is set, so every
 *    request starts with UCMD_CMD_REISSUE clear: it can be neither stale
 *    (left by an earlier request) nor forged by userspace;
 *  - io_uring itself only touches IORING_URING_CMD_CANCELABLE in it
 *    (io_uring_cmd_mark_cancelable(), io_uring_cmd_del_cancelable());
 *  - ucmd sets UCMD_CMD_REISSUE right before it returns -EAGAIN under
 *    IO_URING_F_NONBLOCK, and io_uring_cmd() then copies the SQE into
 *    req->async_data (without repointing ioucmd->sqe) and io_queue_iowq()
 *    issues the request again from io-wq, where -EAGAIN is final
 *    (io_wq_submit_work(): no retry for a non-pollable opcode).
 *
 * Linux 6.17 defines IORING_URING_CMD_REISSUE, bit 31, and sets it itself
 * on that re-issue; ucmd uses the same bit, so the mechanism is the same.
 */
#ifndef _UCMD_COMPAT_H
#define _UCMD_COMPAT_H

#include <linux/build_bug.h>
#include <linux/io_uring/cmd.h>
#include <linux/io_uring_types.h>

#define UCMD_CMD_REISSUE	BIT(31)

static_assert(!(UCMD_CMD_REISSUE &
		(IORING_URING_CMD_MASK | IORING_URING_CMD_CANCELABLE)));

/**
 * ucmd_cmd_mark_reissue() - record that ucmd asked io_uring for a re-issue
 * @cmd: the request; ->uring_cmd returns -EAGAIN under IO_URING_F_NONBLOCK
 *	 right after this call
 */
static inline void ucmd_cmd_mark_reissue(struct io_uring_cmd *cmd)
{
	cmd->flags |= UCMD_CMD_REISSUE;
}

/**
 * ucmd_cmd_is_reissue() - does this issue follow ucmd's own -EAGAIN?
 * @cmd: the request
 *
 * Return: true only on the io-wq issue that follows an issue of this same
 * request on which ucmd_cmd_mark_reissue() was called.
 */
static inline bool ucmd_cmd_is_reissue(struct io_uring_cmd *cmd)
{
	return cmd->flags & UCMD_CMD_REISSUE;
}

/**
 * ucmd_cmd_payload() - the command area this issue's payload is read from
 * @cmd: the request
 *
 * ioucmd->sqe points at io_uring's copy when io_uring_cmd_prep_setup()
 * made one (REQ_F_FORCE_ASYNC at prep), else at the SQ ring slot. After
 * ucmd's -EAGAIN, 6.12's io_uring_cmd() copies the SQE into
 * req->async_data but leaves ioucmd->sqe on the slot, which userspace may
 * have reused since: read the copy then. In every other case - a link
 * member issued from task work or by io-wq after its head
 * (io_wq_put_work()) - async_data was never filled for this request (it
 * comes from a per-ring cache and may hold an earlier request's SQE) and
 * ioucmd->sqe is the only source; on 6.12 it is the slot, read at issue.
 *
 * Return: the SQE's command area (sqe->cmd).
 */
static inline const void *ucmd_cmd_payload(struct io_uring_cmd *cmd)
{
	if (ucmd_cmd_is_reissue(cmd))
		return io_uring_sqe_cmd(cmd_to_io_kiocb(cmd)->async_data);
	return io_uring_sqe_cmd(cmd->sqe);
}

/**
 * ucmd_cancel_done_flags() - issue_flags to complete a cancelled request with
 * @issue_flags: the flags of the IO_URING_F_CANCEL call
 *
 * io_uring_try_cancel_uring_cmd() (6.12) passes IO_URING_F_COMPLETE_DEFER
 * and flushes the deferred completions itself; from io_ring_exit_work()
 * that posts CQEs of an IORING_SETUP_DEFER_TASKRUN ring from a kworker
 * while the submitter lives, which io_lockdep_assert_cq_locked() reports
 * ("WARNING ... io_uring.h:137", PROVE_LOCKING kernels). Without
 * COMPLETE_DEFER, io_uring_cmd_done() still takes the request off the
 * cancelable list at once (uring_lock is held) and posts the CQE through
 * io_uring's own task work, as for a completion from io-wq.
 *
 * Return: @issue_flags without IO_URING_F_COMPLETE_DEFER.
 */
static inline unsigned int ucmd_cancel_done_flags(unsigned int issue_flags)
{
	return issue_flags & ~IO_URING_F_COMPLETE_DEFER;
}

#endif /* _UCMD_COMPAT_H */
