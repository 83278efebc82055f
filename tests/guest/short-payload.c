// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a payload that does not fit the SQE's command area gets
 * -EINVAL: SUM (80 bytes) on a 64-byte SQE, and a cmd_op whose encoded
 * size differs from the handler's (ECHO's number with an 80-byte size).
 */
#include <errno.h>
#include <unistd.h>
#include "helpers.h"

struct wide {
	unsigned char b[UCMD_PAYLOAD_SQE128];
};

int main(void)
{
	const unsigned int echo_wide = _IOWR(UCMD_IOC_TYPE, _IOC_NR(UCMD_CMD_ECHO),
					     struct wide);
	const unsigned int too_big = _IOWR(UCMD_IOC_TYPE, 0x01, char[96]);
	struct ucmd_sum s = { .count = 1, .vals = { 5 } };
	int fd = t_open_dev();

	for (int i = 0; i < t_nr_ring_shapes; i++) {
		const char *name = t_ring_shapes[i].name;
		int sqe128 = t_ring_shapes[i].flags & IORING_SETUP_SQE128;
		struct io_uring ring;
		struct t_cqe cqe;

		t_ring_init(&ring, 8, t_ring_shapes[i].flags);
		t_prep_cmd(&ring, fd, UCMD_CMD_SUM, &s, sizeof(s), 1);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
		T_CHECK(cqe.res == (sqe128 ? 1 : -EINVAL), "%s: SUM res %d",
			name, cqe.res);

		t_prep_cmd(&ring, fd, echo_wide, NULL, 0, 2);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
		T_CHECK(cqe.res == -EINVAL, "%s: wide ECHO res %d", name,
			cqe.res);

		t_prep_cmd(&ring, fd, too_big, NULL, 0, 3);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
		T_CHECK(cqe.res == -EINVAL, "%s: 96-byte op res %d", name,
			cqe.res);
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return T_EXIT_PASS;
}
