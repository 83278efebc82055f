// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd-bench CONFIG BATCH SECONDS: run one benchmark cell in the guest and
 * print "CONFIG BATCH OPS_PER_S". tools/bench/bench.sh drives it, rounds
 * interleaved; tools/bench/report.py turns the lines into tables.
 *
 * Each loop submits BATCH requests with io_uring_submit_and_wait() and
 * reaps them (or makes BATCH ioctl() calls), for SECONDS after a warm-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"

enum kind { K_NOP, K_URING_CMD, K_IOCTL };

struct config {
	const char *name;
	enum kind kind;
	const char *dev;
	unsigned int cmd_op;
	unsigned int ring_flags;
	int threads;
};

/* The driver sets up policies, tracing and extra handlers per config. */
static const struct config configs[] = {
	{ "io_uring-nop", K_NOP, NULL, 0, 0, 1 },
	{ "bare", K_URING_CMD, "/dev/ucmd_bare", 0, 0, 1 },
	{ "bare-sqe128-cqe32", K_URING_CMD, "/dev/ucmd_bare", 0,
	  IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 1 },
	/* floors: see tools/bench/ucmd_bare.c */
	{ "bare-dispatch", K_URING_CMD, "/dev/ucmd_bare_disp", UCMD_CMD_NOP, 0, 1 },
	{ "bare-done-sqe128-cqe32", K_URING_CMD, "/dev/ucmd_bare_done", 0,
	  IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 1 },
	{ "bare-dispatch-echo-sqe128-cqe32", K_URING_CMD, "/dev/ucmd_bare_disp", UCMD_CMD_ECHO,
	  IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 1 },
	{ "bare-2rings", K_URING_CMD, "/dev/ucmd_bare", 0, 0, 2 },
	{ "ucmd-nop", K_URING_CMD, "/dev/ucmd", UCMD_CMD_NOP, 0, 1 },
	{ "ucmd-echo", K_URING_CMD, "/dev/ucmd", UCMD_CMD_ECHO, 0, 1 },
	{ "ucmd-echo-sqe128-cqe32", K_URING_CMD, "/dev/ucmd", UCMD_CMD_ECHO,
	  IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 1 },
	{ "ioctl-bare", K_IOCTL, "/dev/ucmd_bare", 0, 0, 1 },
	{ "ioctl-nop", K_IOCTL, "/dev/ucmd", UCMD_CMD_NOP, 0, 1 },
	{ "ioctl-echo", K_IOCTL, "/dev/ucmd", UCMD_CMD_ECHO, 0, 1 },
	{ "ucmd-delay0", K_URING_CMD, "/dev/ucmd", UCMD_CMD_DELAY, 0, 1 },
	{ "ucmd-nop+rules", K_URING_CMD, "/dev/ucmd", UCMD_CMD_NOP, 0, 1 },
	{ "ucmd-echo+rules64", K_URING_CMD, "/dev/ucmd", UCMD_CMD_ECHO, 0, 1 },
	{ "ucmd-bpf-timer0", K_URING_CMD, "/dev/ucmd", UCMD_TIMER_WAIT, 0, 1 },
	{ "ucmd-bpf-arith", K_URING_CMD, "/dev/ucmd", UCMD_ARITH_ADD, 0, 1 },
	{ "ucmd-bpf-empty", K_URING_CMD, "/dev/ucmd", UCMD_ARITH_ADD, 0, 1 },
	{ "ucmd-echo+policy-empty", K_URING_CMD, "/dev/ucmd", UCMD_CMD_ECHO, 0, 1 },
	{ "ucmd-nop+tp-filtered", K_URING_CMD, "/dev/ucmd", UCMD_CMD_NOP, 0, 1 },
	{ "ucmd-nop+trace", K_URING_CMD, "/dev/ucmd", UCMD_CMD_NOP, 0, 1 },
	{ "ucmd-nop+stats", K_URING_CMD, "/dev/ucmd", UCMD_CMD_NOP, 0, 1 },
	{ "ucmd-nop-4096ops", K_URING_CMD, "/dev/ucmd", UCMD_CMD_NOP, 0, 1 },
	{ "ucmd-nop-2rings", K_URING_CMD, "/dev/ucmd", UCMD_CMD_NOP, 0, 2 },
};

