// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a cmd_op no handler serves gets -EOPNOTSUPP: an unused
 * number of ucmd's type, another ioctl type, and type 0xff number 0xff.
 */
#include <errno.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	const unsigned int ops[] = {
		_IO(UCMD_IOC_TYPE, 0x7f), _IO('z', 0x00), 0x0000ffffu,
	};
	int fd = t_open_dev();

	for (int i = 0; i < t_nr_ring_shapes; i++) {
		struct io_uring ring;
		struct t_cqe cqe;

		t_ring_init(&ring, 8, t_ring_shapes[i].flags);
		for (unsigned int o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
			t_prep_cmd(&ring, fd, ops[o], NULL, 0, o);
			T_CHECK(t_run_one(&ring, &cqe) == 0, "op 0x%x", ops[o]);
			T_CHECK(cqe.res == -EOPNOTSUPP, "%s op 0x%x: res %d",
				t_ring_shapes[i].name, ops[o], cqe.res);
		}
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return T_EXIT_PASS;
}
