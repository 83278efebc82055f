// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal /dev/ucmd client (docs/client.md): the module's features,
 * then ECHO with a result and a res2, and an ECHO the device refuses.
 *
 *   gcc -o ucmd-echo-client ucmd-echo-client.c -luring
 *   ./ucmd-echo-client [RES [RES2]]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>
#include <ucmd/ucmd_uring.h>

/* Submit one prepared SQE and wait for its CQE; 0 or a negative errno. */
static int run_one(struct io_uring *ring, int *res, __u64 *res2)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_submit_and_wait(ring, 1);

	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret)
		return ret;
	*res = cqe->res;
	*res2 = ucmd_cqe_res2(ring, cqe);
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

int main(int argc, char **argv)
{
	struct ucmd_echo echo = {
		.res = argc > 1 ? atoi(argv[1]) : 7,
		.res2 = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x1234,
	};
	struct io_uring ring;
	__u64 res2;
	int fd, ret, res;

	fd = open("/dev/" UCMD_DEV_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("/dev/" UCMD_DEV_NAME);
		return 1;
	}
	/* CQE32: without it res2 is not delivered */
	ret = io_uring_queue_init(8, &ring, IORING_SETUP_CQE32);
	if (ret) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}

	ucmd_prep_cmd(&ring, io_uring_get_sqe(&ring), fd, UCMD_CMD_GET_FEATURES,
		      NULL, 0);
	if (run_one(&ring, &res, &res2) || res) {
		fprintf(stderr, "GET_FEATURES: %s\n", strerror(-res));
		return 1;
	}
	printf("features 0x%llx\n", (unsigned long long)res2);

	ucmd_prep_cmd(&ring, io_uring_get_sqe(&ring), fd, UCMD_CMD_ECHO,
		      &echo, sizeof(echo));
	if (run_one(&ring, &res, &res2))
		return 1;
	printf("echo res %d res2 0x%llx\n", res, (unsigned long long)res2);

	/* a nonzero pad field: the device answers -EINVAL in the CQE */
	echo.pad = 1;
	ucmd_prep_cmd(&ring, io_uring_get_sqe(&ring), fd, UCMD_CMD_ECHO,
		      &echo, sizeof(echo));
	if (run_one(&ring, &res, &res2))
		return 1;
	printf("echo with pad 1: res %d (%s)\n", res, strerror(-res));

	io_uring_queue_exit(&ring);
	close(fd);
	return 0;
}
