// SPDX-License-Identifier: GPL-2.0
/* io_uring_sqe_cmd(sqe, type): the type argument (7.x; 6.12 takes one). */
#include <linux/io_uring/cmd.h>

static __maybe_unused const void *ucmd_probe(const struct io_uring_sqe *sqe)
{
	return io_uring_sqe_cmd(sqe, u8);
}
