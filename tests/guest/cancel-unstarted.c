// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a handler whose ->cancel answers true for work it never
 * started completes each request exactly once. ucmd_test's STALL defers
 * on io-wq, marks the request cancelable, sleeps and fails without
 * publishing anything. With the ring open it completes with its own
 * result. With the ring closed while it sleeps, ring teardown asks ucmd
 * to cancel a request still being issued: ucmd does not ask ->cancel
 * (stall_cancels stays 0), the request is not counted cancelled, and its
 * one completion brings inflight back to 0 (a second completion would
 * drive it below 0, or trip KASAN on the debug kernel).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "ucmd_test.h"

static long stall_cancels(void)
{
	return t_read_long("/sys/module/ucmd_test/parameters/stall_cancels");
}

int main(void)
{
	struct ucmd_delay d = { .delay_us = 300000, .res = -EIO };
	struct io_uring ring;
	struct t_cqe cqe;
	long cancelled;
	int fd, ret;

	t_unload_module("ucmd_test", 0);
	ret = t_load_module("/ucmd_test.ko");
	T_CHECK(ret == 0, "load ucmd_test.ko: %s", strerror(-ret));
	fd = t_open_dev();

	t_ring_init(&ring, 4, 0);
	t_prep_cmd(&ring, fd, UCMD_TEST_CMD_STALL, &d, sizeof(d), 1);
	T_CHECK(t_run_one(&ring, &cqe) == 0 && cqe.res == -EIO,
		"ring open: res %d", cqe.res);
	io_uring_queue_exit(&ring);

	for (int round = 0; round < 3; round++) {
		cancelled = t_sysfs_long("cancelled");
		t_ring_init(&ring, 4, round == 2 ? IORING_SETUP_DEFER_TASKRUN |
				      IORING_SETUP_SINGLE_ISSUER : 0);
		t_prep_cmd(&ring, fd, UCMD_TEST_CMD_STALL, &d, sizeof(d), 2);
		T_CHECK(io_uring_submit(&ring) == 1, "submit");
		usleep(100000);		/* asleep on io-wq, cancelable */
		T_CHECK(t_sysfs_long("inflight") == 1, "round %d: inflight %ld",
			round, t_sysfs_long("inflight"));
		io_uring_queue_exit(&ring);
		T_CHECK(t_sysfs_wait("inflight", 0, 5000) == 0,
			"round %d: inflight %ld after teardown", round,
			t_sysfs_long("inflight"));
		usleep(50000);
		T_CHECK(t_sysfs_long("inflight") == 0, "inflight %ld later",
			t_sysfs_long("inflight"));
		T_CHECK(t_sysfs_long("cancelled") == cancelled,
			"round %d: counted cancelled (%ld -> %ld)", round,
			cancelled, t_sysfs_long("cancelled"));
		T_CHECK(stall_cancels() == 0, "->cancel asked %ld times",
			stall_cancels());
	}
	close(fd);
	ret = t_unload_module_wait("ucmd_test", 2000);
	T_CHECK(ret == 0, "unload ucmd_test: %s", strerror(-ret));
	return T_EXIT_PASS;
}
