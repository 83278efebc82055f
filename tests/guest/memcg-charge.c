// SPDX-License-Identifier: GPL-2.0
/*
 * Description: what an opener makes ucmd allocate is charged to the
 * opener's memory cgroup: 64 open files of /dev/ucmd (64 KiB of buffer
 * each) raise the cgroup's memory.current by at least 3.5 MiB, and
 * closing them gives it back. Skips on a kernel without the memory
 * controller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "helpers.h"

#define CG "/sys/fs/cgroup"
#define CHILD CG "/ucmd-memcg-test"
#define NR_FILES 64

static void leave(void)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	t_write_file(CG "/cgroup.procs", pid);
	rmdir(CHILD);
}

int main(void)
{
	char ctrl[256] = "", pid[32];
	int fds[NR_FILES];
	long m0, m1, m2;
	FILE *f;

	mkdir(CG, 0755);
	if (access(CG "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CG, "cgroup2", 0, NULL)) {
		printf("no cgroup2: %s\n", strerror(errno));
		return T_EXIT_SKIP;
	}
	f = fopen(CG "/cgroup.controllers", "r");
	if (f) {
		if (!fgets(ctrl, sizeof(ctrl), f))
			ctrl[0] = '\0';
		fclose(f);
	}
	if (!strstr(ctrl, "memory")) {
		printf("kernel without the memory controller (CONFIG_MEMCG)\n");
		return T_EXIT_SKIP;
	}
	T_CHECK(t_write_file(CG "/cgroup.subtree_control", "+memory") == 0,
		"enable memory: %s", strerror(errno));
	rmdir(CHILD);
	T_CHECK(mkdir(CHILD, 0755) == 0, "mkdir: %s", strerror(errno));
	atexit(leave);
	snprintf(pid, sizeof(pid), "%d", getpid());
	T_CHECK(t_write_file(CHILD "/cgroup.procs", pid) == 0, "join: %s",
		strerror(errno));

	m0 = t_read_long(CHILD "/memory.current");
	for (int i = 0; i < NR_FILES; i++)
		fds[i] = t_open_dev();
	m1 = t_read_long(CHILD "/memory.current");
	for (int i = 0; i < NR_FILES; i++)
		close(fds[i]);
	usleep(100000);		/* the last fput is deferred to task work */
	m2 = t_read_long(CHILD "/memory.current");
	printf("memory.current: %ld before, %ld with %d files, %ld after\n",
	       m0, m1, NR_FILES, m2);
	T_CHECK(m0 >= 0 && m1 - m0 >= NR_FILES * 56 * 1024L,
		"%d files charged %ld bytes, want >= %ld", NR_FILES, m1 - m0,
		NR_FILES * 56 * 1024L);
	T_CHECK(m1 - m2 >= NR_FILES * 56 * 1024L, "closing gave back %ld bytes",
		m1 - m2);
	return T_EXIT_PASS;
}
