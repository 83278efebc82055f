// SPDX-License-Identifier: GPL-2.0
/* io_uring_cmd_done32(cmd, ret, res2, issue_flags), done() without res2 (7.x). */
#include <linux/io_uring/cmd.h>

static __maybe_unused void ucmd_probe(struct io_uring_cmd *cmd)
{
	io_uring_cmd_done32(cmd, 0, 0, 0);
}
