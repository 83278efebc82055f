// SPDX-License-Identifier: GPL-2.0
/*
 * Description: deferred requests in flight are capped per open file
 * (module parameter max_inflight): with the cap at 8, 12 DELAYs on one
 * file give 8 results and 4 immediate -EBUSY; a second file has a cap of
 * its own; synchronous ops are not counted; once they complete the file
 * can defer again, and inflight returns to 0.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"

#define CAP_PATH "/sys/module/ucmd/parameters/max_inflight"

struct tally {
	int busy;
	int nops;	/* every third SQE is a NOP */
};

static int ok(unsigned long long user_data, int res, void *arg)
{
	struct tally *t = arg;

	if (t->nops && user_data % 3 == 2)
		return res == 0;
	if (res == -EBUSY) {
		t->busy++;
		return 1;
	}
	return res == 5;
}

/* @nr SQEs on @fd, DELAYs (and NOPs if @nops); @want_busy get -EBUSY. */
static int run(int fd, int nr, int nops, int want_busy)
{
	struct ucmd_delay d = { .delay_us = 200000, .res = 5 };
	struct tally t = { .nops = nops };
	struct io_uring ring;

	t_ring_init(&ring, 32, 0);
	for (int i = 0; i < nr; i++)
		t_prep_cmd(&ring, fd, nops && i % 3 == 2 ? UCMD_CMD_NOP : UCMD_CMD_DELAY,
			   &d, sizeof(d), i);
	T_CHECK(t_batch(&ring, nr, ok, &t) == 0, "batch");
	T_CHECK(t.busy == want_busy, "%d of %d got -EBUSY, want %d", t.busy, nr,
		want_busy);
	io_uring_queue_exit(&ring);
	return 0;
}

int main(void)
{
	int fd = t_open_dev(), fd2 = t_open_dev(), ret = T_EXIT_FAIL;

	T_CHECK(t_write_file(CAP_PATH, "8") == 0, "set max_inflight");
	/* 12 on one file; 8 on another; the first again; 16 DELAYs + 8 NOPs. */
	if (run(fd, 12, 0, 4) || run(fd2, 8, 0, 0) || run(fd, 8, 0, 0) ||
	    run(fd, 24, 1, 8))
		goto out;
	if (t_sysfs_wait("inflight", 0, 3000) != 0) {
		t_err("inflight %ld", t_sysfs_long("inflight"));
		goto out;
	}
	ret = T_EXIT_PASS;
out:
	t_write_file(CAP_PATH, "4096");
	close(fd);
	close(fd2);
	return ret;
}
