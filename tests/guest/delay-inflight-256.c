// SPDX-License-Identifier: GPL-2.0
/*
 * Description: 256 DELAY requests in flight at once, with delays spread
 * over 0..20 ms, each complete exactly once with its own res and res2
 * (CQE32), and the module's deferred-request count returns to its start.
 */
#include <string.h>
#include <unistd.h>
#include "helpers.h"

#define NR 256

int main(void)
{
	static struct t_cqe cqes[NR + 1];
	static int seen[NR];
	long inflight0 = t_sysfs_long("inflight");
	struct io_uring ring;
	int fd = t_open_dev();
	int got;

	t_ring_init(&ring, NR, IORING_SETUP_CQE32);
	for (int i = 0; i < NR; i++) {
		struct ucmd_delay d = {
			.delay_us = (i * 7919) % 20000,
			.res = i, .res2_lo = 0x10000 + i,
		};

		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), i);
	}
	T_CHECK(io_uring_submit(&ring) == NR, "submit");
	got = t_collect(&ring, cqes, NR, 10000);
	T_CHECK(got == NR, "got %d of %d CQEs", got, NR);
	T_CHECK(t_expect_no_cqe(&ring, 50) == 0, "extra CQE");
	for (int i = 0; i < NR; i++) {
		unsigned long long u = cqes[i].user_data;

		T_CHECK(u < NR, "bad user_data %llu", u);
		T_CHECK(!seen[u]++, "user_data %llu completed twice", u);
		T_CHECK(cqes[i].res == (int)u && cqes[i].res2 == 0x10000 + u,
			"user_data %llu: res %d res2 0x%llx", u, cqes[i].res,
			cqes[i].res2);
	}
	io_uring_queue_exit(&ring);
	close(fd);
	T_CHECK(t_sysfs_wait("inflight", inflight0, 1000) == inflight0,
		"inflight %ld, was %ld", t_sysfs_long("inflight"), inflight0);
	return T_EXIT_PASS;
}
