// SPDX-License-Identifier: GPL-2.0
/*
 * Description: ECHO completes with the payload's res (positive, zero and
 * negative) on SQE64 and SQE128 rings; a non-zero pad gets -EINVAL.
 */
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	static const int vals[] = { 0, 1, 4096, INT_MAX, -EIO, -ENOSPC };
	int fd = t_open_dev();

	for (int i = 0; i < t_nr_ring_shapes; i++) {
		const char *name = t_ring_shapes[i].name;
		struct io_uring ring;
		struct t_cqe cqe;

		t_ring_init(&ring, 8, t_ring_shapes[i].flags);
		for (unsigned int v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			struct ucmd_echo e = { .res = vals[v], .res2 = v };

			t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), v);
			T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
			T_CHECK(cqe.res == vals[v], "%s: res %d want %d", name,
				cqe.res, vals[v]);
			T_CHECK(cqe.user_data == v, "%s", name);
		}
		{
			struct ucmd_echo e = { .res = 5, .pad = 1 };

			t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), 99);
			T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
			T_CHECK(cqe.res == -EINVAL, "%s: pad!=0 res %d", name,
				cqe.res);
		}
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return T_EXIT_PASS;
}
