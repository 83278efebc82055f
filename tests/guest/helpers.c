// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "helpers.h"

const struct t_ring_cfg t_ring_shapes[] = {
	{ "sqe64", 0 },
	{ "sqe128", IORING_SETUP_SQE128 },
	{ "sqe64+cqe32", IORING_SETUP_CQE32 },
	{ "sqe128+cqe32", IORING_SETUP_SQE128 | IORING_SETUP_CQE32 },
};
const int t_nr_ring_shapes = sizeof(t_ring_shapes) / sizeof(t_ring_shapes[0]);

int t_open_dev(void)
{
	int fd = open("/dev/" UCMD_DEV_NAME, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		t_err("open /dev/%s: %s", UCMD_DEV_NAME, strerror(errno));
		exit(T_EXIT_FAIL);
	}
	return fd;
}

void t_ring_init(struct io_uring *ring, unsigned int entries,
		 unsigned int flags)
{
	int ret = io_uring_queue_init(entries, ring, flags);

	if (ret) {
		t_err("io_uring_queue_init(%u, 0x%x): %s", entries, flags,
		      strerror(-ret));
		exit(T_EXIT_FAIL);
	}
}

size_t t_cmd_area(const struct io_uring *ring)
{
	return ring->flags & IORING_SETUP_SQE128 ? UCMD_PAYLOAD_SQE128 :
						   UCMD_PAYLOAD_SQE64;
}

struct io_uring_sqe *t_prep_cmd(struct io_uring *ring, int fd,
				unsigned int cmd_op, const void *payload,
				size_t len, unsigned long long user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	size_t area = t_cmd_area(ring);

	if (!sqe) {
		t_err("SQ ring full");
		exit(T_EXIT_FAIL);
	}
	/* clipped: short-payload and the matrix send a cmd_op's full size */
	ucmd_prep_cmd(ring, sqe, fd, cmd_op, payload, len > area ? area : len);
	sqe->user_data = user_data;
	return sqe;
}

static void t_copy_cqe(struct io_uring *ring, struct io_uring_cqe *cqe,
		       struct t_cqe *out)
{
	out->user_data = cqe->user_data;
	out->res = cqe->res;
	out->flags = cqe->flags;
	out->res2 = ring->flags & IORING_SETUP_CQE32 ? cqe->big_cqe[0] : 0;
}

int t_cmd_sync(struct io_uring *ring, int fd, unsigned int cmd_op, const void *cmd,
	       size_t len, unsigned int sqe_flags, unsigned long long user_data,
	       struct t_cqe *out)
{
	struct io_uring_sqe *sqe = t_prep_cmd(ring, fd, cmd_op, cmd, len, user_data);
	struct io_uring_cqe *cqe;
	int ret;

	sqe->flags |= sqe_flags;
	ret = io_uring_submit_and_wait(ring, 1);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	ret = io_uring_peek_cqe(ring, &cqe);
	if (ret)
		return ret;
	t_copy_cqe(ring, cqe, out);
	io_uring_cqe_seen(ring, cqe);
	if (out->user_data != user_data) {
		t_err("CQE user_data %llu, want %llu", out->user_data, user_data);
		return -EPROTO;
	}
	return 0;
}

int t_collect(struct io_uring *ring, struct t_cqe *out, int nr,
	      int timeout_ms)
{
	unsigned long long deadline = t_now_ns() +
				      (unsigned long long)timeout_ms * 1000000;
	int got = 0;

	while (got < nr) {
		struct __kernel_timespec ts;
		struct io_uring_cqe *cqe;
		unsigned long long now = t_now_ns();
		int ret;

		if (now >= deadline)
			break;
		ts.tv_sec = (deadline - now) / 1000000000ULL;
		ts.tv_nsec = (deadline - now) % 1000000000ULL;
		ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		/*
		 * IOPOLL rings do not wait (io_iopoll_check() returns when
		 * nothing is polled, and liburing reports -ETIME): keep
		 * entering until the deadline.
		 */
		if (ret == -EINTR || (ret == -ETIME && t_now_ns() < deadline))
			continue;
		if (ret == -ETIME)
			break;
		if (ret) {
			t_err("wait_cqe: %s", strerror(-ret));
			break;
		}
		t_copy_cqe(ring, cqe, &out[got++]);
		io_uring_cqe_seen(ring, cqe);
	}
	return got;
}

