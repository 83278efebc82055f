// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a uring_cmd that fails, synchronously (ECHO -EIO) or
 * deferred (DELAY -EIO), breaks its IOSQE_IO_LINK chain: the next request
 * gets -ECANCELED. A chain of successful uring_cmds runs in order.
 */
#include <errno.h>
#include <unistd.h>
#include "helpers.h"

static int chain(struct io_uring *ring, int fd, unsigned int first_op,
		 const void *p, size_t len, int want_first, int want_second)
{
	struct t_cqe cqe[2];

	t_prep_cmd(ring, fd, first_op, p, len, 1)->flags |= IOSQE_IO_LINK;
	t_prep_cmd(ring, fd, UCMD_CMD_NOP, NULL, 0, 2);
	T_CHECK(io_uring_submit(ring) == 2, "submit");
	T_CHECK(t_collect(ring, cqe, 2, 5000) == 2, "CQEs");
	T_CHECK(t_expect_no_cqe(ring, 10) == 0, "extra CQE");
	T_CHECK(cqe[0].user_data == 1 && cqe[1].user_data == 2, "order %llu %llu",
		cqe[0].user_data, cqe[1].user_data);
	T_CHECK(cqe[0].res == want_first, "first res %d want %d", cqe[0].res,
		want_first);
	T_CHECK(cqe[1].res == want_second, "second res %d want %d", cqe[1].res,
		want_second);
	return 0;
}

int main(void)
{
	struct ucmd_echo bad = { .res = -EIO }, good = { .res = 1 };
	struct ucmd_delay dbad = { .delay_us = 1000, .res = -EIO };
	struct ucmd_delay dgood = { .delay_us = 1000, .res = 2 };
	int fd = t_open_dev();

	for (int i = 0; i < t_nr_ring_shapes; i++) {
		struct io_uring ring;

		t_ring_init(&ring, 8, t_ring_shapes[i].flags);
		if (chain(&ring, fd, UCMD_CMD_ECHO, &bad, sizeof(bad), -EIO,
			  -ECANCELED) ||
		    chain(&ring, fd, UCMD_CMD_ECHO, &good, sizeof(good), 1, 0) ||
		    chain(&ring, fd, UCMD_CMD_DELAY, &dbad, sizeof(dbad), -EIO,
			  -ECANCELED) ||
		    chain(&ring, fd, UCMD_CMD_DELAY, &dgood, sizeof(dgood), 2, 0)) {
			t_err("ring %s", t_ring_shapes[i].name);
			return T_EXIT_FAIL;
		}
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return T_EXIT_PASS;
}
