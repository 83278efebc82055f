// SPDX-License-Identifier: GPL-2.0
/* io_uring_cmd_import_fixed() takes issue_flags (6.13+). */
#include <linux/io_uring/cmd.h>
#include <linux/uio.h>

static __maybe_unused int ucmd_probe(struct io_uring_cmd *cmd, struct iov_iter *iter)
{
	return io_uring_cmd_import_fixed(0, 0, ITER_DEST, iter, cmd, 0);
}