static const struct config *cfg;
static unsigned int batch;
static double seconds;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fill(unsigned char *p)
{
	memset(p, 0, UCMD_PAYLOAD_SQE64);
	if (cfg->cmd_op == UCMD_CMD_ECHO) {
		struct ucmd_echo e = { .res = 1, .res2 = 2 };

		memcpy(p, &e, sizeof(e));
	} else if (cfg->cmd_op == UCMD_ARITH_ADD) {
		struct ucmd_arith a = { .a = 40, .b = 2 };

		memcpy(p, &a, sizeof(a));
	}
}

/* One loop of BATCH requests; returns how many completed with res >= 0. */
static long run_uring(struct io_uring *ring, int fd, const unsigned char *p)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;
	long ok = 0;

	for (unsigned int i = 0; i < batch; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (cfg->kind == K_NOP) {
			io_uring_prep_nop(sqe);
		} else {
			io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
			sqe->cmd_op = cfg->cmd_op;
			memcpy(sqe->cmd, p, UCMD_PAYLOAD_SQE64);
		}
	}
	if (io_uring_submit_and_wait(ring, batch) < 0)
		return -1;
	while (n < batch) {
		io_uring_for_each_cqe(ring, head, cqe) {
			ok += cqe->res >= 0;
			n++;
		}
		io_uring_cq_advance(ring, n);
		if (n < batch && io_uring_wait_cqe(ring, &cqe))
			return -1;
	}
	return ok;
}

static void *worker(void *arg)
{
	unsigned char p[UCMD_PAYLOAD_SQE64];
	struct io_uring ring;
	double t0, end;
	long ops = 0, r;
	int fd = -1;

	fill(p);
	if (cfg->dev) {
		fd = open(cfg->dev, O_RDWR);
		if (fd < 0) {
			perror(cfg->dev);
			exit(1);
		}
	}
	if (cfg->kind != K_IOCTL && io_uring_queue_init(batch, &ring, cfg->ring_flags)) {
		fprintf(stderr, "io_uring_queue_init failed\n");
		exit(1);
	}
	for (int warm = 0; warm < 3; warm++)	/* fault in, fill caches */
		if (cfg->kind != K_IOCTL)
			run_uring(&ring, fd, p);
	t0 = now();
	end = t0 + seconds;
	do {
		if (cfg->kind == K_IOCTL) {
			for (unsigned int i = 0; i < batch; i++)
				ops += ioctl(fd, cfg->cmd_op, p) >= 0;
		} else {
			r = run_uring(&ring, fd, p);
			if (r < 0) {
				fprintf(stderr, "%s: submit failed\n", cfg->name);
				exit(1);
			}
			if (r != (long)batch) {
				fprintf(stderr, "%s: %ld of %u requests failed\n",
					cfg->name, batch - r, batch);
				exit(1);
			}
			ops += r;
		}
	} while (now() < end);
	*(double *)arg = ops / (now() - t0);
	if (cfg->kind != K_IOCTL)
		io_uring_queue_exit(&ring);
	if (fd >= 0)
		close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	double rate[2] = { 0 }, total = 0;
	pthread_t thr[2];

	if (argc != 4) {
		fprintf(stderr, "usage: ucmd-bench CONFIG BATCH SECONDS\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		if (!strcmp(argv[1], configs[i].name))
			cfg = &configs[i];
	if (!cfg) {
		fprintf(stderr, "unknown config %s\n", argv[1]);
		return 2;
	}
	batch = atoi(argv[2]);
	seconds = atof(argv[3]);
	if (!batch || batch > 4096 || seconds <= 0)
		return 2;
	for (int t = 0; t < cfg->threads; t++)
		pthread_create(&thr[t], NULL, worker, &rate[t]);
	for (int t = 0; t < cfg->threads; t++) {
		pthread_join(thr[t], NULL);
		total += rate[t];
	}
	printf("%s %u %.0f\n", cfg->name, batch, total);
	return 0;
}
