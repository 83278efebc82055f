// SPDX-License-Identifier: GPL-2.0
/*
 * Description: ucmd.ko cannot be unloaded while a request is in flight,
 * even after the process closed its /dev/ucmd fd (the request holds the
 * file); once the request completed and the ring is gone, unloading
 * succeeds, and the module loads again with /dev/ucmd working.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	struct ucmd_delay d = { .delay_us = 300000, .res = 4 };
	struct io_uring ring;
	struct t_cqe cqe;
	int fd = t_open_dev();
	int ret = -1;

	t_ring_init(&ring, 4, 0);
	t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), 1);
	T_CHECK(io_uring_submit(&ring) == 1, "submit");
	close(fd);
	ret = t_unload_module("ucmd", O_NONBLOCK);
	T_CHECK(ret == -EWOULDBLOCK || ret == -EBUSY,
		"unload with a request in flight: %d", ret);
	T_CHECK(t_collect(&ring, &cqe, 1, 5000) == 1 && cqe.res == 4,
		"request res %d", cqe.res);
	io_uring_queue_exit(&ring);

	for (int i = 0; i < 50; i++) {
		ret = t_unload_module("ucmd", O_NONBLOCK);
		if (ret == 0)
			break;
		usleep(100000);
	}
	T_CHECK(ret == 0, "unload after completion: %s", strerror(-ret));
	T_CHECK(access("/dev/ucmd", F_OK) != 0, "/dev/ucmd still there");
	ret = t_load_module("/ucmd.ko");
	T_CHECK(ret == 0, "reload: %s", strerror(-ret));

	fd = t_open_dev();
	t_ring_init(&ring, 4, 0);
	t_prep_cmd(&ring, fd, UCMD_CMD_NOP, NULL, 0, 2);
	T_CHECK(t_run_one(&ring, &cqe) == 0 && cqe.res == 0, "NOP after reload");
	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
