// SPDX-License-Identifier: GPL-2.0
/*
 * Description: on a ring set up by ucmd_queue_init_no_mmap() (the client
 * header's IORING_SETUP_NO_MMAP helper) requests work as on any ring, and
 * after ucmd_ring_close() with 32 DELAY requests in flight each one's
 * -ECANCELED CQE is there to read, exactly once, with its user_data,
 * long before the 5 s delay; on a plain, a DEFER_TASKRUN and a CQE32 ring.
 */
#include <unistd.h>
#include "helpers.h"

#define NR 32

static int run(unsigned int flags)
{
	struct ucmd_delay d = { .delay_us = 5000000 };
	struct ucmd_echo e = { .res = 7, .res2 = 0x1234 };
	long inflight0 = t_sysfs_long("inflight");
	bool seen[NR] = { false };
	struct io_uring_cqe *cqe;
	struct ucmd_ring_mem mem;
	unsigned long long t0;
	struct io_uring ring;
	int fd = t_open_dev(), ret, n = 0;
	unsigned int head;

	ret = ucmd_queue_init_no_mmap(64, &ring, flags, &mem);
	T_CHECK(ret == 0, "ucmd_queue_init_no_mmap(flags 0x%x): %d", flags, ret);
	T_CHECK(ring.flags & IORING_SETUP_NO_MMAP, "flags 0x%x", ring.flags);

	/* An ordinary request, through liburing's calls. */
	ucmd_prep_cmd(&ring, io_uring_get_sqe(&ring), fd, UCMD_CMD_ECHO, &e, sizeof(e));
	ret = io_uring_submit_and_wait(&ring, 1);
	T_CHECK(ret == 1, "submit echo: %d", ret);
	T_CHECK(io_uring_peek_cqe(&ring, &cqe) == 0, "no echo CQE");
	T_CHECK(cqe->res == 7, "echo res %d", cqe->res);
	T_CHECK(ucmd_cqe_res2(&ring, cqe) == (flags & IORING_SETUP_CQE32 ? 0x1234 : 0),
		"echo res2 0x%llx", (unsigned long long)ucmd_cqe_res2(&ring, cqe));
	io_uring_cqe_seen(&ring, cqe);

	for (int i = 0; i < NR; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		ucmd_prep_cmd(&ring, sqe, fd, UCMD_CMD_DELAY, &d, sizeof(d));
		io_uring_sqe_set_data64(sqe, 100 + i);
	}
	ret = io_uring_submit(&ring);
	T_CHECK(ret == NR, "submit: %d", ret);
	T_CHECK(t_sysfs_wait("inflight", inflight0 + NR, 2000) == inflight0 + NR,
		"the delays are not in flight");

	t0 = t_now_ns();
	ucmd_ring_close(&ring);
	while (io_uring_cq_ready(&ring) < NR && t_now_ns() - t0 < 3000000000ULL)
		usleep(1000);
	T_CHECK(io_uring_cq_ready(&ring) == NR, "%u CQEs after close, want %d",
		io_uring_cq_ready(&ring), NR);
	usleep(200000);		/* nothing more comes */
	T_CHECK(io_uring_cq_ready(&ring) == NR, "%u CQEs, want %d", io_uring_cq_ready(&ring), NR);
	io_uring_for_each_cqe(&ring, head, cqe) {
		unsigned long long ud = cqe->user_data;

		T_CHECK(ud >= 100 && ud < 100 + NR && !seen[ud - 100],
			"CQE user_data %llu (twice, or not ours)", ud);
		seen[ud - 100] = true;
		T_CHECK(cqe->res == -ECANCELED, "user_data %llu res %d, want -ECANCELED",
			ud, cqe->res);
		n++;
	}
	io_uring_cq_advance(&ring, n);
	T_CHECK(n == NR, "%d CQEs read", n);
	io_uring_prep_nop(io_uring_get_sqe(&ring));
	ret = io_uring_submit(&ring);
	T_CHECK(ret == -EBADF, "submit on the closed ring: %d, want -EBADF", ret);
	ucmd_queue_free_no_mmap(&mem);
	T_CHECK(t_sysfs_wait("inflight", inflight0, 1000) == inflight0, "requests left in flight");
	close(fd);
	return 0;
}

int main(void)
{
	struct ucmd_ring_mem mem;
	struct io_uring ring;
	int ret = ucmd_queue_init_no_mmap(8, &ring, 0, &mem);

	if (ret == -EINVAL) {
		printf("SKIP: the kernel has no IORING_SETUP_NO_MMAP (6.5+)\n");
		return T_EXIT_SKIP;
	}
	if (!ret) {
		ucmd_ring_close(&ring);
		ucmd_queue_free_no_mmap(&mem);
	}
	if (run(0) || run(IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER) ||
	    run(IORING_SETUP_CQE32))
		return T_EXIT_FAIL;
	return T_EXIT_PASS;
}
