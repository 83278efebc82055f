// SPDX-License-Identifier: GPL-2.0
/*
 * Description: IORING_OP_ASYNC_CANCEL does not reach a pending uring_cmd:
 * cancelling a queued DELAY by user_data gets -ENOENT (6.12), and the
 * DELAY still completes once, normally, with its own result.
 */
#include <errno.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	struct ucmd_delay d = { .delay_us = 100000, .res = 8 };
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct t_cqe cqe[2];
	int fd = t_open_dev();

	t_ring_init(&ring, 4, 0);
	t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), 1);
	T_CHECK(io_uring_submit(&ring) == 1, "submit");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 1, 0);
	sqe->user_data = 2;
	T_CHECK(io_uring_submit(&ring) == 1, "submit cancel");
	T_CHECK(t_collect(&ring, cqe, 2, 5000) == 2, "CQEs");
	T_CHECK(t_expect_no_cqe(&ring, 20) == 0, "extra CQE");
	for (int i = 0; i < 2; i++) {
		if (cqe[i].user_data == 2)
			T_CHECK(cqe[i].res == -ENOENT, "cancel res %d", cqe[i].res);
		else
			T_CHECK(cqe[i].user_data == 1 && cqe[i].res == 8,
				"DELAY res %d", cqe[i].res);
	}
	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
