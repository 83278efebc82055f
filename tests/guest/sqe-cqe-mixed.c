// SPDX-License-Identifier: GPL-2.0
/*
 * Description: on an IORING_SETUP_SQE_MIXED | IORING_SETUP_CQE_MIXED ring
 * (UCMD_F_SQE_MIXED, UCMD_F_CQE_MIXED), an 80-byte SUM travels in one
 * IORING_OP_URING_CMD128 (two SQ slots), inline, on io-wq after both slots
 * are overwritten, and as a SLEEP re-issued after -EAGAIN; a 64-byte
 * URING_CMD with an 80-byte cmd_op gets -EINVAL; a URING_CMD128 in the
 * ring's last slot is refused by io_uring (-EINVAL) without reaching ucmd.
 * Every ucmd CQE is a 32-byte one (IORING_CQE_F_32) carrying its res2,
 * sync and deferred, between io_uring's own 16-byte NOP CQEs. Skipped
 * on kernels without the two ring flags (6.12).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"

/* 7.x UAPI (include/uapi/linux/io_uring.h of 7.3), absent from our headers. */
#ifndef IORING_SETUP_CQE_MIXED
#define IORING_SETUP_CQE_MIXED	(1U << 18)
#endif
#ifndef IORING_SETUP_SQE_MIXED
#define IORING_SETUP_SQE_MIXED	(1U << 19)
#endif
#define T_OP_URING_CMD128	64	/* IORING_OP_URING_CMD128 */
#ifndef IORING_CQE_F_SKIP
#define IORING_CQE_F_SKIP	(1U << 5)
#endif
#ifndef IORING_CQE_F_32
#define IORING_CQE_F_32		(1U << 15)
#endif

#define ENTRIES 16	/* no 128-byte SQE below wraps */

