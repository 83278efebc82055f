// SPDX-License-Identifier: GPL-2.0
/*
 * Description: normal completion and ring-close cancellation race on the
 * same requests, 200 rounds of 64 requests whose delays (0..2 ms) end
 * around the moment the ring is closed: every request is finished exactly
 * once (the deferred-request count returns to its start, the cancelled
 * count grows by at most the number submitted) and the CQEs read before
 * the close are unique.
 */
#include <string.h>
#include <unistd.h>
#include "helpers.h"

#define ROUNDS 200
#define NR 64

int main(void)
{
	long inflight0 = t_sysfs_long("inflight");
	long cancelled0 = t_sysfs_long("cancelled");
	long total_cancelled, v;
	int fd = t_open_dev();

	for (int r = 0; r < ROUNDS; r++) {
		struct io_uring_cqe *cqe;
		struct io_uring ring;
		int seen[NR] = { 0 };

		t_ring_init(&ring, NR, 0);
		for (int i = 0; i < NR; i++) {
			struct ucmd_delay d = { .delay_us = (i * 37 + r * 13) % 2000 };

			t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), i);
		}
		T_CHECK(io_uring_submit(&ring) == NR, "submit");
		usleep((r % 5) * 250);
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			T_CHECK(cqe->user_data < NR && !seen[cqe->user_data]++,
				"round %d: duplicate user_data %llu", r,
				(unsigned long long)cqe->user_data);
			io_uring_cqe_seen(&ring, cqe);
		}
		io_uring_queue_exit(&ring);
	}
	close(fd);
	v = t_sysfs_wait("inflight", inflight0, 5000);
	T_CHECK(v == inflight0, "inflight %ld want %ld", v, inflight0);
	total_cancelled = t_sysfs_long("cancelled") - cancelled0;
	T_CHECK(total_cancelled >= 0 && total_cancelled <= ROUNDS * NR,
		"cancelled %ld", total_cancelled);
	fprintf(stderr, "%d requests, %ld cancelled, the rest completed\n",
		ROUNDS * NR, total_cancelled);
	return T_EXIT_PASS;
}
