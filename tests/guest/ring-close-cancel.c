// SPDX-License-Identifier: GPL-2.0
/*
 * Description: closing a ring with 256 DELAY requests pending cancels each
 * of them exactly once with -ECANCELED, long before their 5 s delay: the
 * module's cancelled counter grows by 256 and no deferred request is left.
 * The ring's CQEs cannot be read after close, so the module's counters
 * (/sys/class/misc/ucmd/{cancelled,inflight}) are the witness. Done on a
 * plain ring and on a DEFER_TASKRUN ring closed by a task that goes on
 * living (on the debug kernel, lockdep then watches who posts the CQEs).
 */
#include <unistd.h>
#include "helpers.h"

#define NR 256

static int run(unsigned int ring_flags)
{
	long cancelled0 = t_sysfs_long("cancelled");
	long inflight0 = t_sysfs_long("inflight");
	struct ucmd_delay d = { .delay_us = 5000000 };
	unsigned long long t0;
	struct io_uring ring;
	int fd = t_open_dev();
	long v;

	T_CHECK(cancelled0 >= 0 && inflight0 >= 0, "sysfs counters unreadable");
	t_ring_init(&ring, NR, ring_flags);
	for (int i = 0; i < NR; i++)
		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), i);
	T_CHECK(io_uring_submit(&ring) == NR, "submit");
	v = t_sysfs_wait("inflight", inflight0 + NR, 2000);
	T_CHECK(v == inflight0 + NR, "inflight %ld, want %ld", v, inflight0 + NR);

	t0 = t_now_ns();
	io_uring_queue_exit(&ring);
	v = t_sysfs_wait("cancelled", cancelled0 + NR, 3000);
	T_CHECK(v == cancelled0 + NR, "cancelled %ld, want %ld", v,
		cancelled0 + NR);
	v = t_sysfs_wait("inflight", inflight0, 1000);
	T_CHECK(v == inflight0, "inflight %ld, want %ld", v, inflight0);
	T_CHECK(t_now_ns() - t0 < 4000000000ULL, "cancel took %llu ns",
		t_now_ns() - t0);
	close(fd);
	return 0;
}

int main(void)
{
	if (run(0) ||
	    run(IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER))
		return T_EXIT_FAIL;
	return T_EXIT_PASS;
}
