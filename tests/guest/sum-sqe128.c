// SPDX-License-Identifier: GPL-2.0
/*
 * Description: SUM reads an 80-byte payload from a 128-byte SQE: res is the
 * count, res2 (CQE32) the sum; count above UCMD_SUM_MAX gets -EINVAL.
 */
#include <errno.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	struct ucmd_sum s = { .count = UCMD_SUM_MAX };
	unsigned long long want = 0;
	struct io_uring ring;
	struct t_cqe cqe;
	int fd = t_open_dev();

	for (int i = 0; i < UCMD_SUM_MAX; i++) {
		s.vals[i] = 1ULL << (i * 7);
		want += s.vals[i];
	}
	t_ring_init(&ring, 8, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	t_prep_cmd(&ring, fd, UCMD_CMD_SUM, &s, sizeof(s), 1);
	T_CHECK(t_run_one(&ring, &cqe) == 0, "sum");
	T_CHECK(cqe.res == UCMD_SUM_MAX, "res %d", cqe.res);
	T_CHECK(cqe.res2 == want, "res2 0x%llx want 0x%llx", cqe.res2, want);

	s.count = UCMD_SUM_MAX + 1;
	t_prep_cmd(&ring, fd, UCMD_CMD_SUM, &s, sizeof(s), 2);
	T_CHECK(t_run_one(&ring, &cqe) == 0, "sum");
	T_CHECK(cqe.res == -EINVAL, "count>max res %d", cqe.res);
	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
