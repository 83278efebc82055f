// SPDX-License-Identifier: GPL-2.0
/*
 * REQ_F_IOPOLL: a per-request IOPOLL flag (7.1). With it, io_uring_cmd()
 * polls a uring_cmd only if the file has ->uring_cmd_iopoll and runs it as
 * an ordinary request otherwise; 6.12 fails it with -EOPNOTSUPP.
 */
#include <linux/io_uring_types.h>

static __maybe_unused unsigned long long ucmd_probe(void)
{
	return REQ_F_IOPOLL;
}