int t_expect_no_cqe(struct io_uring *ring, int ms)
{
	struct t_cqe extra;

	if (t_collect(ring, &extra, 1, ms) == 0)
		return 0;
	t_err("unexpected extra CQE: user_data=%llu res=%d", extra.user_data,
	      extra.res);
	return -1;
}

int t_run_one(struct io_uring *ring, struct t_cqe *out)
{
	int ret = io_uring_submit(ring);

	if (ret != 1) {
		t_err("submit returned %d", ret);
		return -1;
	}
	if (t_collect(ring, out, 1, 5000) != 1) {
		t_err("no CQE within 5 s");
		return -1;
	}
	return t_expect_no_cqe(ring, 10);
}

int t_batch(struct io_uring *ring, int nr,
	    int (*ok)(unsigned long long user_data, int res, void *arg),
	    void *arg)
{
	struct t_cqe cqes[nr];
	char seen[nr];
	int ret = 0;

	memset(seen, 0, nr);
	if (io_uring_submit(ring) != nr || t_collect(ring, cqes, nr, 5000) != nr) {
		t_err("batch of %d: lost completions", nr);
		return -1;
	}
	for (int i = 0; i < nr; i++) {
		unsigned long long u = cqes[i].user_data;

		if (u >= (unsigned long long)nr || seen[u]++ || !ok(u, cqes[i].res, arg)) {
			t_err("user_data %llu res %d (duplicate, unknown or wrong)",
			      u, cqes[i].res);
			ret = -1;
		}
	}
	return ret;
}

long t_read_long(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 0);
}

int t_rounds(int n)
{
	const char *d = getenv("UCMD_DEBUG_KERNEL");

	if (!d || !*d)
		return n;
	return n / 4 ? n / 4 : 1;
}

long t_sysfs_long(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/misc/%s/%s", UCMD_DEV_NAME,
		 name);
	return t_read_long(path);
}

long t_sysfs_wait(const char *name, long want, int ms)
{
	long v = t_sysfs_long(name);

	for (; v != want && ms > 0; ms -= 5) {
		usleep(5000);
		v = t_sysfs_long(name);
	}
	return v;
}

int t_load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

int t_unload_module(const char *name, unsigned int flags)
{
	return syscall(SYS_delete_module, name, flags) ? -errno : 0;
}

unsigned long long t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int t_write_file(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f)
		return -1;
	bad = fputs(val, f) < 0;
	return fclose(f) || bad ? -1 : 0;
}

int t_unload_module_wait(const char *name, int ms)
{
	int ret;

	for (int waited = 0;; waited += 20) {
		ret = t_unload_module(name, O_NONBLOCK);
		if (ret != -EWOULDBLOCK || waited >= ms)
			return ret;
		usleep(20000);
	}
}

int t_bounded(int (*fn)(void *arg), void *arg, int ms, const char *what)
{
	unsigned long long end;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		t_err("%s: fork: %s", what, strerror(errno));
		return -1;
	}
	if (pid == 0)
		_exit(fn(arg));
	end = t_now_ns() + (unsigned long long)ms * 1000000;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (t_now_ns() > end) {
			char cmd[200];

			t_err("%s: still running after %d ms:", what, ms);
			snprintf(cmd, sizeof(cmd),
				 "for t in /proc/%d/task/*; do grep State $t/status; cat $t/stack; done >&2",
				 pid);
			if (system(cmd) < 0)
				t_err("system: %s", strerror(errno));
			kill(pid, SIGKILL);
			return -1;
		}
		usleep(10000);
	}
	if (!WIFEXITED(status)) {
		t_err("%s: killed by signal %d", what, WTERMSIG(status));
		return T_EXIT_FAIL;
	}
	return WEXITSTATUS(status);
}
