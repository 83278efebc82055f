// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the guest's NVMe device (QEMU's emulated controller, serial
 * ucmd0001, 16 MiB) takes passthrough commands through io_uring: on
 * /dev/ng0n1 an NVMe Write of 8 blocks then a Read of them
 * (NVME_URING_CMD_IO) return res 0 and the same bytes, on /dev/nvme0 an
 * Identify Controller (NVME_URING_CMD_ADMIN) returns the serial; each SQE
 * one CQE with its user_data. Skipped, saying so, where the guest has no
 * nvme driver (the debug kernel; the check-kernels kernels, whose
 * modules tools/kernel.sh does not keep yet). The ground the device
 * policies and tracing of issue 27 stand on.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/nvme_ioctl.h>
#include "helpers.h"

#define NG	"/dev/ng0n1"
#define CTRL	"/dev/nvme0"
#define LBA	512
#define NLB	8

/* One passthrough command; its CQE's res, or a negative errno of the ring. */
static int passthru(struct io_uring *ring, int fd, __u32 cmd_op,
		    const struct nvme_uring_cmd *nc, __u64 user_data)
{
	struct t_cqe c;
	int ret = t_cmd_sync(ring, fd, cmd_op, nc, sizeof(*nc), 0, user_data, &c);

	return ret ? ret : c.res;
}

int main(void)
{
	struct nvme_uring_cmd nc;
	struct io_uring ring;
	unsigned char *wbuf, *rbuf, *id;
	int ng = -1, ctrl, ret;

	for (int i = 0; i < 100 && ng < 0; i++) {
		ng = open(NG, O_RDWR);
		if (ng < 0)
			usleep(100000);
	}
	if (ng < 0) {
		printf("SKIP: no %s: %s\n", NG, access("/lib/drivers/order", F_OK) ?
		       "the guest has no nvme modules for this kernel (only the host's kernel's are copied; the debug kernel has no nvme driver)" :
		       "the nvme driver loaded but found no controller");
		return T_EXIT_SKIP;
	}
	ctrl = open(CTRL, O_RDWR);
	T_CHECK(ctrl >= 0, "open %s", CTRL);
	T_CHECK(io_uring_queue_init(8, &ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32) == 0,
		"ring");
	wbuf = aligned_alloc(4096, NLB * LBA);
	rbuf = aligned_alloc(4096, NLB * LBA);
	id = aligned_alloc(4096, 4096);
	T_CHECK(wbuf && rbuf && id, "alloc");
	for (int i = 0; i < NLB * LBA; i++)
		wbuf[i] = (unsigned char)(i * 7 + 1);
	memset(rbuf, 0, NLB * LBA);

	memset(&nc, 0, sizeof(nc));
	nc.opcode = 0x01;		/* nvme_cmd_write */
	nc.nsid = 1;
	nc.addr = (unsigned long)wbuf;
	nc.data_len = NLB * LBA;
	nc.cdw10 = 8;			/* SLBA */
	nc.cdw12 = NLB - 1;		/* NLB, 0-based */
	ret = passthru(&ring, ng, NVME_URING_CMD_IO, &nc, 1);
	T_CHECK(ret == 0, "write: res %d", ret);

	nc.opcode = 0x02;		/* nvme_cmd_read */
	nc.addr = (unsigned long)rbuf;
	ret = passthru(&ring, ng, NVME_URING_CMD_IO, &nc, 2);
	T_CHECK(ret == 0, "read: res %d", ret);
	T_CHECK(!memcmp(wbuf, rbuf, NLB * LBA), "read back other bytes than written");

	memset(&nc, 0, sizeof(nc));
	nc.opcode = 0x06;		/* nvme_admin_identify */
	nc.addr = (unsigned long)id;
	nc.data_len = 4096;
	nc.cdw10 = 1;			/* CNS 1: the controller */
	ret = passthru(&ring, ctrl, NVME_URING_CMD_ADMIN, &nc, 3);
	T_CHECK(ret == 0, "identify: res %d", ret);
	T_CHECK(!memcmp(id + 4, "ucmd0001", 8), "identify: serial '%.20s'", (char *)id + 4);

	io_uring_queue_exit(&ring);
	close(ng);
	close(ctrl);
	return T_EXIT_PASS;
}
