// SPDX-License-Identifier: GPL-2.0
/*
 * ublk-ctrl: ublk control commands through io_uring on /dev/ublk-control,
 * for the guest tests of the LSM policy and of trace --all on ublk
 * (tests/guest/ublk-policy.sh). No ublk server: only commands that need
 * none.
 *
 *   ublk-ctrl get_features       UBLK_U_CMD_GET_FEATURES; prints the flags
 *   ublk-ctrl add_dev            UBLK_U_CMD_ADD_DEV, 1 queue of depth 1,
 *                                dev_id chosen by the driver; prints it
 *   ublk-ctrl get_dev_info ID    UBLK_U_CMD_GET_DEV_INFO of device ID
 *   ublk-ctrl del_dev ID         UBLK_U_CMD_DEL_DEV of device ID
 *
 * On an SQE128 ring (ublk's control commands need one). Prints "res N"
 * (with the errno's name) and what the command returned; exit 0 when the
 * CQE came back with its user_data, 1 otherwise.
 */
#define _GNU_SOURCE	/* strerrorname_np() */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ublk_cmd.h>
#include "helpers.h"

int main(int argc, char **argv)
{
	struct ublksrv_ctrl_dev_info info = { 0 };
	struct ublksrv_ctrl_cmd c = { .dev_id = -1, .queue_id = -1 };
	struct io_uring ring;
	unsigned long long features = 0;
	unsigned int op;
	struct t_cqe cqe;
	int fd, ret;

	if (argc == 2 && !strcmp(argv[1], "get_features")) {
		op = UBLK_U_CMD_GET_FEATURES;
		c.addr = (unsigned long)&features;
		c.len = sizeof(features);
	} else if (argc == 2 && !strcmp(argv[1], "add_dev")) {
		op = UBLK_U_CMD_ADD_DEV;
		info.nr_hw_queues = 1;
		info.queue_depth = 1;
		info.max_io_buf_bytes = 4096;
		info.dev_id = -1;
		c.addr = (unsigned long)&info;
		c.len = sizeof(info);
	} else if (argc == 3 && (!strcmp(argv[1], "get_dev_info") || !strcmp(argv[1], "del_dev"))) {
		op = argv[1][0] == 'g' ? UBLK_U_CMD_GET_DEV_INFO : UBLK_U_CMD_DEL_DEV;
		c.dev_id = strtoul(argv[2], NULL, 0);
		c.addr = (unsigned long)&info;
		c.len = sizeof(info);
	} else {
		fprintf(stderr, "usage: ublk-ctrl { get_features | add_dev | get_dev_info ID | del_dev ID }\n");
		return 2;
	}
	fd = open("/dev/ublk-control", O_RDWR);
	if (fd < 0) {
		perror("/dev/ublk-control");
		return 1;
	}
	t_ring_init(&ring, 4, IORING_SETUP_SQE128);
	ret = t_cmd_sync(&ring, fd, op, &c, sizeof(c), 0, 1, &cqe);
	if (ret) {
		fprintf(stderr, "ublk-ctrl: %s\n", strerror(-ret));
		return 1;
	}
	printf("res %d%s%s\n", cqe.res, cqe.res < 0 ? " " : "",
	       cqe.res < 0 ? strerrorname_np(-cqe.res) : "");
	if (cqe.res >= 0 && op == UBLK_U_CMD_GET_FEATURES)
		printf("features 0x%llx\n", features);
	else if (cqe.res >= 0 && op != UBLK_U_CMD_DEL_DEV)
		printf("dev_id %u queues %u depth %u\n", info.dev_id, info.nr_hw_queues,
		       info.queue_depth);
	io_uring_queue_exit(&ring);
	return 0;
}
