// SPDX-License-Identifier: GPL-2.0
/*
 * Description: WRITE then READ move data between the process and the
 * file's buffer through plain user buffers and registered buffers
 * (IORING_URING_CMD_FIXED + buf_index): data round-trips at offsets and
 * lengths up to UCMD_BUF_SIZE, nothing outside the destination changes,
 * bad addresses get -EFAULT, a bad buf_index -EFAULT, a range outside the
 * registered buffer -EFAULT, lengths/offsets outside the buffer -EINVAL.
 * Untouched (not yet faulted) pages take the -EAGAIN/io-wq path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "helpers.h"

#define GUARD 64

static int rw(struct io_uring *ring, int fd, unsigned int op, void *addr,
	      unsigned int len, unsigned int off, int fixed_idx)
{
	struct ucmd_rw p = { .addr = (unsigned long)addr, .len = len, .offset = off };
	struct io_uring_sqe *sqe = t_prep_cmd(ring, fd, op, &p, sizeof(p), op);
	struct t_cqe cqe;

	if (fixed_idx >= 0) {
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = fixed_idx;
	}
	if (t_run_one(ring, &cqe))
		return -9999;
	return cqe.res;
}

static int fill_check(unsigned char *b, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return -1;
	return 0;
}

int main(void)
{
	static const unsigned int lens[] = { 1, 7, 4096, 5000, UCMD_BUF_SIZE };
	size_t sz = UCMD_BUF_SIZE + 2 * GUARD;
	unsigned char *src = malloc(sz), *dst = malloc(sz), *fresh;
	struct iovec iov[2];
	struct io_uring ring;
	int fd = t_open_dev();
	int ret;

	t_ring_init(&ring, 8, 0);
	iov[0].iov_base = src;
	iov[0].iov_len = sz;
	iov[1].iov_base = dst;
	iov[1].iov_len = sz;
	T_CHECK(io_uring_register_buffers(&ring, iov, 2) == 0, "register");

	for (int fixed = 0; fixed < 2; fixed++) {
		for (unsigned int l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			unsigned int len = lens[l];
			unsigned int off = len == UCMD_BUF_SIZE ? 0 : 3 * l + 1;

			for (size_t i = 0; i < sz; i++)
				src[i] = (unsigned char)(i * 31 + l + fixed);
			memset(dst, 0xa5, sz);
			ret = rw(&ring, fd, UCMD_CMD_WRITE, src + GUARD, len, off,
				 fixed ? 0 : -1);
			T_CHECK(ret == (int)len, "fixed=%d WRITE len %u: %d", fixed,
				len, ret);
			ret = rw(&ring, fd, UCMD_CMD_READ, dst + GUARD, len, off,
				 fixed ? 1 : -1);
			T_CHECK(ret == (int)len, "fixed=%d READ len %u: %d", fixed,
				len, ret);
			T_CHECK(!memcmp(src + GUARD, dst + GUARD, len),
				"fixed=%d len %u: data differs", fixed, len);
			T_CHECK(!fill_check(dst, GUARD, 0xa5) &&
				!fill_check(dst + GUARD + len, sz - GUARD - len, 0xa5),
				"fixed=%d len %u: wrote outside the range", fixed, len);
		}
	}

	/* Errors. */
	T_CHECK(rw(&ring, fd, UCMD_CMD_READ, (void *)8, 16, 0, -1) == -EFAULT,
		"bad address");
	T_CHECK(rw(&ring, fd, UCMD_CMD_WRITE, (void *)8, 16, 0, -1) == -EFAULT,
		"bad address (write)");
	T_CHECK(rw(&ring, fd, UCMD_CMD_READ, dst, 16, 0, 7) == -EFAULT,
		"bad buf_index");
	ret = rw(&ring, fd, UCMD_CMD_READ, dst + sz - 8, 16, 0, 1);
	T_CHECK(ret == -EFAULT, "range past the registered buffer: %d", ret);
	T_CHECK(rw(&ring, fd, UCMD_CMD_READ, dst, 0, 0, -1) == -EINVAL, "len 0");
	T_CHECK(rw(&ring, fd, UCMD_CMD_READ, dst, UCMD_BUF_SIZE + 1, 0, -1) == -EINVAL,
		"len too big");
	T_CHECK(rw(&ring, fd, UCMD_CMD_READ, dst, 16, UCMD_BUF_SIZE - 8, -1) == -EINVAL,
		"offset+len past the buffer");

	/* Pages never touched: no-fault copy fails inline, io-wq completes. */
	fresh = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_CHECK(fresh != MAP_FAILED, "mmap");
	ret = rw(&ring, fd, UCMD_CMD_READ, fresh + 100, 8192, 0, -1);
	T_CHECK(ret == 8192, "READ into fresh pages: %d", ret);
	T_CHECK(!memcmp(fresh + 100, src + GUARD, 8192), "fresh pages data");

	io_uring_queue_exit(&ring);
	close(fd);
	return T_EXIT_PASS;
}
