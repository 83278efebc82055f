// SPDX-License-Identifier: GPL-2.0
/*
 * Description: who may open /dev/ucmd. By default the node is 0600 and a
 * user other than root gets EACCES; loaded with mode=0666 every user may
 * open it; mode=0 and mode=01777 are refused at load (EINVAL). The module
 * is reloaded with the default mode afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "helpers.h"

/* errno of open(/dev/ucmd) as uid 65534, or 0 if it opened. */
static int open_as_nobody(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		fd = open("/dev/" UCMD_DEV_NAME, O_RDWR);
		_exit(fd >= 0 ? 0 : errno);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int reload(const char *params)
{
	int fd, ret = 0;

	ret = t_unload_module_wait("ucmd", 5000);
	if (ret && ret != -ENOENT)
		return ret;
	fd = open("/ucmd.ko", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

static unsigned int node_mode(void)
{
	struct stat st;

	for (int i = 0; i < 50; i++) {	/* devtmpfs creates it at once */
		if (!stat("/dev/" UCMD_DEV_NAME, &st))
			return st.st_mode & 07777;
		usleep(20000);
	}
	return 0;
}

int main(void)
{
	int ret, err;

	T_CHECK(node_mode() == 0600, "default mode %o", node_mode());
	err = open_as_nobody();
	T_CHECK(err == EACCES, "nobody's open of a 0600 node: %d (%s)", err, strerror(err));

	ret = reload("mode=0666");
	T_CHECK(ret == 0, "load mode=0666: %s", strerror(-ret));
	T_CHECK(node_mode() == 0666, "mode=0666 gave %o", node_mode());
	err = open_as_nobody();
	T_CHECK(err == 0, "nobody's open of a 0666 node: %s", strerror(err));

	ret = reload("mode=0");
	T_CHECK(ret == -EINVAL, "mode=0 loaded: %d", ret);
	ret = reload("mode=01777");
	T_CHECK(ret == -EINVAL, "mode=01777 loaded: %d", ret);
	ret = reload("");
	T_CHECK(ret == 0, "reload with the default: %s", strerror(-ret));
	T_CHECK(node_mode() == 0600, "default mode after reload %o", node_mode());
	return T_EXIT_PASS;
}
