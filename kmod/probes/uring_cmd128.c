// SPDX-License-Identifier: GPL-2.0
/* IORING_OP_URING_CMD128: 128-byte uring_cmds on IORING_SETUP_SQE_MIXED rings (6.18). */
#include <linux/io_uring/cmd.h>

static __maybe_unused int ucmd_probe(void)
{
	return IORING_OP_URING_CMD128;
}
