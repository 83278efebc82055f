// SPDX-License-Identifier: GPL-2.0
/*
 * Description: two threads, each on its own ring, issue batches of NOP,
 * ECHO, DELAY and the test module's TIMER while the main thread
 * unregisters and registers TIMER's handler 20 times: every SQE gets
 * exactly one CQE with its expected result (TIMER: its result,
 * -EOPNOTSUPP when the handler is gone, or -ECANCELED when unregister
 * cancelled it in flight). Then the module unloads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "ucmd_test.h"

#define BATCH 32

static volatile int stop;
static int fd;

struct worker {
	pthread_t thr;
	unsigned int ring_flags;
	long batches, timers_ok, timers_gone;
	int failed;
};

static int expect(unsigned long long user_data, int res, void *arg)
{
	struct worker *w = arg;

	switch (user_data % 4) {
	case 0: return res == 0;
	case 1: return res == 11;
	case 2: return res == 22;
	default:
		if (res == 33)
			w->timers_ok++;
		else if (res == -EOPNOTSUPP || res == -ECANCELED)
			w->timers_gone++;
		return res == 33 || res == -EOPNOTSUPP || res == -ECANCELED;
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct io_uring ring;

	t_ring_init(&ring, BATCH, w->ring_flags);
	while (!stop) {
		for (int i = 0; i < BATCH; i++) {
			struct ucmd_echo e = { .res = 11 };
			struct ucmd_delay d = { .delay_us = i * 5, .res = 22 };
			struct ucmd_delay t = { .delay_us = i * 5, .res = 33 };

			switch (i % 4) {
			case 0: t_prep_cmd(&ring, fd, UCMD_CMD_NOP, NULL, 0, i); break;
			case 1: t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), i); break;
			case 2: t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), i); break;
			case 3: t_prep_cmd(&ring, fd, UCMD_TEST_CMD_TIMER, &t, sizeof(t), i); break;
			}
		}
		if (t_batch(&ring, BATCH, expect, w)) {
			w->failed = 1;
			break;
		}
		w->batches++;
	}
	if (t_expect_no_cqe(&ring, 20))
		w->failed = 1;
	io_uring_queue_exit(&ring);
	return NULL;
}

static int set_registered(const char *v)
{
	return t_write_file(UCMD_TEST_REGISTERED, v);
}

int main(void)
{
	struct worker w[2] = {
		{ .ring_flags = 0 }, { .ring_flags = IORING_SETUP_CQE32 },
	};
	int ret;

	t_unload_module("ucmd_test", 0);	/* left by a failed test */
	ret = t_load_module("/ucmd_test.ko");
	T_CHECK(ret == 0, "load: %s", strerror(-ret));
	fd = t_open_dev();
	for (int i = 0; i < 2; i++)
		T_CHECK(pthread_create(&w[i].thr, NULL, work, &w[i]) == 0, "thread");
	for (int i = 0; i < 20; i++) {
		usleep(20000);
		T_CHECK(set_registered("0") == 0, "unregister %d", i);
		usleep(10000);
		T_CHECK(set_registered("1") == 0, "register %d", i);
	}
	stop = 1;
	for (int i = 0; i < 2; i++) {
		pthread_join(w[i].thr, NULL);
		T_CHECK(!w[i].failed, "worker %d failed", i);
		fprintf(stderr, "worker %d: %ld batches, TIMER ok %ld, gone %ld\n",
			i, w[i].batches, w[i].timers_ok, w[i].timers_gone);
	}
	T_CHECK(w[0].timers_ok + w[1].timers_ok > 0, "no TIMER ever served");
	T_CHECK(w[0].timers_gone + w[1].timers_gone > 0, "TIMER never unregistered");
	close(fd);
	ret = t_unload_module_wait("ucmd_test", 2000);
	T_CHECK(ret == 0, "unload: %s", strerror(-ret));
	return T_EXIT_PASS;
}
