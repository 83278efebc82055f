// SPDX-License-Identifier: GPL-2.0
/* Task-work callbacks take struct io_tw_req (7.x; 6.12: cmd, issue_flags). */
#include <linux/io_uring/cmd.h>

static void ucmd_probe_cb(struct io_tw_req tw_req, io_tw_token_t tw)
{
	(void)io_uring_cmd_from_tw(tw_req);
}

static __maybe_unused void ucmd_probe(struct io_uring_cmd *cmd)
{
	io_uring_cmd_complete_in_task(cmd, ucmd_probe_cb);
}
