// SPDX-License-Identifier: GPL-2.0
/*
 * Description: every built-in op on every ring configuration, generated
 * from the two tables below: ops x (SQE64/SQE128 x CQE16/CQE32 x {plain,
 * SQPOLL, DEFER_TASKRUN|SINGLE_ISSUER, COOP_TASKRUN}) x {inline,
 * IOSQE_ASYNC}. Each cell submits 4 SQEs and checks res, res2 where the
 * CQE carries it, user_data, and exactly one CQE per SQE.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"

#define PER_CELL 4

static unsigned long long feature_word;
static unsigned char rw_buf[256];

struct op {
	const char *name;
	unsigned int cmd_op;
	void (*payload)(void *p, int i);	/* fill for SQE number i */
	int (*res)(int i);			/* expected res */
	unsigned long long (*res2)(int i);	/* expected res2 on CQE32 */
	int needs_sqe128;
};

static void p_none(void *p, int i) { }
static int r_zero(int i) { return 0; }
static unsigned long long r2_zero(int i) { return 0; }

static void p_echo(void *p, int i)
{
	struct ucmd_echo e = { .res = 100 + i, .res2 = 0xec40000000ULL + i };

	memcpy(p, &e, sizeof(e));
}
static int r_echo(int i) { return 100 + i; }
static unsigned long long r2_echo(int i) { return 0xec40000000ULL + i; }

static void p_delay(void *p, int i)
{
	struct ucmd_delay d = { .delay_us = 100 * i, .res = 200 + i,
				.res2_lo = 0xde1a0 + i };

	memcpy(p, &d, sizeof(d));
}
static int r_delay(int i) { return 200 + i; }
static unsigned long long r2_delay(int i) { return 0xde1a0 + i; }

static void p_features(void *p, int i)
{
	struct ucmd_features f = { .addr = (uintptr_t)&feature_word };

	memcpy(p, &f, sizeof(f));
}
static unsigned long long r2_features(int i) { return feature_word; }

static void p_sum(void *p, int i)
{
	struct ucmd_sum s = { .count = 3, .vals = { 1, 2, (unsigned long long)i } };

	memcpy(p, &s, sizeof(s));
}
static int r_sum(int i) { return 3; }
static unsigned long long r2_sum(int i) { return 3 + i; }

static void p_sleep(void *p, int i)
{
	struct ucmd_sleep s = { .sleep_us = 100 };

	memcpy(p, &s, sizeof(s));
}

static void p_write(void *p, int i)
{
	struct ucmd_rw r = { .addr = (uintptr_t)rw_buf, .len = 64,
			     .offset = 64 * i };

	memcpy(p, &r, sizeof(r));
}
static int r_rw(int i) { return 64; }

static const struct op ops[] = {
	{ "nop", UCMD_CMD_NOP, p_none, r_zero, r2_zero, 0 },
	{ "echo", UCMD_CMD_ECHO, p_echo, r_echo, r2_echo, 0 },
	{ "delay", UCMD_CMD_DELAY, p_delay, r_delay, r2_delay, 0 },
	{ "get_features", UCMD_CMD_GET_FEATURES, p_features, r_zero, r2_features, 0 },
	{ "sum", UCMD_CMD_SUM, p_sum, r_sum, r2_sum, 1 },
	{ "sleep", UCMD_CMD_SLEEP, p_sleep, r_zero, NULL, 0 },
	{ "write", UCMD_CMD_WRITE, p_write, r_rw, r2_zero, 0 },
};

static const struct t_ring_cfg modes[] = {
	{ "plain", 0 },
	{ "sqpoll", IORING_SETUP_SQPOLL },
	{ "defer_taskrun", IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER },
	{ "coop_taskrun", IORING_SETUP_COOP_TASKRUN },
};

static int cell(int fd, const struct op *op, const struct t_ring_cfg *shape,
		const struct t_ring_cfg *mode, int async)
{
	unsigned int flags = shape->flags | mode->flags;
	int cqe32 = flags & IORING_SETUP_CQE32;
	int short_sqe = op->needs_sqe128 && !(flags & IORING_SETUP_SQE128);
	struct t_cqe cqes[PER_CELL];
	int seen[PER_CELL] = { 0 };
	struct io_uring ring;

	t_ring_init(&ring, PER_CELL, flags);
	for (int i = 0; i < PER_CELL; i++) {
		unsigned char p[UCMD_PAYLOAD_SQE128] = { 0 };
		struct io_uring_sqe *sqe;

		op->payload(p, i);
		sqe = t_prep_cmd(&ring, fd, op->cmd_op, p, sizeof(p), 1000 + i);
		if (async)
			sqe->flags |= IOSQE_ASYNC;
	}
	T_CHECK(io_uring_submit(&ring) == PER_CELL, "submit");
	T_CHECK(t_collect(&ring, cqes, PER_CELL, 5000) == PER_CELL, "missing CQEs");
	T_CHECK(t_expect_no_cqe(&ring, 5) == 0, "extra CQE");
	for (int i = 0; i < PER_CELL; i++) {
		long long u = (long long)cqes[i].user_data - 1000;
		int want = short_sqe ? -EINVAL : op->res(u);

		T_CHECK(u >= 0 && u < PER_CELL && !seen[u]++, "user_data %llu",
			cqes[i].user_data);
		T_CHECK(cqes[i].res == want, "res %d want %d", cqes[i].res, want);
		if (cqe32 && !short_sqe && op->res2)
			T_CHECK(cqes[i].res2 == op->res2(u), "res2 0x%llx want 0x%llx",
				cqes[i].res2, op->res2(u));
		if (!cqe32)
			T_CHECK(cqes[i].res2 == 0, "res2 on CQE16");
	}
	io_uring_queue_exit(&ring);
	return 0;
}

int main(void)
{
	int nops = sizeof(ops) / sizeof(ops[0]);
	int nmodes = sizeof(modes) / sizeof(modes[0]);
	int cells = 0, failed = 0;
	int fd = t_open_dev();

	feature_word = t_sysfs_long("features");
	for (int o = 0; o < nops; o++) {
		int op_failed = 0;

		for (int s = 0; s < t_nr_ring_shapes; s++)
			for (int m = 0; m < nmodes; m++)
				for (int a = 0; a < 2; a++) {
					cells++;
					if (cell(fd, &ops[o], &t_ring_shapes[s], &modes[m], a)) {
						t_err("cell %s / %s / %s / %s failed",
						      ops[o].name, t_ring_shapes[s].name,
						      modes[m].name, a ? "async" : "inline");
						op_failed++;
					}
				}
		fprintf(stderr, "%-13s %d/%d cells ok\n", ops[o].name,
			t_nr_ring_shapes * nmodes * 2 - op_failed,
			t_nr_ring_shapes * nmodes * 2);
		failed += op_failed;
	}
	fprintf(stderr, "matrix: %d ops x %d rings x 2 issue modes = %d cells, %d failed\n",
		nops, t_nr_ring_shapes * nmodes, cells, failed);
	close(fd);
	return failed ? T_EXIT_FAIL : T_EXIT_PASS;
}
