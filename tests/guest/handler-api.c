// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the in-kernel handler API, through the ucmd_test.ko client:
 * the module's load checks -EEXIST / -EINVAL registration errors; its op
 * completes from hard-irq context with res and res2; unloading it while a
 * request is in flight fails at once with -EWOULDBLOCK (ucmd pins the
 * handler's module) and the request completes normally; unregistering
 * the handler (module parameter "registered") with a request in flight
 * cancels it (-ECANCELED, long before its timer); once the module is
 * unloaded the op gets -EOPNOTSUPP and the built-in ops still work.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "ucmd_test.h"

static int set_registered(const char *v)
{
	return t_write_file(UCMD_TEST_REGISTERED, v);
}

int main(void)
{
	struct ucmd_delay d = { .delay_us = 1000, .res = 77, .res2_lo = 5 };
	unsigned long long t0;
	struct io_uring ring;
	struct t_cqe cqe;
	int fd, ret;

	t_unload_module("ucmd_test", 0);	/* left by a failed test */
	ret = t_load_module("/ucmd_test.ko");
	T_CHECK(ret == 0, "load ucmd_test.ko: %s (see dmesg)", strerror(-ret));
	fd = t_open_dev();
	t_ring_init(&ring, 8, IORING_SETUP_CQE32);

	t_prep_cmd(&ring, fd, UCMD_TEST_CMD_TIMER, &d, sizeof(d), 1);
	T_CHECK(t_run_one(&ring, &cqe) == 0, "timer");
	T_CHECK(cqe.res == 77 && cqe.res2 == 5, "res %d res2 %llu", cqe.res,
		cqe.res2);

	/* Unload with a 300 ms request in flight: refused, at once. */
	d.delay_us = 300000;
	t_prep_cmd(&ring, fd, UCMD_TEST_CMD_TIMER, &d, sizeof(d), 2);
	T_CHECK(io_uring_submit(&ring) == 1, "submit");
	usleep(50000);
	t0 = t_now_ns();
	ret = t_unload_module("ucmd_test", 0);
	T_CHECK(ret == -EWOULDBLOCK, "unload in flight: %d (%s)", ret, strerror(-ret));
	T_CHECK(t_now_ns() - t0 < 100000000ULL, "unload blocked %llu ns",
		t_now_ns() - t0);
	T_CHECK(t_collect(&ring, &cqe, 1, 5000) == 1, "no CQE for in-flight request");
	T_CHECK(cqe.res == 77, "in-flight res %d", cqe.res);

	/* Unregister with a 5 s request in flight: it is cancelled. */
	d.delay_us = 5000000;
	t_prep_cmd(&ring, fd, UCMD_TEST_CMD_TIMER, &d, sizeof(d), 3);
	T_CHECK(io_uring_submit(&ring) == 1, "submit");
	usleep(50000);
	T_CHECK(set_registered("0") == 0, "unregister");
	T_CHECK(t_collect(&ring, &cqe, 1, 1000) == 1, "no CQE after unregister");
	T_CHECK(cqe.res == -ECANCELED, "unregistered in flight: res %d", cqe.res);
	T_CHECK(set_registered("1") == 0, "register again");

	ret = t_unload_module_wait("ucmd_test", 2000);
	T_CHECK(ret == 0, "unload: %s", strerror(-ret));

	t_prep_cmd(&ring, fd, UCMD_TEST_CMD_TIMER, &d, sizeof(d), 3);
	T_CHECK(t_run_one(&ring, &cqe) == 0 && cqe.res == -EOPNOTSUPP,
		"after unload res %d", cqe.res);
	t_prep_cmd(&ring, fd, UCMD_CMD_NOP, NULL, 0, 4);
	T_CHECK(t_run_one(&ring, &cqe) == 0 && cqe.res == 0, "NOP res %d",
		cqe.res);
	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
