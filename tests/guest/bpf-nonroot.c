// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a user without CAP_BPF/CAP_SYS_ADMIN can neither load nor
 * unload a policy, nor edit its rules: ucmdctl run as uid 65534 exits
 * non-zero with one error line each time, and root's pinned policy is
 * still attached afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "helpers.h"

/* Run ucmdctl ARGS as uid/gid 65534; returns its exit status, or -1. */
static int as_nobody(const char *args)
{
	char cmd[256];
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(100);
		snprintf(cmd, sizeof(cmd),
			 "ucmdctl %s 2>/tmp/nobody.err >/dev/null; rc=$?; "
			 "[ $(wc -l </tmp/nobody.err) -eq 1 ] || rc=101; exit $rc", args);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(102);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void unload(void)
{
	if (system("ucmdctl policy unload rules >/dev/null 2>&1"))
		return;	/* not loaded */
}

int main(void)
{
	int rc;

	atexit(unload);
	unload();
	chmod("/tmp", 01777);
	rc = as_nobody("policy load rules");
	T_CHECK(rc == 1, "nobody's load exited %d", rc);
	T_CHECK(system("grep -q '^rules ' /sys/class/misc/ucmd/bpf_ops") != 0,
		"nobody attached a policy");

	T_CHECK(system("ucmdctl policy load rules >/dev/null") == 0, "root load");
	rc = as_nobody("policy unload rules");
	T_CHECK(rc == 1, "nobody's unload exited %d", rc);
	rc = as_nobody("rule add echo deny EPERM");
	T_CHECK(rc == 1, "nobody's rule add exited %d", rc);
	T_CHECK(system("grep -q '^rules ' /sys/class/misc/ucmd/bpf_ops") == 0,
		"root's policy was detached");
	return T_EXIT_PASS;
}
