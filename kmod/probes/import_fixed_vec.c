// SPDX-License-Identifier: GPL-2.0
/* io_uring_cmd_import_fixed_vec(): an iovec over registered buffers (6.16). */
#include <linux/io_uring/cmd.h>

static __maybe_unused int ucmd_probe(struct io_uring_cmd *cmd, struct iov_iter *iter)
{
	return io_uring_cmd_import_fixed_vec(cmd, NULL, 0, ITER_DEST, iter, 0);
}
