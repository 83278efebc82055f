// SPDX-License-Identifier: GPL-2.0
/*
 * myop's client: one MYOP_CMD on a CQE32 ring (res2 needs it), its
 * result printed as "res RES res2 0xRES2"; exits 0 when res is 0.
 *
 *   ./myop-client A B
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <liburing.h>
#include <ucmd/ucmd_uring.h>
#include "myop.h"

int main(int argc, char **argv)
{
	struct myop_args args;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	int fd, ret, res;

	if (argc != 3) {
		fprintf(stderr, "usage: %s A B\n", argv[0]);
		return 2;
	}
	args.a = strtoull(argv[1], NULL, 0);
	args.b = strtoull(argv[2], NULL, 0);
	fd = open("/dev/" UCMD_DEV_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("/dev/" UCMD_DEV_NAME);
		return 1;
	}
	ret = io_uring_queue_init(8, &ring, IORING_SETUP_CQE32);
	if (ret) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	ucmd_prep_cmd(&ring, io_uring_get_sqe(&ring), fd, MYOP_CMD, &args, sizeof(args));
	ret = io_uring_submit_and_wait(&ring, 1);
	if (ret >= 0)
		ret = io_uring_wait_cqe(&ring, &cqe);
	if (ret < 0) {
		fprintf(stderr, "io_uring: %s\n", strerror(-ret));
		return 1;
	}
	res = cqe->res;
	printf("res %d res2 0x%llx\n", res, (unsigned long long)ucmd_cqe_res2(&ring, cqe));
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	if (res == -EOPNOTSUPP)
		fprintf(stderr, "no handler serves MYOP_CMD: ucmdctl handler load ./myop.bpf.o\n");
	return res ? 1 : 0;
}
