// SPDX-License-Identifier: GPL-2.0
/*
 * Description: which error wins when two apply, as ucmd(4) orders them:
 * a payload too large for the command area (EINVAL) before the lookup (an
 * unserved cmd_op); a cmd_op whose size or direction bits differ from
 * the handler's (EINVAL) before any policy, which never sees it; a policy's denial
 * (EACCES) before the handler's own check (ECHO's nonzero pad, EINVAL);
 * SLEEP's range check answered by the inline issue, with no io-wq trip
 * (one validation, where the io-wq re-issue would make two).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "helpers.h"

static int run(struct io_uring *ring, int fd, unsigned int cmd_op,
	       const void *p, size_t len)
{
	struct t_cqe cqe;

	t_prep_cmd(ring, fd, cmd_op, p, len, 1);
	T_CHECK(t_run_one(ring, &cqe) == 0, "cmd_op 0x%x: no CQE", cmd_op);
	return cqe.res;
}

static unsigned long long hits(const char *op)
{
	char cmd[160];
	unsigned long long n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "ucmdctl -j rule list | tr '{' '\\n' | grep '\"op\":\"%s\"' | "
		 "sed -n 's/.*\"hits\":\\([0-9]*\\).*/\\1/p'", op);
	f = popen(cmd, "r");
	T_CHECK(f && fscanf(f, "%llu", &n) == 1, "hits of %s", op);
	pclose(f);
	return n;
}

int main(void)
{
	/* unserved number, 80-byte payload: too big for a 64-byte SQE */
	const unsigned int unserved_big = _IOWR(UCMD_IOC_TYPE, 0x7e, char[80]);
	const unsigned int echo_wide = _IOWR(UCMD_IOC_TYPE, _IOC_NR(UCMD_CMD_ECHO),
					     char[8]);
	struct ucmd_echo e = { .res = 1, .pad = 1 };
	struct ucmd_sleep sl = { .sleep_us = UCMD_SLEEP_MAX_US + 1 };
	struct io_uring ring;
	int fd = t_open_dev(), res;
	unsigned long long h0;

	t_ring_init(&ring, 8, 0);
	res = run(&ring, fd, unserved_big, NULL, 0);
	T_CHECK(res == -EINVAL, "unserved cmd_op with an 80-byte payload: %d", res);
	res = run(&ring, fd, _IOWR(UCMD_IOC_TYPE, 0x7e, char[8]), NULL, 0);
	T_CHECK(res == -EOPNOTSUPP, "unserved cmd_op that fits: %d", res);

	T_CHECK(system("ucmdctl policy load rules > /dev/null && "
		       "ucmdctl rule add echo deny EACCES && "
		       "ucmdctl rule add sleep allow") == 0, "load rules");
	res = run(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e));
	T_CHECK(res == -EACCES, "denied ECHO with a nonzero pad: %d", res);
	h0 = hits("echo");
	res = run(&ring, fd, echo_wide, NULL, 0);
	T_CHECK(res == -EINVAL, "ECHO's number with an 8-byte size: %d", res);
	T_CHECK(hits("echo") == h0, "the policy saw a mismatched cmd_op");
	/* the direction bits are part of the cmd_op: _IOR is not ECHO's _IOWR */
	res = run(&ring, fd, _IOR(UCMD_IOC_TYPE, _IOC_NR(UCMD_CMD_ECHO), struct ucmd_echo),
		  &e, sizeof(e));
	T_CHECK(res == -EINVAL, "ECHO's number and size with _IOR: %d", res);
	T_CHECK(hits("echo") == h0, "the policy saw a cmd_op with the wrong direction");

	h0 = hits("sleep");
	res = run(&ring, fd, UCMD_CMD_SLEEP, &sl, sizeof(sl));
	T_CHECK(res == -EINVAL, "SLEEP too long: %d", res);
	T_CHECK(hits("sleep") == h0 + 1, "SLEEP validated %llu times, want 1",
		hits("sleep") - h0);
	sl.sleep_us = 1;
	res = run(&ring, fd, UCMD_CMD_SLEEP, &sl, sizeof(sl));
	T_CHECK(res == 0 && hits("sleep") == h0 + 3,
		"a valid SLEEP: res %d, validated %llu times in all, want 3", res,
		hits("sleep") - h0);
	T_CHECK(system("ucmdctl policy unload rules > /dev/null") == 0, "unload");
	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
