// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-cmd: NVMe passthrough commands through io_uring, for the guest
 * tests of the LSM policy (tests/guest/nvme-policy.sh).
 *
 *   nvme-cmd [-a] [-n COUNT] [-r RATE] [-s NSID] [-c CDW10] DEV { io | admin | io_vec | admin_vec } OPCODE
 *
 * Issues COUNT commands (default 1) one at a time on an SQE128/CQE32
 * ring, with IOSQE_ASYNC if -a, with -r RATE command i at i/RATE seconds
 * from the start (CLOCK_MONOTONIC, absolute: RATE per second on average), each with a 4 KiB data buffer (Read: 8
 * blocks at LBA 0; Identify: CNS from CDW10, default 1) and prints each
 * CQE's res on a line ("res 0", "res -1 EPERM"). Exit 0 when every CQE
 * came with its user_data, 1 otherwise.
 *
 *   nvme-cmd -f SECONDS DEV
 *
 * The time-of-check race: for SECONDS, Get Features (admin opcode 0x0a,
 * FID 2) submitted inline on a one-entry ring while another thread keeps
 * rewriting the SQE's opcode between 0x0a and Identify (0x06) in the SQ
 * ring. Prints "flip: N submitted, D denied, G get_features, I identify"
 * (an Identify that ran: its data buffer filled) and the other results.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/nvme_ioctl.h>
#include "helpers.h"

static const char *err_name(int res)
{
	switch (-res) {
	case EPERM: return " EPERM";
	case EACCES: return " EACCES";
	case EINVAL: return " EINVAL";
	case EOPNOTSUPP: return " EOPNOTSUPP";
	case EIO: return " EIO";
	}
	return "";
}

static int one(struct io_uring *ring, int fd, __u32 cmd_op, const struct nvme_uring_cmd *nc,
	       unsigned int iosqe, __u64 user_data, int *res)
{
	struct t_cqe c;
	int ret = t_cmd_sync(ring, fd, cmd_op, nc, sizeof(*nc), iosqe, user_data, &c);

	*res = c.res;
	return ret;
}

static _Atomic int flip_stop;
static volatile __u8 *flip_opcode;

static void *flipper(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&flip_stop, memory_order_relaxed)) {
		*flip_opcode = 0x06;
		*flip_opcode = 0x0a;
	}
	return NULL;
}

