// SPDX-License-Identifier: GPL-2.0
/*
 * Description: with IOSQE_ASYNC every built-in op is issued from io-wq
 * (IO_URING_F_UNLOCKED, no NONBLOCK) and completes as it does inline:
 * NOP, ECHO with res2, DELAY with res2, GET_FEATURES writing user memory.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	int fd = t_open_dev();

	for (int i = 0; i < t_nr_ring_shapes; i++) {
		const char *name = t_ring_shapes[i].name;
		int cqe32 = t_ring_shapes[i].flags & IORING_SETUP_CQE32;
		struct ucmd_echo e = { .res = 17, .res2 = 0x1122334455667788ULL };
		struct ucmd_delay d = { .delay_us = 500, .res = 23, .res2_lo = 9 };
		unsigned long long mask = 0;
		struct ucmd_features f = { .addr = (uintptr_t)&mask };
		struct io_uring ring;
		struct t_cqe cqe;

		t_ring_init(&ring, 8, t_ring_shapes[i].flags);

		t_prep_cmd(&ring, fd, UCMD_CMD_NOP, NULL, 0, 1)->flags |= IOSQE_ASYNC;
		T_CHECK(t_run_one(&ring, &cqe) == 0 && cqe.res == 0,
			"%s: NOP res %d", name, cqe.res);

		t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), 2)->flags |= IOSQE_ASYNC;
		T_CHECK(t_run_one(&ring, &cqe) == 0 && cqe.res == 17,
			"%s: ECHO res %d", name, cqe.res);
		T_CHECK(cqe.res2 == (cqe32 ? e.res2 : 0), "%s: ECHO res2 0x%llx",
			name, cqe.res2);

		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), 3)->flags |= IOSQE_ASYNC;
		T_CHECK(t_run_one(&ring, &cqe) == 0 && cqe.res == 23,
			"%s: DELAY res %d", name, cqe.res);
		T_CHECK(cqe.res2 == (cqe32 ? 9 : 0), "%s: DELAY res2 %llu", name,
			cqe.res2);

		t_prep_cmd(&ring, fd, UCMD_CMD_GET_FEATURES, &f, sizeof(f), 4)->flags |= IOSQE_ASYNC;
		T_CHECK(t_run_one(&ring, &cqe) == 0 && cqe.res == 0,
			"%s: GET_FEATURES res %d", name, cqe.res);
		T_CHECK(mask & UCMD_F_DELAY, "%s: mask 0x%llx", name, mask);
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return T_EXIT_PASS;
}
