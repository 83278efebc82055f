// SPDX-License-Identifier: GPL-2.0
/*
 * Description: requests pending when their task exits, or execs, are each
 * finished exactly once: a child submits 64 five-second DELAYs and then
 * exits (or execs /bin/true); the ring goes with the task's files, its
 * teardown cancels the requests (-ECANCELED, counted by the module), and
 * nothing is left in flight. 6.12 behaviour recorded in docs/semantics.md.
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "helpers.h"

#define NR 64

static void child(int do_exec)
{
	struct ucmd_delay d = { .delay_us = 5000000 };
	struct io_uring ring;
	int fd = t_open_dev();

	t_ring_init(&ring, NR, 0);
	for (int i = 0; i < NR; i++)
		t_prep_cmd(&ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), i);
	if (io_uring_submit(&ring) != NR)
		_exit(2);
	usleep(20000);
	if (do_exec)
		execl("/bin/true", "true", (char *)NULL);
	_exit(0);
}

int main(void)
{
	for (int do_exec = 0; do_exec < 2; do_exec++) {
		long cancelled0 = t_sysfs_long("cancelled");
		long inflight0 = t_sysfs_long("inflight");
		unsigned long long t0 = t_now_ns();
		int status;
		pid_t pid;
		long v;

		pid = fork();
		T_CHECK(pid >= 0, "fork");
		if (pid == 0)
			child(do_exec);
		T_CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
		T_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			"child status 0x%x", status);
		v = t_sysfs_wait("cancelled", cancelled0 + NR, 3000);
		T_CHECK(v == cancelled0 + NR, "%s: cancelled %ld want %ld",
			do_exec ? "exec" : "exit", v, cancelled0 + NR);
		v = t_sysfs_wait("inflight", inflight0, 2000);
		T_CHECK(v == inflight0, "inflight %ld want %ld", v, inflight0);
		T_CHECK(t_now_ns() - t0 < 4000000000ULL, "took %llu ns",
			t_now_ns() - t0);
	}
	return T_EXIT_PASS;
}
