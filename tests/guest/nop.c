// SPDX-License-Identifier: GPL-2.0
/*
 * Description: NOP completes with res 0 (and res2 0 on CQE32) on SQE64,
 * SQE128, CQE16 and CQE32 rings, one CQE per SQE, user_data preserved.
 */
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	int fd = t_open_dev();

	for (int i = 0; i < t_nr_ring_shapes; i++) {
		struct io_uring ring;
		struct t_cqe cqe;

		t_ring_init(&ring, 8, t_ring_shapes[i].flags);
		t_prep_cmd(&ring, fd, UCMD_CMD_NOP, NULL, 0, 0x1234 + i);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", t_ring_shapes[i].name);
		T_CHECK(cqe.user_data == 0x1234ULL + i, "%s: user_data %llu",
			t_ring_shapes[i].name, cqe.user_data);
		T_CHECK(cqe.res == 0, "%s: res %d", t_ring_shapes[i].name, cqe.res);
		T_CHECK(cqe.res2 == 0, "%s: res2 %llu", t_ring_shapes[i].name,
			cqe.res2);
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return T_EXIT_PASS;
}
