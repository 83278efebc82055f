// SPDX-License-Identifier: GPL-2.0
/*
 * Description: attaching and detaching BPF instances while requests flow
 * loses nothing: two threads issue kv and arith ops and ECHO in batches
 * while the main thread loads and unloads the kv handler and the
 * deny_all policy 10 times (4 on the debug kernel, t_rounds()). Every
 * SQE gets exactly one CQE whose result is one the instances present at
 * that moment could give.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"

#define BATCH 24

static volatile int stop;
static int fd;

struct worker {
	pthread_t thr;
	long batches, served, unserved;
	int failed;
};

static int ok_res(unsigned long long user_data, int res, void *arg)
{
	struct worker *w = arg;

	if (res == -EACCES)		/* deny_all attached */
		return 1;
	switch (user_data % 3) {
	case 0:				/* kv_put: stored, or no handler */
	case 1:				/* kv_get */
		if (res == 0 || res == -ENOENT)
			w->served++;
		else if (res == -EOPNOTSUPP)
			w->unserved++;
		return res == 0 || res == -ENOENT || res == -EOPNOTSUPP;
	default:			/* echo */
		return res == 3;
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct io_uring ring;

	t_ring_init(&ring, BATCH, IORING_SETUP_CQE32);
	while (!stop) {
		for (int i = 0; i < BATCH; i++) {
			struct ucmd_kv kv = { .key = i, .value = i * 10 };
			struct ucmd_echo e = { .res = 3 };
			struct io_uring_sqe *sqe;

			if (i % 3 == 2)
				sqe = t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), i);
			else
				sqe = t_prep_cmd(&ring, fd, i % 3 ? UCMD_KV_GET : UCMD_KV_PUT,
						 &kv, sizeof(kv), i);
			if (i & 4)	/* some from io-wq */
				sqe->flags |= IOSQE_ASYNC;
		}
		if (t_batch(&ring, BATCH, ok_res, w)) {
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

static void unload(void)
{
	if (system("ucmdctl handler unload kv >/dev/null 2>&1; "
		   "ucmdctl policy unload deny_all >/dev/null 2>&1"))
		return;	/* not loaded */
}

int main(void)
{
	struct worker w[2] = { 0 };
	/* 10 rounds, 4 on the debug kernel: deny_all is loaded in 0 and 3 */
	int rounds = t_rounds(10) < 4 ? 4 : t_rounds(10);

	atexit(unload);
	unload();
	fd = t_open_dev();
	for (int i = 0; i < 2; i++)
		T_CHECK(pthread_create(&w[i].thr, NULL, work, &w[i]) == 0, "thread");
	for (int i = 0; i < rounds; i++) {
		T_CHECK(system("ucmdctl handler load kv >/dev/null") == 0, "load kv %d", i);
		usleep(20000);
		if (i % 3 == 0)
			T_CHECK(system("ucmdctl policy load /tests-bpf/deny_all.bpf.o >/dev/null") == 0,
				"load deny_all");
		T_CHECK(system("ucmdctl handler unload kv >/dev/null") == 0, "unload kv %d", i);
		if (i % 3 == 0)
			T_CHECK(system("ucmdctl policy unload deny_all >/dev/null") == 0,
				"unload deny_all");
		usleep(10000);
	}
	stop = 1;
	for (int i = 0; i < 2; i++) {
		pthread_join(w[i].thr, NULL);
		T_CHECK(!w[i].failed, "worker %d failed", i);
		fprintf(stderr, "worker %d: %ld batches, kv served %ld, unserved %ld\n",
			i, w[i].batches, w[i].served, w[i].unserved);
	}
	T_CHECK(w[0].served + w[1].served > 0, "kv never served");
	T_CHECK(w[0].unserved + w[1].unserved > 0, "kv never absent");
	close(fd);
	return T_EXIT_PASS;
}
