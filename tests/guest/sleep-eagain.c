// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a handler that must sleep is never made to sleep under
 * IO_URING_F_NONBLOCK: SLEEP issued inline returns -EAGAIN and sleeps on
 * the io-wq re-issue; with IOSQE_ASYNC it sleeps on the first (io-wq)
 * issue. res2 says how the issue that slept ran (UCMD_SLEEP_*): on io-wq,
 * a re-issue after the inline -EAGAIN unless IOSQE_ASYNC sent it there
 * first, on a CQE32 ring. Two inline SLEEPs overlap on io-wq.
 */
#include <errno.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	struct ucmd_sleep s = { .sleep_us = 20000 };
	unsigned long long t0, el;
	struct io_uring ring;
	struct t_cqe cqe[2];
	int fd = t_open_dev();

	t_ring_init(&ring, 8, IORING_SETUP_CQE32);
	for (int async = 0; async < 2; async++) {
		struct io_uring_sqe *sqe;

		t0 = t_now_ns();
		sqe = t_prep_cmd(&ring, fd, UCMD_CMD_SLEEP, &s, sizeof(s), 1);
		if (async)
			sqe->flags |= IOSQE_ASYNC;
		T_CHECK(t_run_one(&ring, &cqe[0]) == 0, "async=%d", async);
		el = t_now_ns() - t0;
		T_CHECK(cqe[0].res == 0, "async=%d res %d", async, cqe[0].res);
		T_CHECK(cqe[0].res2 == (UCMD_SLEEP_IOWQ | UCMD_SLEEP_CQE32 |
					 (async ? 0 : UCMD_SLEEP_REISSUE)),
			"async=%d res2 0x%llx", async, cqe[0].res2);
		T_CHECK(el >= 20000000ULL, "async=%d: done after %llu ns", async, el);
	}

	/* The submitter is not blocked: two 200 ms sleeps overlap. */
	s.sleep_us = 200000;
	t0 = t_now_ns();
	t_prep_cmd(&ring, fd, UCMD_CMD_SLEEP, &s, sizeof(s), 1);
	t_prep_cmd(&ring, fd, UCMD_CMD_SLEEP, &s, sizeof(s), 2);
	T_CHECK(io_uring_submit(&ring) == 2, "submit");
	T_CHECK(t_now_ns() - t0 < 150000000ULL, "submit blocked %llu ns",
		t_now_ns() - t0);
	T_CHECK(t_collect(&ring, cqe, 2, 5000) == 2, "CQEs");
	T_CHECK(t_now_ns() - t0 < 390000000ULL, "sleeps did not overlap: %llu ns",
		t_now_ns() - t0);

	s.sleep_us = UCMD_SLEEP_MAX_US + 1;
	t_prep_cmd(&ring, fd, UCMD_CMD_SLEEP, &s, sizeof(s), 3);
	T_CHECK(t_run_one(&ring, &cqe[0]) == 0 && cqe[0].res == -EINVAL,
		"too long res %d", cqe[0].res);
	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
