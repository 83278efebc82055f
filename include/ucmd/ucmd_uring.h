/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ucmd_uring.h: preparing /dev/ucmd requests and reading their results
 * with liburing, on any liburing version (2.3 has no
 * io_uring_prep_uring_cmd()). Header-only; include <liburing.h> first.
 *
 *   struct ucmd_echo e = { .res = 7, .res2 = 0x1234 };
 *   struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
 *
 *   ucmd_prep_cmd(&ring, sqe, fd, UCMD_CMD_ECHO, &e, sizeof(e));
 *   io_uring_sqe_set_data64(sqe, 1);
 *   io_uring_submit_and_wait(&ring, 1);
 *   ... cqe->res is 7, ucmd_cqe_res2(&ring, cqe) 0x1234 on a CQE32 ring
 *
 * What the device requires of an SQE (ucmd(4)): opcode
 * IORING_OP_URING_CMD, fd a /dev/ucmd descriptor (or a registered file
 * with IOSQE_FIXED_FILE), cmd_op, the payload at the start of the command
 * area (sqe->cmd: 16 bytes, 80 with IORING_SETUP_SQE128), and every other
 * field zero except flags, user_data, personality and, for a fixed buffer,
 * uring_cmd_flags and buf_index. ucmd_prep_cmd() zeroes the whole SQE
 * first, so only what the caller sets afterwards is nonzero.
 */
#ifndef UCMD_URING_H
#define UCMD_URING_H

#include <errno.h>
#include <string.h>
#include <linux/ucmd.h>

#ifndef IORING_URING_CMD_FIXED
#define IORING_URING_CMD_FIXED	(1U << 0)	/* include/uapi/linux/io_uring.h */
#endif

/**
 * ucmd_cmd_area() - bytes of payload an SQE of @ring carries
 * @ring: the ring
 *
 * Return: UCMD_PAYLOAD_SQE128 (80) on IORING_SETUP_SQE128 rings, else
 * UCMD_PAYLOAD_SQE64 (16).
 */
static inline size_t ucmd_cmd_area(const struct io_uring *ring)
{
	return ring->flags & IORING_SETUP_SQE128 ? UCMD_PAYLOAD_SQE128 :
						   UCMD_PAYLOAD_SQE64;
}

/**
 * ucmd_prep_cmd() - prepare an IORING_OP_URING_CMD SQE for /dev/ucmd
 * @ring: the ring @sqe came from (its SQE size decides how much to zero)
 * @sqe: from io_uring_get_sqe(@ring)
 * @fd: an open /dev/ucmd
 * @cmd_op: the command, e.g. UCMD_CMD_ECHO; the device reads
 *	    _IOC_SIZE(@cmd_op) bytes of payload
 * @payload: @len bytes copied to the command area, or NULL if @len is 0
 * @len: bytes of @payload, at most ucmd_cmd_area(@ring); bytes of the
 *	 command area past @len stay zero
 *
 * Zeroes the whole SQE (64 or 128 bytes), then sets opcode, fd, cmd_op
 * and the payload. user_data, flags and a fixed buffer
 * (ucmd_sqe_set_fixed_buf()) are the caller's to set afterwards.
 *
 * Return: 0, or -EINVAL (and @sqe untouched) if @len exceeds the ring's
 * command area. Mirrors liburing 2.5's io_uring_prep_uring_cmd() plus
 * the payload copy.
 */
static inline int ucmd_prep_cmd(const struct io_uring *ring,
				struct io_uring_sqe *sqe, int fd, __u32 cmd_op,
				const void *payload, size_t len)
{
	if (len > ucmd_cmd_area(ring))
		return -EINVAL;
	memset(sqe, 0, ring->flags & IORING_SETUP_SQE128 ? 128 : sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = cmd_op;
	if (len)
		memcpy(sqe->cmd, payload, len);
	return 0;
}

/**
 * ucmd_sqe_set_fixed_buf() - make READ/WRITE address a registered buffer
 * @sqe: prepared by ucmd_prep_cmd()
 * @buf_index: index of a buffer registered with io_uring_register_buffers()
 *
 * The payload's address then lies inside that buffer (-EFAULT otherwise).
 */
static inline void ucmd_sqe_set_fixed_buf(struct io_uring_sqe *sqe,
					  unsigned int buf_index)
{
	sqe->uring_cmd_flags |= IORING_URING_CMD_FIXED;
	sqe->buf_index = buf_index;
}

/**
 * ucmd_cqe_res2() - a completion's res2
 * @ring: the ring @cqe was reaped from
 * @cqe: the completion
 *
 * Return: cqe->big_cqe[0] on an IORING_SETUP_CQE32 ring, else 0 (a
 * 16-byte CQE has no room for res2: set the ring up with CQE32 to get it).
 */
static inline __u64 ucmd_cqe_res2(const struct io_uring *ring,
				  const struct io_uring_cqe *cqe)
{
	return ring->flags & IORING_SETUP_CQE32 ? cqe->big_cqe[0] : 0;
}

#endif /* UCMD_URING_H */