static int flip(int fd, int seconds)
{
	long n = 0, denied = 0, getf = 0, ident = 0, other = 0;
	struct io_uring ring;
	struct timespec t0, t;
	unsigned char *buf = aligned_alloc(4096, 4096);
	pthread_t th;

	if (!buf || io_uring_queue_init(1, &ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32)) {
		fprintf(stderr, "nvme-cmd: ring\n");
		return 1;
	}
	/* A one-entry ring: every SQE is slot 0, which the flipper rewrites. */
	flip_opcode = (volatile __u8 *)((struct nvme_uring_cmd *)ring.sq.sqes[0].cmd);
	pthread_create(&th, NULL, flipper, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		struct nvme_uring_cmd *nc;
		struct io_uring_cqe *cqe;

		if (!sqe)
			break;
		memset(buf, 0, 4096);
		sqe->opcode = IORING_OP_URING_CMD;
		sqe->fd = fd;
		sqe->flags = 0;
		sqe->cmd_op = NVME_URING_CMD_ADMIN;
		sqe->user_data = (__u64)n;
		nc = (struct nvme_uring_cmd *)sqe->cmd;
		/* every field but opcode, which the flipper owns */
		nc->nsid = 0;
		nc->addr = (unsigned long)buf;
		nc->data_len = 4096;
		nc->cdw10 = 0x02;	/* Get Features: FID 2; Identify: CNS 2, active NS list */
		nc->cdw11 = 0;
		if (io_uring_submit_and_wait(&ring, 1) != 1 || io_uring_peek_cqe(&ring, &cqe))
			break;
		n++;
		if (cqe->res == -EPERM)
			denied++;
		else if (cqe->res == 0 && buf[0] == 1)	/* the NS list: nsid 1 */
			ident++;
		else if (cqe->res >= 0)
			getf++;
		else
			other++;
		io_uring_cqe_seen(&ring, cqe);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < seconds);
	atomic_store(&flip_stop, 1);
	pthread_join(th, NULL);
	printf("flip: %ld submitted, %ld denied, %ld get_features, %ld identify, %ld other\n",
	       n, denied, getf, ident, other);
	io_uring_queue_exit(&ring);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const kinds[] = { "io", "io_vec", "admin", "admin_vec" };
	static const __u32 ops[] = { NVME_URING_CMD_IO, NVME_URING_CMD_IO_VEC,
				     NVME_URING_CMD_ADMIN, NVME_URING_CMD_ADMIN_VEC };
	unsigned int iosqe = 0, count = 1, nsid = 1, cdw10 = 1, k;
	struct nvme_uring_cmd nc;
	struct io_uring ring;
	unsigned char *buf;
	int opt, fd, bad = 0, seconds = 0;
	struct timespec t0, at;
	double rate = 0;

	while ((opt = getopt(argc, argv, "an:r:s:c:f:")) != -1) {
		switch (opt) {
		case 'a': iosqe = IOSQE_ASYNC; break;
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 'r': rate = strtod(optarg, NULL); break;
		case 's': nsid = strtoul(optarg, NULL, 0); break;
		case 'c': cdw10 = strtoul(optarg, NULL, 0); break;
		case 'f': seconds = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (seconds && optind + 1 == argc) {
		fd = open(argv[optind], O_RDWR);
		if (fd < 0) {
			perror(argv[optind]);
			return 1;
		}
		return flip(fd, seconds);
	}
	if (optind + 3 != argc)
		goto usage;
	for (k = 0; k < 4 && strcmp(argv[optind + 1], kinds[k]); k++)
		;
	if (k == 4)
		goto usage;
	fd = open(argv[optind], O_RDWR);
	if (fd < 0) {
		perror(argv[optind]);
		return 1;
	}
	buf = aligned_alloc(4096, 4096);
	if (!buf || io_uring_queue_init(4, &ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32)) {
		fprintf(stderr, "nvme-cmd: ring\n");
		return 1;
	}
	memset(&nc, 0, sizeof(nc));
	nc.opcode = strtoul(argv[optind + 2], NULL, 0);
	nc.nsid = nsid;
	nc.addr = (unsigned long)buf;
	nc.data_len = 4096;
	if (k < 2) {
		nc.cdw10 = 0;		/* SLBA */
		nc.cdw12 = 7;		/* 8 blocks of 512 */
	} else {
		nc.cdw10 = cdw10;
	}
	if (k == 1 || k == 3) {		/* one iovec of the buffer */
		static struct iovec iov;

		iov.iov_base = buf;
		iov.iov_len = 4096;
		nc.addr = (unsigned long)&iov;
		nc.data_len = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int i = 0; i < count; i++) {
		int res = 0, ret;

		if (rate > 0) {
			unsigned long long ns = t0.tv_nsec + (unsigned long long)(i / rate * 1e9);

			at.tv_sec = t0.tv_sec + ns / 1000000000;
			at.tv_nsec = ns % 1000000000;
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
		}
		ret = one(&ring, fd, ops[k], &nc, iosqe, 1000 + i, &res);

		if (ret) {
			fprintf(stderr, "nvme-cmd: command %u: %s\n", i, strerror(-ret));
			bad = 1;
			break;
		}
		printf("res %d%s\n", res, err_name(res));
	}
	io_uring_queue_exit(&ring);
	return bad;
usage:
	fprintf(stderr, "usage: nvme-cmd [-a] [-n COUNT] [-r RATE] [-s NSID] [-c CDW10] DEV {io|io_vec|admin|admin_vec} OPCODE\n"
			"       nvme-cmd -f SECONDS DEV\n");
	return 2;
}
