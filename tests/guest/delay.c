// SPDX-License-Identifier: GPL-2.0
/*
 * Description: DELAY completes with its res no sooner than delay_us on
 * every ring shape; delay 0 completes; a delay above UCMD_DELAY_MAX_US gets
 * -EINVAL; the module's count of deferred requests returns to its start.
 */
#include <errno.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	long inflight0 = t_sysfs_long("inflight");
	int fd = t_open_dev();

	T_CHECK(inflight0 >= 0, "sysfs inflight unreadable");
	for (int i = 0; i < t_nr_ring_shapes; i++) {
		const char *name = t_ring_shapes[i].name;
		struct ucmd_delay d = { .delay_us = 20000, .res = 3 };
		unsigned long long t0;
		struct io_uring ring;
		struct t_cqe cqe;

		t_ring_init(&ring, 8, t_ring_shapes[i].flags);
		t0 = t_now_ns();
		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), 1);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
		T_CHECK(cqe.res == 3, "%s: res %d", name, cqe.res);
		T_CHECK(t_now_ns() - t0 >= 20000000ULL, "%s: early: %llu ns",
			name, t_now_ns() - t0);

		d.delay_us = 0;
		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), 2);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
		T_CHECK(cqe.res == 3, "%s: delay 0 res %d", name, cqe.res);

		d.delay_us = UCMD_DELAY_MAX_US + 1;
		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), 3);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
		T_CHECK(cqe.res == -EINVAL, "%s: too long res %d", name,
			cqe.res);
		io_uring_queue_exit(&ring);
	}
	close(fd);
	T_CHECK(t_sysfs_wait("inflight", inflight0, 1000) == inflight0,
		"inflight %ld, was %ld", t_sysfs_long("inflight"), inflight0);
	return T_EXIT_PASS;
}
