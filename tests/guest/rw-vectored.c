// SPDX-License-Identifier: GPL-2.0
/*
 * Description: WRITEV and READV move data between iovec segments and the
 * file's buffer, one segment after the other from the payload's offset:
 * plain segments everywhere (UCMD_F_RWV), segments in a registered buffer
 * (IORING_URING_CMD_FIXED) where the kernel has
 * io_uring_cmd_import_fixed_vec() (UCMD_F_RWV_FIXED), -EOPNOTSUPP where it
 * has not. Both always run on io-wq (the inline issue's -EAGAIN); a
 * policy-free ring sees one CQE each. Bad input: 0 or 65 segments and a
 * total past the buffer -EINVAL, an unreadable iovec array or segment
 * -EFAULT, a segment outside the registered buffer -EFAULT.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "helpers.h"

#define REG_SIZE 16384

static int rwv(struct io_uring *ring, int fd, unsigned int op,
	       const struct iovec *iov, unsigned int nr, unsigned int off,
	       bool fixed)
{
	struct ucmd_rwv p = { .iov = (unsigned long)iov, .nr_segs = nr, .offset = off };
	struct io_uring_sqe *sqe = t_prep_cmd(ring, fd, op, &p, sizeof(p), op);
	struct t_cqe cqe;

	if (fixed) {
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = 0;
	}
	if (t_run_one(ring, &cqe))
		return -9999;
	return cqe.res;
}

int main(void)
{
	long features = t_sysfs_long("features");
	unsigned char *reg = malloc(REG_SIZE), a[100], b[3000], c[1], out[3101];
	struct iovec w[3], r[2], bad[2], many[UCMD_RWV_MAX_SEGS + 1];
	struct iovec regv = { .iov_base = reg, .iov_len = REG_SIZE };
	bool fixed_ok = features & UCMD_F_RWV_FIXED;
	struct io_uring ring;
	int fd = t_open_dev();
	int ret, want;

	T_CHECK(features > 0 && (features & UCMD_F_RWV), "features 0x%lx", features);
	t_ring_init(&ring, 8, 0);
	T_CHECK(io_uring_register_buffers(&ring, &regv, 1) == 0, "register");
	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	c[0] = 'c';

	/* Three plain segments in, two out, at offset 1000. */
	w[0] = (struct iovec){ a, sizeof(a) };
	w[1] = (struct iovec){ b, sizeof(b) };
	w[2] = (struct iovec){ c, sizeof(c) };
	ret = rwv(&ring, fd, UCMD_CMD_WRITEV, w, 3, 1000, false);
	T_CHECK(ret == 3101, "WRITEV res %d", ret);
	memset(out, 0, sizeof(out));
	r[0] = (struct iovec){ out, 1000 };
	r[1] = (struct iovec){ out + 1000, 2101 };
	ret = rwv(&ring, fd, UCMD_CMD_READV, r, 2, 1000, false);
	T_CHECK(ret == 3101, "READV res %d", ret);
	T_CHECK(!memcmp(out, a, 100) && !memcmp(out + 100, b, 3000) &&
		out[3100] == 'c', "data");

	/* Registered buffer: the same bytes out through two fixed segments. */
	memset(reg, 0, REG_SIZE);
	r[0] = (struct iovec){ reg + 5, 100 };
	r[1] = (struct iovec){ reg + 8000, 3001 };
	ret = rwv(&ring, fd, UCMD_CMD_READV, r, 2, 1000, true);
	want = fixed_ok ? 3101 : -EOPNOTSUPP;
	T_CHECK(ret == want, "fixed READV res %d, want %d", ret, want);
	if (fixed_ok) {
		T_CHECK(!memcmp(reg + 5, a, 100) && !memcmp(reg + 8000, b, 3000) &&
			reg[11000] == 'c' && !reg[4] && !reg[105] && !reg[11001],
			"fixed data");
		memset(reg, 'z', 64);
		r[0] = (struct iovec){ reg, 64 };
		ret = rwv(&ring, fd, UCMD_CMD_WRITEV, r, 1, 0, true);
		T_CHECK(ret == 64, "fixed WRITEV res %d", ret);
		ret = rwv(&ring, fd, UCMD_CMD_READV, w, 1, 0, false);
		T_CHECK(ret == 100 && a[0] == 'z' && a[63] == 'z' && !a[64], /* zeroed at open */
			"read back res %d", ret);
		/* A segment reaching past the registered buffer. */
		r[0] = (struct iovec){ reg + REG_SIZE - 10, 20 };
		ret = rwv(&ring, fd, UCMD_CMD_READV, r, 1, 0, true);
		T_CHECK(ret == -EFAULT, "outside registered buffer: %d", ret);
	}

	/* Bad input. */
	T_CHECK(rwv(&ring, fd, UCMD_CMD_READV, r, 0, 0, false) == -EINVAL, "0 segments");
	for (int i = 0; i <= UCMD_RWV_MAX_SEGS; i++)
		many[i] = (struct iovec){ out, 1 };
	T_CHECK(rwv(&ring, fd, UCMD_CMD_READV, many, UCMD_RWV_MAX_SEGS, 0, false) ==
		UCMD_RWV_MAX_SEGS, "max segments");
	T_CHECK(rwv(&ring, fd, UCMD_CMD_READV, many, UCMD_RWV_MAX_SEGS + 1, 0, false) ==
		-EINVAL, "too many segments");
	T_CHECK(rwv(&ring, fd, UCMD_CMD_WRITEV, w, 3, UCMD_BUF_SIZE - 3000, false) ==
		-EINVAL, "past the buffer");
	T_CHECK(rwv(&ring, fd, UCMD_CMD_WRITEV, w, 1, UCMD_BUF_SIZE, false) ==
		-EINVAL, "offset at the end");
	T_CHECK(rwv(&ring, fd, UCMD_CMD_WRITEV, (void *)8, 2, 0, false) == -EFAULT,
		"bad iovec array");
	bad[0] = (struct iovec){ a, 10 };
	bad[1] = (struct iovec){ (void *)8, 10 };
	T_CHECK(rwv(&ring, fd, UCMD_CMD_WRITEV, bad, 2, 0, false) == -EFAULT,
		"bad segment");
	T_CHECK(t_expect_no_cqe(&ring, 20) == 0, "extra CQE");
	io_uring_queue_exit(&ring);
	close(fd);
	free(reg);
	printf("vectored fixed buffers: %s\n", fixed_ok ? "yes" : "no (-EOPNOTSUPP)");
	return T_EXIT_PASS;
}
