// SPDX-License-Identifier: GPL-2.0
/*
 * Description: closing a ring with 4096 requests in flight (DELAY and the
 * test module's hrtimer op, 10 s each) cancels every one exactly once, in
 * bounded time (before any could complete on its own, also on a KASAN
 * kernel): the cancelled counter grows by 4096 and no deferred request is
 * left allocated.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "ucmd_test.h"

#define NR 4096

static void unload_test_module(void)
{
	t_unload_module("ucmd_test", 0);
}

int main(void)
{
	struct ucmd_delay d = { .delay_us = UCMD_DELAY_MAX_US };
	long cancelled0, inflight0, v;
	struct io_uring_params p = { 0 };
	unsigned long long t0;
	struct io_uring ring;
	int fd, ret, loaded;

	t_unload_module("ucmd_test", 0);
	loaded = t_load_module("/ucmd_test.ko") == 0;
	atexit(unload_test_module);
	cancelled0 = t_sysfs_long("cancelled");
	inflight0 = t_sysfs_long("inflight");
	fd = t_open_dev();
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 2 * NR;
	ret = io_uring_queue_init_params(NR, &ring, &p);
	T_CHECK(ret == 0, "ring: %s", strerror(-ret));
	for (int i = 0; i < NR; i++)
		t_prep_cmd(&ring, fd, loaded && (i & 1) ? UCMD_TEST_CMD_TIMER :
			   UCMD_CMD_DELAY, &d, sizeof(d), i);
	T_CHECK(io_uring_submit(&ring) == NR, "submit");
	v = t_sysfs_wait("inflight", inflight0 + NR, 5000);
	T_CHECK(v == inflight0 + NR, "inflight %ld want %ld", v, inflight0 + NR);

	t0 = t_now_ns();
	io_uring_queue_exit(&ring);
	close(fd);
	v = t_sysfs_wait("cancelled", cancelled0 + NR, 9000);
	T_CHECK(v == cancelled0 + NR, "cancelled %ld want %ld", v, cancelled0 + NR);
	v = t_sysfs_wait("inflight", inflight0, 2000);
	T_CHECK(v == inflight0, "inflight %ld want %ld", v, inflight0);
	T_CHECK(t_now_ns() - t0 < 9500000000ULL, "teardown took %llu ns",
		t_now_ns() - t0);
	if (!loaded)
		fprintf(stderr, "note: ucmd_test.ko not loaded; DELAY only\n");
	return T_EXIT_PASS;
}
