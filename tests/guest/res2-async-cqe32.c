// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a deferred completion (DELAY, completed from a workqueue
 * through task work) carries res and res2 on CQE32 rings, SQE64 and SQE128.
 */
#include <errno.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	static const unsigned int shapes[] = {
		IORING_SETUP_CQE32, IORING_SETUP_CQE32 | IORING_SETUP_SQE128,
	};
	int fd = t_open_dev();

	for (unsigned int i = 0; i < 2; i++) {
		struct ucmd_delay d = { .delay_us = 1000, .res = 11,
					.res2_lo = 0xabcdef01 };
		struct io_uring ring;
		struct t_cqe cqe;

		t_ring_init(&ring, 8, shapes[i]);
		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), 5);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "shape %u", i);
		T_CHECK(cqe.res == 11 && cqe.res2 == 0xabcdef01ULL,
			"shape %u: res %d res2 0x%llx", i, cqe.res, cqe.res2);

		d.res = -ENODATA;
		d.res2_lo = 3;
		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), 6);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "shape %u", i);
		T_CHECK(cqe.res == -ENODATA && cqe.res2 == 3,
			"shape %u: res %d res2 %llu", i, cqe.res, cqe.res2);
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return T_EXIT_PASS;
}
