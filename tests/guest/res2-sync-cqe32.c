// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a synchronous completion carries res2 in big_cqe[0] on CQE32
 * rings (ECHO on SQE64 and SQE128, GET_FEATURES), including negative
 * results with res2 set; CQE16 rings get the same res.
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
		struct ucmd_echo e = { .res = 7, .res2 = 0xdeadbeefcafef00dULL };
		struct ucmd_features f = { 0 };
		struct io_uring ring;
		struct t_cqe cqe;

		t_ring_init(&ring, 8, shapes[i]);
		t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), 1);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "shape %u", i);
		T_CHECK(cqe.res == 7 && cqe.res2 == 0xdeadbeefcafef00dULL,
			"shape %u: res %d res2 0x%llx", i, cqe.res, cqe.res2);

		e.res = -EIO;
		e.res2 = 42;
		t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), 2);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "shape %u", i);
		T_CHECK(cqe.res == -EIO && cqe.res2 == 42,
			"shape %u: res %d res2 %llu", i, cqe.res, cqe.res2);

		t_prep_cmd(&ring, fd, UCMD_CMD_GET_FEATURES, &f, sizeof(f), 3);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "shape %u", i);
		T_CHECK(cqe.res == 0 && (cqe.res2 & UCMD_F_RES2),
			"shape %u: features res %d res2 0x%llx", i, cqe.res,
			cqe.res2);
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return T_EXIT_PASS;
}
