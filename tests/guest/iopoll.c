// SPDX-License-Identifier: GPL-2.0
/*
 * Description: on an IORING_SETUP_IOPOLL ring every cmd_op gets
 * -EOPNOTSUPP (ucmd has no ->uring_cmd_iopoll), with exactly one CQE.
 */
#include <errno.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	struct ucmd_delay d = { .delay_us = 0 };
	struct io_uring ring;
	struct t_cqe cqe[2];
	int fd = t_open_dev();

	t_ring_init(&ring, 8, IORING_SETUP_IOPOLL);
	t_prep_cmd(&ring, fd, UCMD_CMD_NOP, NULL, 0, 1);
	t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), 2);
	T_CHECK(io_uring_submit(&ring) == 2, "submit");
	T_CHECK(t_collect(&ring, cqe, 2, 5000) == 2, "CQEs");
	for (int i = 0; i < 2; i++)
		T_CHECK(cqe[i].res == -EOPNOTSUPP, "user_data %llu res %d",
			cqe[i].user_data, cqe[i].res);
	T_CHECK(cqe[0].user_data + cqe[1].user_data == 3, "user_data");
	T_CHECK(t_expect_no_cqe(&ring, 20) == 0, "extra CQE");
	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
