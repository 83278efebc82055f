// SPDX-License-Identifier: GPL-2.0
/*
 * Description: no kernel-internal code reaches a CQE. A handler's
 * -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK
 * complete as -EINTR, synchronously (ucmd_test's RAW, with and without a
 * res2 on CQE16 and CQE32 rings) and deferred (TIMER from hard irq); a
 * handler's -EIOCBQUEUED without deferring completes as -EIO; ECHO and
 * DELAY refuse such results with -EINVAL ("delay 0 -512" never posts
 * -512) and pass -511 and positive values through.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "ucmd_test.h"

static int one(struct io_uring *ring, int fd, unsigned int op, const void *p,
	       size_t len, int want, const char *what)
{
	struct t_cqe cqe;

	t_prep_cmd(ring, fd, op, p, len, 1);
	T_CHECK(t_run_one(ring, &cqe) == 0, "%s", what);
	T_CHECK(cqe.res == want, "%s: res %d want %d", what, cqe.res, want);
	return 0;
}

int main(void)
{
	static const int restart[] = { 512, 513, 514, 516 };
	unsigned int shapes[] = { 0, IORING_SETUP_CQE32 };
	struct io_uring ring;
	int fd, ret, bad = 0;

	t_unload_module("ucmd_test", 0);
	ret = t_load_module("/ucmd_test.ko");
	T_CHECK(ret == 0, "load ucmd_test.ko: %s", strerror(-ret));
	fd = t_open_dev();
	for (int s = 0; s < 2; s++) {
		t_ring_init(&ring, 4, shapes[s]);
		for (int i = 0; i < 4; i++)
			for (int r2 = 0; r2 < 2; r2++) {
				struct ucmd_echo e = { .res = -restart[i], .res2 = r2 * 7 };
				struct ucmd_delay d = { .res = -restart[i] };

				bad |= one(&ring, fd, UCMD_TEST_CMD_RAW, &e, sizeof(e),
					   -EINTR, "RAW restart code");
				bad |= one(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e),
					   -EINVAL, "ECHO restart code");
				bad |= one(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d),
					   -EINVAL, "DELAY restart code");
				bad |= one(&ring, fd, UCMD_TEST_CMD_TIMER, &d, sizeof(d),
					   -EINTR, "TIMER restart code");
			}
		{
			struct ucmd_echo q = { .res = -529, .res2 = 1 };	/* EIOCBQUEUED */
			struct ucmd_echo u = { .res = -511 }, p = { .res = 123456 };
			struct ucmd_delay dq = { .res = -529 };

			bad |= one(&ring, fd, UCMD_TEST_CMD_RAW, &q, sizeof(q), -EIO, "RAW -EIOCBQUEUED");
			bad |= one(&ring, fd, UCMD_TEST_CMD_TIMER, &dq, sizeof(dq), -EIO, "TIMER -EIOCBQUEUED");
			bad |= one(&ring, fd, UCMD_CMD_ECHO, &q, sizeof(q), -EINVAL, "ECHO -EIOCBQUEUED");
			bad |= one(&ring, fd, UCMD_CMD_ECHO, &u, sizeof(u), -511, "ECHO -511");
			bad |= one(&ring, fd, UCMD_CMD_ECHO, &p, sizeof(p), 123456, "ECHO positive");
		}
		io_uring_queue_exit(&ring);
	}
	close(fd);
	ret = t_unload_module_wait("ucmd_test", 2000);
	T_CHECK(ret == 0, "unload ucmd_test: %s", strerror(-ret));
	return bad ? T_EXIT_FAIL : T_EXIT_PASS;
}
