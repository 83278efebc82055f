// SPDX-License-Identifier: GPL-2.0
/*
 * Description: no kernel-internal code and no value below -4095 reaches
 * a CQE or an ioctl() result, from a C or a BPF handler. A table of raw
 * results goes through ucmd_test's RAW (synchronous, with and without a
 * res2, on CQE16 and CQE32 rings), TIMER (deferred, completed from hard
 * irq), the BPF handler raw_res (synchronous, and deferred with
 * bpf_ucmd_req_complete()) and ioctl(2) on RAW and raw_res: the restart
 * codes (-ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND,
 * -ERESTART_RESTARTBLOCK) complete as -EINTR, every other code below -511
 * (-EPROBE_DEFER, -ENOIOCTLCMD, -ENOTSUPP, -EIOCBQUEUED, -4096, -5000,
 * INT_MIN) as -EIO; -511, -1 and positive values pass through. ECHO and
 * DELAY refuse such results with -EINVAL ("delay 0 -512" never posts
 * -512).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "helpers.h"
#include "ucmd_test.h"

/* A raw result and what userspace must see of it. */
static const struct {
	int raw, want;
} table[] = {
	{ -512, -EINTR }, { -513, -EINTR }, { -514, -EINTR }, { -516, -EINTR },
	{ -515, -EIO }, { -517, -EIO }, { -518, -EIO }, { -524, -EIO },
	{ -529, -EIO }, { -531, -EIO }, { -4095, -EIO }, { -4096, -EIO },
	{ -5000, -EIO }, { INT_MIN, -EIO }, { INT_MIN + 1, -EIO },
	{ -511, -511 }, { -1, -1 }, { 0, 0 }, { 123456, 123456 },
	{ INT_MAX, INT_MAX },
};

static int one(struct io_uring *ring, int fd, unsigned int op, const void *p,
	       size_t len, int want, const char *what, int raw)
{
	struct t_cqe cqe;

	t_prep_cmd(ring, fd, op, p, len, 1);
	T_CHECK(t_run_one(ring, &cqe) == 0, "%s %d", what, raw);
	T_CHECK(cqe.res == want, "%s %d: res %d want %d", what, raw, cqe.res, want);
	return 0;
}

/* ioctl(2) as userspace sees it: -1 and errno, or the value returned. */
static int ioc(int fd, unsigned int op, void *p, int want, const char *what,
	       int raw)
{
	int r;

	errno = 0;
	r = ioctl(fd, op, p);
	if (want < 0) {
		T_CHECK(r == -1 && errno == -want, "%s %d: ioctl returned %d errno %d want -1 errno %d",
			what, raw, r, errno, -want);
	} else {
		T_CHECK(r == want, "%s %d: ioctl returned %d errno %d", what, raw, r, errno);
	}
	return 0;
}

int main(void)
{
	unsigned int shapes[] = { 0, IORING_SETUP_CQE32 };
	struct io_uring ring;
	int fd, ret, bad = 0;

	t_unload_module("ucmd_test", 0);
	ret = t_load_module("/ucmd_test.ko");
	T_CHECK(ret == 0, "load ucmd_test.ko: %s", strerror(-ret));
	T_CHECK(system("ucmdctl handler load /tests-bpf/raw_res.bpf.o >/dev/null") == 0,
		"load raw_res.bpf.o");
	fd = t_open_dev();
	for (int s = 0; s < 2; s++) {
		t_ring_init(&ring, 4, shapes[s]);
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
			int raw = table[i].raw, want = table[i].want;
			int esc = raw > -512 ? raw : -EINVAL;	/* ECHO, DELAY */
			struct ucmd_echo e = { .res = raw };
			struct ucmd_delay d = { .res = raw };

			for (int r2 = 0; r2 < 2; r2++) {
				e.res2 = r2 * 7;
				bad |= one(&ring, fd, UCMD_TEST_CMD_RAW, &e, sizeof(e),
					   want, "RAW", raw);
			}
			e.res2 = 0;
			bad |= one(&ring, fd, UCMD_TEST_CMD_BPF_RAW, &e, sizeof(e),
				   want, "BPF raw_res", raw);
			e.res2 = 1;
			bad |= one(&ring, fd, UCMD_TEST_CMD_BPF_RAW, &e, sizeof(e),
				   want, "BPF raw_res deferred", raw);
			/* TIMER's and DELAY's res is an __s32 too */
			bad |= one(&ring, fd, UCMD_TEST_CMD_TIMER, &d, sizeof(d),
				   want, "TIMER", raw);
			e.res2 = 0;
			bad |= one(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), esc,
				   "ECHO", raw);
			bad |= one(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), esc,
				   "DELAY", raw);
			if (s)
				continue;
			bad |= ioc(fd, UCMD_TEST_CMD_RAW, &e, want, "ioctl RAW", raw);
			bad |= ioc(fd, UCMD_TEST_CMD_BPF_RAW, &e, want,
				   "ioctl BPF raw_res", raw);
			bad |= ioc(fd, UCMD_CMD_ECHO, &e, esc, "ioctl ECHO", raw);
		}
		io_uring_queue_exit(&ring);
	}
	close(fd);
	T_CHECK(system("ucmdctl handler unload raw_res >/dev/null") == 0, "unload raw_res");
	ret = t_unload_module_wait("ucmd_test", 2000);
	T_CHECK(ret == 0, "unload ucmd_test: %s", strerror(-ret));
	return bad ? T_EXIT_FAIL : T_EXIT_PASS;
}
