// SPDX-License-Identifier: GPL-2.0
/*
 * Description: per-file state in BPF (bpf/counter.bpf.c): each open
 * /dev/ucmd file has its own counter keyed by ctx->file_id, which is the
 * same on every request of the file, through io_uring and ioctl(), and
 * differs between files (a new file's id is larger than any before it);
 * closing a file calls ->release, which deletes its counter (the live
 * count drops, a new file starts from 0); 100 files opened and closed
 * leave nothing behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "helpers.h"

static int op(struct io_uring *ring, int fd, unsigned int cmd_op,
	      unsigned long long add, unsigned long long *res2)
{
	struct ucmd_counter c = { .add = add };
	struct t_cqe cqe;

	t_prep_cmd(ring, fd, cmd_op, &c, sizeof(c), 1);
	if (t_run_one(ring, &cqe))
		return -9999;
	*res2 = cqe.res2;
	return cqe.res;
}

int main(void)
{
	unsigned long long v, ida, idb, idc;
	struct ucmd_counter c = { .add = 10 };
	struct io_uring ring;
	int a, b, cfd, res;

	if (system("ucmdctl handler load counter > /dev/null")) {
		t_err("load counter");
		return T_EXIT_FAIL;
	}
	t_ring_init(&ring, 8, IORING_SETUP_CQE32);
	a = t_open_dev();
	b = t_open_dev();
	T_CHECK(op(&ring, a, UCMD_COUNTER_ADD, 3, &v) == 0 && v == 3, "a += 3: %llu", v);
	T_CHECK(op(&ring, a, UCMD_COUNTER_ADD, 3, &v) == 0 && v == 6, "a += 3: %llu", v);
	T_CHECK(op(&ring, b, UCMD_COUNTER_ADD, 5, &v) == 0 && v == 5, "b += 5: %llu", v);
	T_CHECK(ioctl(b, UCMD_COUNTER_ADD, &c) == 0, "ioctl b += 10: %m");
	T_CHECK(op(&ring, b, UCMD_COUNTER_ADD, 0, &v) == 0 && v == 15, "b: %llu", v);
	res = op(&ring, a, UCMD_COUNTER_INFO, 0, &ida);
	T_CHECK(res == 2, "2 files have counters: %d", res);
	T_CHECK(op(&ring, b, UCMD_COUNTER_INFO, 0, &idb) == 2 && idb != ida && ida && idb,
		"ids %llu %llu", ida, idb);
	T_CHECK(op(&ring, a, UCMD_COUNTER_INFO, 0, &v) == 2 && v == ida, "a's id changed");
	T_CHECK(ioctl(b, UCMD_COUNTER_INFO, &c) == 2, "ioctl info");

	/* Closing a releases its counter; a new file starts from 0. */
	close(a);
	T_CHECK(op(&ring, b, UCMD_COUNTER_INFO, 0, &v) == 1, "a's counter not released");
	cfd = t_open_dev();
	T_CHECK(op(&ring, cfd, UCMD_COUNTER_INFO, 0, &idc) == 1 && idc > idb && idc > ida,
		"new id %llu", idc);
	T_CHECK(op(&ring, cfd, UCMD_COUNTER_ADD, 1, &v) == 0 && v == 1, "new file: %llu", v);
	close(cfd);

	/* 100 files come and go. */
	for (int i = 0; i < 100; i++) {
		int fd = t_open_dev();

		T_CHECK(op(&ring, fd, UCMD_COUNTER_ADD, i, &v) == 0 && v == (unsigned int)i,
			"file %d: %llu", i, v);
		close(fd);
	}
	T_CHECK(op(&ring, b, UCMD_COUNTER_INFO, 0, &v) == 1 && v == idb, "left behind");
	close(b);
	io_uring_queue_exit(&ring);
	T_CHECK(system("ucmdctl handler unload counter") == 0, "unload");
	return T_EXIT_PASS;
}
