// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the in-kernel handler API, through the ucmd_test.ko client:
 * the module's load checks -EEXIST / -EINVAL registration errors; its op
 * completes from hard-irq context with res and res2; unloading it while a
 * request is in flight waits for that request's completion; afterwards
 * the op gets -EOPNOTSUPP and the built-in ops still work.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "ucmd_test.h"

static unsigned long long unload_done_ns;
static int unload_ret = 1;

static void *unloader(void *arg)
{
	unload_ret = t_unload_module("ucmd_test", 0);
	unload_done_ns = t_now_ns();
	return NULL;
}

int main(void)
{
	struct ucmd_delay d = { .delay_us = 1000, .res = 77, .res2_lo = 5 };
	unsigned long long cqe_ns;
	struct io_uring ring;
	struct t_cqe cqe;
	pthread_t thr;
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

	/* Unload with a 300 ms request in flight: it must wait for it. */
	d.delay_us = 300000;
	t_prep_cmd(&ring, fd, UCMD_TEST_CMD_TIMER, &d, sizeof(d), 2);
	T_CHECK(io_uring_submit(&ring) == 1, "submit");
	usleep(50000);
	T_CHECK(pthread_create(&thr, NULL, unloader, NULL) == 0, "thread");
	T_CHECK(t_collect(&ring, &cqe, 1, 5000) == 1, "no CQE for in-flight request");
	cqe_ns = t_now_ns();
	T_CHECK(cqe.res == 77, "in-flight res %d", cqe.res);
	pthread_join(thr, NULL);
	T_CHECK(unload_ret == 0, "unload: %s", strerror(-unload_ret));
	T_CHECK(unload_done_ns + 20000000ULL >= cqe_ns,
		"unload returned %llu ns before the request completed",
		cqe_ns - unload_done_ns);

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
