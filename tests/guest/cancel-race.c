// SPDX-License-Identifier: GPL-2.0
/*
 * Description: normal completion and ring-close cancellation race on the
 * same requests, for a C handler's deferred requests (DELAY: 200 rounds)
 * and a BPF handler's (bpf/timer.bpf.c, completed from bpf_timer and
 * bpf_wq callbacks: 400 rounds; a quarter of each on the debug kernel,
 * t_rounds(); a completing callback may drop the last
 * reference of its struct ucmd_bpf_req while teardown's cancel is about
 * to lock it), each round 64 requests whose delays (0..2 ms) end around
 * the moment the ring is closed: every request is finished exactly once
 * (the deferred-request count returns to its start, the cancelled count
 * grows by at most the number submitted) and the CQEs read before the
 * close are unique. Memory errors of the race show on the debug kernel
 * (KASAN) and in the dmesg scan.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"

#define NR 64

static int race(const char *what, unsigned int cmd_op, int rounds, int fd)
{
	long inflight0 = t_sysfs_long("inflight");
	long cancelled0 = t_sysfs_long("cancelled");
	long total_cancelled, v;

	for (int r = 0; r < rounds; r++) {
		struct io_uring_cqe *cqe;
		struct io_uring ring;
		int seen[NR] = { 0 };

		t_ring_init(&ring, NR, 0);
		for (int i = 0; i < NR; i++) {
			/* ucmd_delay and ucmd_timer both start with delay_us */
			struct ucmd_timer t = { .delay_us = (i * 37 + r * 13) % 2000 };

			t_prep_cmd(&ring, fd, cmd_op, &t, _IOC_SIZE(cmd_op), i);
		}
		T_CHECK(io_uring_submit(&ring) == NR, "%s: submit", what);
		usleep((r % 5) * 250);
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			T_CHECK(cqe->user_data < NR && !seen[cqe->user_data]++,
				"%s round %d: duplicate user_data %llu", what, r,
				(unsigned long long)cqe->user_data);
			T_CHECK(cqe->res == 0, "%s round %d: res %d", what, r, cqe->res);
			io_uring_cqe_seen(&ring, cqe);
		}
		io_uring_queue_exit(&ring);
	}
	v = t_sysfs_wait("inflight", inflight0, 5000);
	T_CHECK(v == inflight0, "%s: inflight %ld want %ld", what, v, inflight0);
	total_cancelled = t_sysfs_long("cancelled") - cancelled0;
	T_CHECK(total_cancelled >= 0 && total_cancelled <= (long)rounds * NR,
		"%s: cancelled %ld", what, total_cancelled);
	fprintf(stderr, "%s: %d requests, %ld cancelled, the rest completed\n",
		what, rounds * NR, total_cancelled);
	return T_EXIT_PASS;
}

int main(void)
{
	int fd = t_open_dev();

	_Static_assert(offsetof(struct ucmd_delay, delay_us) == 0 &&
		       offsetof(struct ucmd_timer, delay_us) == 0, "delay_us first");
	if (race("DELAY", UCMD_CMD_DELAY, t_rounds(200), fd))
		return T_EXIT_FAIL;
	T_CHECK(system("ucmdctl handler load timer > /dev/null") == 0, "load timer");
	if (race("BPF timer", UCMD_TIMER_WAIT, t_rounds(400), fd))
		return T_EXIT_FAIL;
	T_CHECK(system("ucmdctl handler unload timer > /dev/null") == 0, "unload timer");
	close(fd);
	return T_EXIT_PASS;
}
