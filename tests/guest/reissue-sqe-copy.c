// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the io-wq re-issue after -EAGAIN sees the payload of the
 * SQE as submitted, not what userspace wrote into the reused SQ ring slot
 * since. With io-wq held to one bounded worker that is busy, an inline
 * SLEEP gets -EAGAIN and waits; the test then rewrites the ring slot's
 * payload to an invalid one. The submitted payload gives res 0, the
 * rewritten one -EINVAL. Linux 6.12's io_uring_cmd() copies the SQE into
 * async_data but leaves ioucmd->sqe pointing at the ring; ucmd reads the
 * copy on re-issue (ucmd_cmd_payload() in kmod/ucmd_compat.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	struct ucmd_sleep busy = { .sleep_us = 300000 }, s = { .sleep_us = 1000 };
	unsigned int workers[2] = { 1, 1 };
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct t_cqe cqe[2];
	int fd = t_open_dev();
	int ret;

	t_ring_init(&ring, 4, 0);
	ret = io_uring_register_iowq_max_workers(&ring, workers);
	T_CHECK(ret == 0, "iowq_max_workers: %s", strerror(-ret));
	t_prep_cmd(&ring, fd, UCMD_CMD_SLEEP, &busy, sizeof(busy), 1)->flags |= IOSQE_ASYNC;
	T_CHECK(io_uring_submit(&ring) == 1, "submit busy");
	usleep(50000);

	sqe = t_prep_cmd(&ring, fd, UCMD_CMD_SLEEP, &s, sizeof(s), 2);
	T_CHECK(io_uring_submit(&ring) == 1, "submit");
	/* The request now waits for the only worker; reuse its slot. */
	((struct ucmd_sleep *)sqe->cmd)->sleep_us = UCMD_SLEEP_MAX_US + 1;

	T_CHECK(t_collect(&ring, cqe, 2, 5000) == 2, "CQEs");
	T_CHECK(cqe[0].user_data == 1 && cqe[0].res == 0, "busy res %d", cqe[0].res);
	T_CHECK(cqe[1].user_data == 2, "order");
	io_uring_queue_exit(&ring);
	close(fd);
	T_CHECK(cqe[1].res != -EINVAL,
		"the re-issue read the reused SQ ring slot, not the submitted SQE");
	T_CHECK(cqe[1].res == 0, "res %d", cqe[1].res);
	return T_EXIT_PASS;
}
