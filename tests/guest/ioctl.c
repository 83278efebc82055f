// SPDX-License-Identifier: GPL-2.0
/*
 * Description: ioctl(2) on /dev/ucmd runs the same lookup, policy and
 * synchronous handlers as uring_cmd: NOP gives 0, ECHO its res (also
 * negative, as errno), unknown cmd_ops -ENOTTY (the ioctl convention), an
 * unreadable payload -EFAULT; handlers that defer (DELAY) or need io_uring
 * (READ) refuse with EOPNOTSUPP; a BPF policy denies through ioctl too.
 * ioctl requests fire
 * the tracepoints: ucmd_complete with kind "ioctl" (and "denied"), and
 * ucmd_deny, as read from tracefs.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "helpers.h"

static int ioc(int fd, unsigned int op, void *p)
{
	int r = ioctl(fd, op, p);

	return r < 0 ? -errno : r;
}

int main(void)
{
	struct ucmd_echo e = { .res = 42 };
	struct ucmd_delay d = { .delay_us = 10 };
	struct ucmd_rw rw = { .addr = 0, .len = 8 };
	int fd = t_open_dev(), r;

	T_CHECK(ioc(fd, UCMD_CMD_NOP, NULL) == 0, "NOP");
	T_CHECK((r = ioc(fd, UCMD_CMD_ECHO, &e)) == 42, "ECHO %d", r);
	e.res = -EIO;
	T_CHECK((r = ioc(fd, UCMD_CMD_ECHO, &e)) == -EIO, "ECHO -EIO: %d", r);
	T_CHECK((r = ioc(fd, UCMD_CMD_ECHO, (void *)8)) == -EFAULT, "bad payload %d", r);
	T_CHECK((r = ioc(fd, _IO('u', 0x7f), NULL)) == -ENOTTY, "unknown %d", r);
	T_CHECK((r = ioc(fd, UCMD_CMD_DELAY, &d)) == -EOPNOTSUPP, "DELAY %d", r);
	T_CHECK((r = ioc(fd, UCMD_CMD_READ, &rw)) == -EOPNOTSUPP, "READ %d", r);

	T_CHECK(system("grep -q tracefs /proc/mounts || mount -t tracefs none /sys/kernel/tracing; "
		       "cd /sys/kernel/tracing && echo > trace && "
		       "echo 1 > events/ucmd/enable") == 0, "tracefs");
	e.res = 42;
	T_CHECK(ioc(fd, UCMD_CMD_ECHO, &e) == 42, "traced ECHO");
	T_CHECK(system("ucmdctl policy load rules >/dev/null && "
		       "ucmdctl rule add echo deny EACCES") == 0, "policy");
	e.res = 1;
	r = ioc(fd, UCMD_CMD_ECHO, &e);
	T_CHECK(system("ucmdctl policy unload rules >/dev/null") == 0, "unload");
	T_CHECK(r == -EACCES, "denied ECHO via ioctl: %d", r);
	r = system("cd /sys/kernel/tracing && echo 0 > events/ucmd/enable && "
		   "grep -q 'ucmd_issue: .*name=echo' trace && "
		   "grep -q 'ucmd_complete: .*name=echo .*res=42 .* ioctl' trace && "
		   "grep -q 'ucmd_deny: .*policy=rules' trace && "
		   "grep -q 'ucmd_complete: .*name=rules .*res=-13 .* denied' trace");
	if (r && system("cat /sys/kernel/tracing/trace >&2") < 0)
		t_err("cat trace");
	T_CHECK(r == 0, "ioctl requests missing from the trace");
	T_CHECK(ioc(fd, UCMD_CMD_ECHO, &e) == 1, "ECHO after unload");
	close(fd);
	return T_EXIT_PASS;
}