/* A 128-byte uring_cmd in two adjacent 64-byte slots. */
static struct io_uring_sqe *prep_cmd128(struct io_uring *ring, int fd,
					unsigned int cmd_op, const void *payload,
					size_t len, unsigned long long user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_sqe *next = io_uring_get_sqe(ring);

	if (!sqe || next != sqe + 1)
		return NULL;	/* full, or wraps: the caller sized the ring */
	io_uring_prep_rw(T_OP_URING_CMD128, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	memset(sqe->cmd, 0, UCMD_PAYLOAD_SQE128);
	memcpy(sqe->cmd, payload, len);
	sqe->user_data = user_data;
	return sqe;
}

/*
 * Reap @nr CQEs of a CQE_MIXED ring: skip IORING_CQE_F_SKIP fillers, take
 * res2 from 32-byte entries (two slots each). Returns how many were reaped.
 */
static int collect_mixed(struct io_uring *ring, struct t_cqe *out, int nr)
{
	int got = 0;

	while (got < nr) {
		struct __kernel_timespec ts = { .tv_sec = 5 };
		struct io_uring_cqe *cqe;

		if (io_uring_wait_cqe_timeout(ring, &cqe, &ts))
			break;
		if (cqe->flags & IORING_CQE_F_SKIP) {
			io_uring_cq_advance(ring, 1);
			continue;
		}
		out[got].user_data = cqe->user_data;
		out[got].res = cqe->res;
		out[got].flags = cqe->flags;
		out[got].res2 = cqe->flags & IORING_CQE_F_32 ? cqe->big_cqe[0] : 0;
		got++;
		io_uring_cq_advance(ring, cqe->flags & IORING_CQE_F_32 ? 2 : 1);
	}
	return got;
}

static struct t_cqe *find(struct t_cqe *c, int n, unsigned long long ud)
{
	for (int i = 0; i < n; i++)
		if (c[i].user_data == ud)
			return &c[i];
	return NULL;
}

int main(void)
{
	long features = t_sysfs_long("features");
	struct ucmd_sum sum = { .count = UCMD_SUM_MAX };
	struct ucmd_echo echo = { .res = 5, .res2 = 0x1234567890ULL };
	struct ucmd_delay delay = { .delay_us = 1000, .res = 6, .res2_lo = 0xabcd };
	struct ucmd_sleep sl = { .sleep_us = 1000 };
	unsigned long long total = 0;
	struct io_uring_sqe *sqe;
	struct t_cqe cqe[16], *c;
	struct io_uring ring;
	int fd, n;

	T_CHECK(features > 0, "features");
	if (!(features & UCMD_F_SQE_MIXED) || !(features & UCMD_F_CQE_MIXED)) {
		printf("kernel without IORING_OP_URING_CMD128 on SQE_MIXED rings or IORING_SETUP_CQE_MIXED (features 0x%lx)\n",
		       features);
		return T_EXIT_SKIP;
	}
	for (int i = 0; i < UCMD_SUM_MAX; i++) {
		sum.vals[i] = 1000000007ULL * (i + 1);
		total += sum.vals[i];
	}
	fd = t_open_dev();
	t_ring_init(&ring, ENTRIES, IORING_SETUP_SQE_MIXED | IORING_SETUP_CQE_MIXED);

	/* Slots 0-1: SUM inline; 2: io_uring's NOP; 3: ECHO; 4: DELAY; 5-6: SLEEP. */
	T_CHECK(prep_cmd128(&ring, fd, UCMD_CMD_SUM, &sum, sizeof(sum), 1), "sqe");
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	sqe->user_data = 2;
	t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &echo, sizeof(echo), 3);
	t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &delay, sizeof(delay), 4);
	T_CHECK(prep_cmd128(&ring, fd, UCMD_CMD_SLEEP, &sl, sizeof(sl), 5), "sqe");
	/* io_submit_sqes() counts SQ slots: 5 requests in 7 slots. */
	n = io_uring_submit(&ring);
	T_CHECK(n == 7, "submit: %d", n);
	n = collect_mixed(&ring, cqe, 5);
	T_CHECK(n == 5, "%d CQEs, want 5", n);
	c = find(cqe, n, 1);
	T_CHECK(c && c->res == UCMD_SUM_MAX && c->res2 == total &&
		(c->flags & IORING_CQE_F_32), "SUM res %d res2 %llu flags 0x%x",
		c ? c->res : 0, c ? c->res2 : 0, c ? c->flags : 0);
	c = find(cqe, n, 2);
	T_CHECK(c && !c->res && !(c->flags & IORING_CQE_F_32), "NOP");
	c = find(cqe, n, 3);
	T_CHECK(c && c->res == 5 && c->res2 == echo.res2 &&
		(c->flags & IORING_CQE_F_32), "ECHO res %d res2 0x%llx",
		c ? c->res : 0, c ? c->res2 : 0);
	c = find(cqe, n, 4);
	T_CHECK(c && c->res == 6 && c->res2 == 0xabcd &&
		(c->flags & IORING_CQE_F_32), "DELAY res %d res2 0x%llx",
		c ? c->res : 0, c ? c->res2 : 0);
	c = find(cqe, n, 5);
	/*
	 * res2: how the issue that slept ran: the io-wq re-issue after
	 * ucmd's -EAGAIN, still a 128-byte SQE, its CQE 32 bytes.
	 */
	T_CHECK(c && !c->res && (c->flags & IORING_CQE_F_32) &&
		c->res2 == (UCMD_SLEEP_IOWQ | UCMD_SLEEP_REISSUE |
			    UCMD_SLEEP_SQE128 | UCMD_SLEEP_CQE32),
		"SLEEP res %d res2 0x%llx", c ? c->res : 0, c ? c->res2 : 0);

	/*
	 * io-wq: the SQ slots are overwritten once submit returns; the
	 * issue on io-wq reads io_uring's 128-byte copy.
	 */
	sqe = prep_cmd128(&ring, fd, UCMD_CMD_SUM, &sum, sizeof(sum), 6);
	T_CHECK(sqe, "sqe");
	sqe->flags |= IOSQE_ASYNC;
	T_CHECK(io_uring_submit(&ring) == 2, "submit");
	memset(sqe, 0xff, 2 * sizeof(*sqe));
	T_CHECK(collect_mixed(&ring, cqe, 1) == 1, "CQE");
	T_CHECK(cqe[0].res == UCMD_SUM_MAX && cqe[0].res2 == total,
		"io-wq SUM res %d res2 %llu", cqe[0].res, cqe[0].res2);

	/* 80-byte cmd_op in a 64-byte SQE: -EINVAL from ucmd. */
	t_prep_cmd(&ring, fd, UCMD_CMD_SUM, &sum, sizeof(sum), 7);
	T_CHECK(io_uring_submit(&ring) == 1, "submit");
	T_CHECK(collect_mixed(&ring, cqe, 1) == 1, "CQE");
	T_CHECK(cqe[0].user_data == 7 && cqe[0].res == -EINVAL,
		"SUM in a 64-byte SQE: res %d", cqe[0].res);
	io_uring_queue_exit(&ring);

	/* A URING_CMD128 in the last slot: io_init_req() refuses it. */
	t_ring_init(&ring, 4, IORING_SETUP_SQE_MIXED | IORING_SETUP_CQE_MIXED);
	for (int i = 0; i < 3; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		sqe->user_data = 10 + i;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_rw(T_OP_URING_CMD128, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = UCMD_CMD_NOP;
	sqe->user_data = 13;
	T_CHECK(io_uring_submit(&ring) >= 3, "submit");
	n = collect_mixed(&ring, cqe, 4);
	T_CHECK(n == 4, "%d CQEs, want 4", n);
	c = find(cqe, n, 13);
	T_CHECK(c && c->res == -EINVAL, "URING_CMD128 in the last slot: res %d",
		c ? c->res : 0);
	T_CHECK(t_expect_no_cqe(&ring, 20) == 0, "extra CQE");
	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
