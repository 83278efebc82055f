// SPDX-License-Identifier: GPL-2.0
/*
 * Description: on an IORING_SETUP_IOPOLL ring, a kernel whose io_uring
 * runs uring_cmds of files without ->uring_cmd_iopoll as ordinary requests
 * (7.1+, UCMD_F_IOPOLL) completes every cmd_op as on any ring, a deferred
 * DELAY and a ring closed with one in flight included; 6.12 fails each
 * with -EOPNOTSUPP. Either way: exactly one CQE per SQE.
 */
#include <errno.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	struct ucmd_delay d = { .delay_us = 2000, .res = 7 };
	struct ucmd_delay slow = { .delay_us = 10000000, .res = 8 };
	long features = t_sysfs_long("features");
	bool runs = features & UCMD_F_IOPOLL;
	struct io_uring ring;
	struct t_cqe cqe[2];
	int fd = t_open_dev();
	long c0;

	T_CHECK(features > 0, "features");
	t_ring_init(&ring, 8, IORING_SETUP_IOPOLL);
	t_prep_cmd(&ring, fd, UCMD_CMD_NOP, NULL, 0, 1);
	t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), 2);
	T_CHECK(io_uring_submit(&ring) == 2, "submit");
	T_CHECK(t_collect(&ring, cqe, 2, 5000) == 2, "CQEs");
	for (int i = 0; i < 2; i++) {
		int want = !runs ? -EOPNOTSUPP : cqe[i].user_data == 1 ? 0 : 7;

		T_CHECK(cqe[i].res == want, "user_data %llu res %d, want %d",
			cqe[i].user_data, cqe[i].res, want);
	}
	T_CHECK(cqe[0].user_data + cqe[1].user_data == 3, "user_data");
	T_CHECK(t_expect_no_cqe(&ring, 20) == 0, "extra CQE");

	/* A DELAY in flight when the ring closes is cancelled, once. */
	c0 = t_sysfs_long("cancelled");
	if (runs) {
		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &slow, sizeof(slow), 3);
		T_CHECK(io_uring_submit(&ring) == 1, "submit");
		T_CHECK(t_sysfs_wait("inflight", 1, 2000) == 1, "DELAY not in flight");
	}
	io_uring_queue_exit(&ring);
	if (runs) {
		T_CHECK(t_sysfs_wait("inflight", 0, 5000) == 0, "inflight after close");
		T_CHECK(t_sysfs_wait("cancelled", c0 + 1, 5000) == c0 + 1,
			"cancelled %ld, want %ld", t_sysfs_long("cancelled"), c0 + 1);
	}
	close(fd);
	printf("kernel %s uring_cmd on IOPOLL rings\n", runs ? "runs" : "refuses");
	return T_EXIT_PASS;
}
