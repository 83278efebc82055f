// SPDX-License-Identifier: GPL-2.0
/*
 * trace-mix [DELAY_S | @FILE]: issue a known mix of requests for the
 * tracing tests (tests/guest/trace.sh), after sleeping DELAY_S seconds or
 * once FILE exists (at most 60 s):
 *   5 ECHO    res i,    res2 1000+i   sync
 *   3 DELAY   res 20+i, res2 2000+i   async, 2 ms
 *   2 ECHO    res -EIO, res2 3000+i   failing
 *   2 SUM                             denied if the rules policy says so
 *   4 DELAY   5 s, ring closed        cancelled
 * Exits 0 once every request has completed or been cancelled.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "helpers.h"

int main(int argc, char **argv)
{
	long cancelled0 = t_sysfs_long("cancelled");
	struct ucmd_sum s = { .count = 1 };
	struct io_uring ring;
	struct t_cqe cqe[16];
	int fd, n = 0;

	if (argc > 1 && argv[1][0] == '@') {
		for (int i = 0; i < 6000 && access(argv[1] + 1, F_OK); i++)
			usleep(10000);
	} else if (argc > 1) {
		usleep(atof(argv[1]) * 1e6);
	}
	fd = t_open_dev();
	t_ring_init(&ring, 32, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	for (int i = 0; i < 5; i++) {
		struct ucmd_echo e = { .res = i, .res2 = 1000 + i };

		t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), n++);
	}
	for (int i = 0; i < 3; i++) {
		struct ucmd_delay d = { .delay_us = 2000, .res = 20 + i, .res2_lo = 2000 + i };

		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), n++);
	}
	for (int i = 0; i < 2; i++) {
		struct ucmd_echo e = { .res = -EIO, .res2 = 3000 + i };

		t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), n++);
	}
	for (int i = 0; i < 2; i++)
		t_prep_cmd(&ring, fd, UCMD_CMD_SUM, &s, sizeof(s), n++);
	T_CHECK(io_uring_submit(&ring) == n, "submit");
	T_CHECK(t_collect(&ring, cqe, n, 5000) == n, "CQEs");
	io_uring_queue_exit(&ring);

	t_ring_init(&ring, 8, 0);
	for (int i = 0; i < 4; i++) {
		struct ucmd_delay d = { .delay_us = 5000000, .res2_lo = 4000 + i };

		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), i);
	}
	T_CHECK(io_uring_submit(&ring) == 4, "submit");
	usleep(10000);
	io_uring_queue_exit(&ring);
	close(fd);
	/* Other processes may be cancelling too: at least our 4. */
	for (int ms = 0; t_sysfs_long("cancelled") < cancelled0 + 4; ms += 10) {
		T_CHECK(ms < 3000, "not cancelled: cancelled %ld (was %ld)",
			t_sysfs_long("cancelled"), cancelled0);
		usleep(10000);
	}
	return 0;
}
