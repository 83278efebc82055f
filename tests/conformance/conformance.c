// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd-conformance: the completion semantics io_uring asks of any
 * ->uring_cmd driver, checked against a device through its public ABI
 * only. One line per check, "conformance DEVICE CHECK: PASS|FAIL|SKIP
 * (detail)", then "N passed, N failed, N skipped".
 *
 *   ucmd-conformance DEV      DEV: /dev/ucmd, an NVMe generic char device
 *                             (/dev/ngXnY) or an NVMe controller (/dev/nvmeX)
 *
 * The checks (each on a fresh ring; the profile below gives each device a
 * command that succeeds, one that fails, and where it has them a command
 * with a known res2 and one that stays in flight):
 *   one-cqe      64 good commands in one submission: 64 CQEs, each
 *                user_data (all 64 bits) once, each res a success, and no
 *                65th CQE within 200 ms
 *   errors       64 failing commands: 64 CQEs, user_data intact, the
 *                driver's errno, no extra CQE
 *   async        one-cqe with IOSQE_ASYNC (issued from io-wq)
 *   links        good -> good -> good linked: 3 CQEs in order, all good;
 *                failing -> good -> good: the error, then -ECANCELED twice
 *   cqe32-res2   on a CQE32 ring, res2 (big_cqe[0]) is what the driver
 *                returns through its other interface (NVMe: the ioctl's
 *                result for Get Features, Number of Queues; ucmd: ECHO's)
 *   ring-close   16 commands in flight, then the ring closed: the close and
 *                the exit of its process return within 5 s and the device
 *                serves the next command (ucmd: DELAY of 10 s, which the
 *                close cancels; NVMe: reads, which complete)
 *
 * Mirrors what io_uring/uring_cmd.c (6.12, 7.x) expects of a driver:
 * -EIOCBQUEUED and exactly one io_uring_cmd_done() per command, or a
 * result returned inline; cancelation through io_uring_cmd_mark_cancelable().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/nvme_ioctl.h>
#include "helpers.h"

#define NR		64
#define UD_BASE		0xc0ffee0000000000ULL	/* high bits: truncation shows */
#define IN_FLIGHT	16

struct profile {
	const char *kind;
	unsigned int ring_flags;	/* what the device needs (NVMe: SQE128, CQE32) */
	/* fill a command area (t_cmd_area() bytes, zeroed) */
	unsigned int (*good)(void *cmd);
	unsigned int (*bad)(void *cmd, int *err);
	/* a command whose res2 is known: cmd_op, or 0 (none); @want set */
	unsigned int (*res2)(int fd, void *cmd, unsigned long long *want);
	/* a command that stays in flight (or 0: only ones that complete) */
	unsigned int (*slow)(void *cmd);
};

static int fd;
static const struct profile *prof;
static const char *dev;
static int passed, failed, skipped;
static unsigned char *buf;	/* 4 KiB, page aligned: NVMe data */

static void report(const char *check, int rc, const char *detail)
{
	const char *s = rc == T_EXIT_PASS ? "PASS" : rc == T_EXIT_SKIP ? "SKIP" : "FAIL";

	printf("conformance %s %s: %s%s%s%s\n", dev, check, s, detail && *detail ? " (" : "",
	       detail ? detail : "", detail && *detail ? ")" : "");
	fflush(stdout);
	if (rc == T_EXIT_PASS)
		passed++;
	else if (rc == T_EXIT_SKIP)
		skipped++;
	else
		failed++;
}

/* /dev/ucmd: ECHO succeeds with its payload's res and res2. */
static unsigned int ucmd_good(void *cmd)
{
	struct ucmd_echo e = { .res = 0, .res2 = 7 };

	memcpy(cmd, &e, sizeof(e));
	return UCMD_CMD_ECHO;
}

static unsigned int ucmd_bad(void *cmd, int *err)
{
	struct ucmd_echo e = { .res = -EIO };

	memcpy(cmd, &e, sizeof(e));
	*err = -EIO;
	return UCMD_CMD_ECHO;
}

static unsigned int ucmd_res2(int fd, void *cmd, unsigned long long *want)
{
	struct ucmd_echo e = { .res = 0, .res2 = 0x0123456789abcdefULL };

	memcpy(cmd, &e, sizeof(e));
	*want = e.res2;
	return UCMD_CMD_ECHO;
}

static unsigned int ucmd_slow(void *cmd)
{
	struct ucmd_delay d = { .delay_us = UCMD_DELAY_MAX_US };

	memcpy(cmd, &d, sizeof(d));
	return UCMD_CMD_DELAY;
}

/* An NVMe namespace: Read of 8 blocks at LBA 0 of namespace 1 into buf. */
static unsigned int ng_good(void *cmd)
{
	struct nvme_uring_cmd *c = cmd;

	c->opcode = 0x02;
	c->nsid = 1;
	c->addr = (unsigned long)buf;
	c->data_len = 4096;
	c->cdw12 = 7;
	return NVME_URING_CMD_IO;
}

/* Any NVMe device: @good's command with its data at an unmapped address. */
static unsigned int nvme_fault(unsigned int (*good)(void *), void *cmd, int *err)
{
	unsigned int op = good(cmd);
	struct nvme_uring_cmd *c = cmd;

	c->addr = 4096;
	*err = -EFAULT;
	return op;
}

static unsigned int ng_bad(void *cmd, int *err)
{
	return nvme_fault(ng_good, cmd, err);
}

/* The controller: Identify Controller (CNS 1) into buf. */
static unsigned int ctrl_good(void *cmd)
{
	struct nvme_uring_cmd *c = cmd;

	c->opcode = 0x06;
	c->addr = (unsigned long)buf;
	c->data_len = 4096;
	c->cdw10 = 1;
	return NVME_URING_CMD_ADMIN;
}

static unsigned int ctrl_bad(void *cmd, int *err)
{
	return nvme_fault(ctrl_good, cmd, err);
}

/* Get Features, Number of Queues (FID 7): its result through the ioctl. */
static unsigned int ctrl_res2(int fd, void *cmd, unsigned long long *want)
{
	struct nvme_admin_cmd a = { .opcode = 0x0a, .cdw10 = 7 };
	struct nvme_uring_cmd *c = cmd;

	if (ioctl(fd, NVME_IOCTL_ADMIN_CMD, &a))
		return 0;
	*want = a.result;
	c->opcode = 0x0a;
	c->cdw10 = 7;
	return NVME_URING_CMD_ADMIN;
}

static const struct profile profiles[] = {
	{ "ucmd", 0, ucmd_good, ucmd_bad, ucmd_res2, ucmd_slow },
	{ "nvme-ns", IORING_SETUP_SQE128 | IORING_SETUP_CQE32, ng_good, ng_bad, NULL, NULL },
	{ "nvme-ctrl", IORING_SETUP_SQE128 | IORING_SETUP_CQE32, ctrl_good, ctrl_bad, ctrl_res2, NULL },
};

static struct io_uring_sqe *prep(struct io_uring *ring, unsigned int (*fill)(void *),
				 unsigned long long ud, unsigned int sqe_flags)
{
	unsigned char cmd[80] = { 0 };
	struct io_uring_sqe *sqe;
	unsigned int op = fill(cmd);

	sqe = t_prep_cmd(ring, fd, op, cmd, t_cmd_area(ring), ud);
	sqe->flags |= sqe_flags;
	return sqe;
}

/* Collect @nr CQEs of user_data UD_BASE + 0..nr-1; each once, res checked. */
static int collect(struct io_uring *ring, int nr, int want_err, char *why, size_t len)
{
	struct t_cqe cqes[NR];
	char seen[NR] = { 0 };
	int got;

	if (io_uring_submit(ring) != nr) {
		snprintf(why, len, "submit");
		return T_EXIT_FAIL;
	}
	got = t_collect(ring, cqes, nr, 10000);
	if (got != nr) {
		snprintf(why, len, "%d CQEs of %d in 10 s", got, nr);
		return T_EXIT_FAIL;
	}
	for (int i = 0; i < nr; i++) {
		unsigned long long u = cqes[i].user_data - UD_BASE;

		if (cqes[i].user_data < UD_BASE || u >= (unsigned long long)nr || seen[u]++) {
			snprintf(why, len, "user_data 0x%llx: not one of ours or twice",
				 cqes[i].user_data);
			return T_EXIT_FAIL;
		}
		if (want_err ? cqes[i].res != want_err : cqes[i].res < 0) {
			snprintf(why, len, "user_data %llu: res %d, want %s%d", u, cqes[i].res,
				 want_err ? "" : ">= ", want_err);
			return T_EXIT_FAIL;
		}
	}
	if (t_expect_no_cqe(ring, 200)) {
		snprintf(why, len, "a CQE more than SQEs");
		return T_EXIT_FAIL;
	}
	snprintf(why, len, "%d SQEs, %d CQEs", nr, nr);
	return T_EXIT_PASS;
}

static unsigned int (*bad_fill_err)(void *, int *);
static int bad_err;

static unsigned int bad_fill(void *cmd)
{
	return bad_fill_err(cmd, &bad_err);
}

static int check_batch(unsigned int sqe_flags, bool bad, char *why, size_t len)
{
	struct io_uring ring;
	int rc;

	t_ring_init(&ring, NR, prof->ring_flags | IORING_SETUP_CQE32);
	bad_fill_err = prof->bad;
	for (int i = 0; i < NR; i++)
		prep(&ring, bad ? bad_fill : prof->good, UD_BASE + i, sqe_flags);
	rc = collect(&ring, NR, bad ? bad_err : 0, why, len);
	io_uring_queue_exit(&ring);
	return rc;
}

static int check_links(char *why, size_t len)
{
	struct io_uring ring;
	struct t_cqe c[3];
	int rc = T_EXIT_FAIL;

	t_ring_init(&ring, 8, prof->ring_flags);
	bad_fill_err = prof->bad;
	for (int chain = 0; chain < 2; chain++) {
		prep(&ring, chain ? bad_fill : prof->good, UD_BASE, IOSQE_IO_LINK);
		prep(&ring, prof->good, UD_BASE + 1, IOSQE_IO_LINK);
		prep(&ring, prof->good, UD_BASE + 2, 0);
		if (io_uring_submit(&ring) != 3 || t_collect(&ring, c, 3, 10000) != 3) {
			snprintf(why, len, "chain %d: lost CQEs", chain);
			goto out;
		}
		for (int i = 0; i < 3; i++) {
			int want = !chain ? 0 : i ? -ECANCELED : bad_err;

			if (c[i].user_data != UD_BASE + i || (want ? c[i].res != want : c[i].res < 0)) {
				snprintf(why, len, "chain %d CQE %d: user_data 0x%llx res %d, want 0x%llx %d",
					 chain, i, c[i].user_data, c[i].res, UD_BASE + i, want);
				goto out;
			}
		}
		if (t_expect_no_cqe(&ring, 100)) {
			snprintf(why, len, "chain %d: extra CQE", chain);
			goto out;
		}
	}
	snprintf(why, len, "good chain 3 CQEs in order; broken chain %d, -ECANCELED x2", bad_err);
	rc = T_EXIT_PASS;
out:
	io_uring_queue_exit(&ring);
	return rc;
}

static int check_res2(char *why, size_t len)
{
	unsigned char cmd[80] = { 0 };
	unsigned long long want = 0;
	struct io_uring ring;
	struct t_cqe c;
	unsigned int op;
	int rc = T_EXIT_FAIL;

	if (!prof->res2) {
		snprintf(why, len, "%s sets no res2 this check knows", prof->kind);
		return T_EXIT_SKIP;
	}
	op = prof->res2(fd, cmd, &want);
	if (!op) {
		snprintf(why, len, "the reference ioctl failed: %s", strerror(errno));
		return T_EXIT_FAIL;
	}
	t_ring_init(&ring, 4, prof->ring_flags | IORING_SETUP_CQE32);
	t_prep_cmd(&ring, fd, op, cmd, t_cmd_area(&ring), UD_BASE);
	if (t_run_one(&ring, &c)) {
		snprintf(why, len, "no single CQE");
	} else if (c.res < 0 || c.res2 != want) {
		snprintf(why, len, "res %d res2 0x%llx, want 0x%llx", c.res, c.res2, want);
	} else {
		snprintf(why, len, "res2 0x%llx", c.res2);
		rc = T_EXIT_PASS;
	}
	io_uring_queue_exit(&ring);
	return rc;
}

/* In a child: IN_FLIGHT commands submitted, then the ring closed, exit. */
static int close_in_flight(void *arg)
{
	struct io_uring ring;

	t_ring_init(&ring, IN_FLIGHT, prof->ring_flags);
	for (int i = 0; i < IN_FLIGHT; i++)
		prep(&ring, prof->slow ? prof->slow : prof->good, UD_BASE + i, 0);
	if (io_uring_submit(&ring) != IN_FLIGHT)
		return T_EXIT_FAIL;
	io_uring_queue_exit(&ring);
	return T_EXIT_PASS;
}

static int check_ring_close(char *why, size_t len)
{
	unsigned long long t0 = t_now_ns();
	struct io_uring ring;
	struct t_cqe c;
	int rc;

	rc = t_bounded(close_in_flight, NULL, 5000, "ring close with commands in flight");
	if (rc != T_EXIT_PASS) {
		snprintf(why, len, "the submitter %s", rc < 0 ? "did not exit in 5 s" : "failed");
		return T_EXIT_FAIL;
	}
	t0 = t_now_ns() - t0;
	t_ring_init(&ring, 4, prof->ring_flags);
	prep(&ring, prof->good, UD_BASE, 0);
	rc = t_run_one(&ring, &c) || c.res < 0 ? T_EXIT_FAIL : T_EXIT_PASS;
	io_uring_queue_exit(&ring);
	snprintf(why, len, "%d %s in flight, exit after %.0f ms; next command res %d", IN_FLIGHT,
		 prof->slow ? "10 s commands" : "commands", t0 / 1e6, c.res);
	return rc;
}

static const struct profile *profile_of(const char *path)
{
	char link[64], target[256];
	struct stat st;
	const char *name;
	ssize_t n;

	if (stat(path, &st) || !S_ISCHR(st.st_mode))
		return NULL;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return NULL;
	target[n] = '\0';
	name = strrchr(target, '/') + 1;
	if (!strcmp(name, "ucmd"))
		return &profiles[0];
	if (!strncmp(name, "ng", 2))
		return &profiles[1];
	if (!strncmp(name, "nvme", 4))
		return &profiles[2];
	return NULL;
}

int main(int argc, char **argv)
{
	char why[160];

	if (argc != 2) {
		fprintf(stderr, "usage: ucmd-conformance DEV\n");
		return 2;
	}
	dev = argv[1];
	prof = profile_of(dev);
	if (!prof) {
		fprintf(stderr, "ucmd-conformance: %s: not /dev/ucmd, an NVMe namespace's or an NVMe controller's char device\n",
			dev);
		return 2;
	}
	fd = open(dev, O_RDWR);
	buf = aligned_alloc(4096, 4096);
	if (fd < 0 || !buf) {
		perror(dev);
		return 1;
	}
	report("one-cqe", check_batch(0, false, why, sizeof(why)), why);
	report("errors", check_batch(0, true, why, sizeof(why)), why);
	report("async", check_batch(IOSQE_ASYNC, false, why, sizeof(why)), why);
	report("links", check_links(why, sizeof(why)), why);
	report("cqe32-res2", check_res2(why, sizeof(why)), why);
	report("ring-close", check_ring_close(why, sizeof(why)), why);
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
