// SPDX-License-Identifier: GPL-2.0
/*
 * Description: sleepable BPF handlers (->handle_sleepable) reading and
 * writing user memory. bpf/csum.bpf.c's CRC32C of user buffers of 0 to
 * 1 MiB bytes equals userspace's, through plain and registered buffers
 * (IORING_URING_CMD_FIXED), on SQE64 and SQE128+CQE32 rings, 64 at once,
 * on never-touched pages (faulted in on io-wq), through ioctl(), and
 * chained by seed; bad addresses get -EFAULT (NULL, a kernel address, a
 * PROT_NONE page, a range running into an unmapped page, a fixed range
 * outside the registered buffer), a length over UCMD_CSUM_MAX -EINVAL.
 * The user-copy kfuncs are direction-checked: on an _IOR op
 * bpf_ucmd_copy_from_user() is -EPERM and bpf_ucmd_copy_to_user()
 * writes (read-only page: -EFAULT); on an _IOW op bpf_ucmd_copy_to_user()
 * is -EPERM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "helpers.h"

#define UCOPY_FILL	_IOR(UCMD_IOC_TYPE_BPF, 0x31, struct ucmd_csum)
#define UCOPY_W		_IOW(UCMD_IOC_TYPE_BPF, 0x32, struct ucmd_csum)
#define NR_PAR		64

static struct t_cqe cqes[NR_PAR];

/* CRC32C, bit by bit: an independent reference for the BPF table version. */
static unsigned int crc32c(unsigned int seed, const unsigned char *p, size_t n)
{
	unsigned int crc = ~seed;

	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78 : crc >> 1;
	}
	return ~crc;
}

static struct io_uring_sqe *prep(struct io_uring *ring, int fd, unsigned int op,
				 const void *addr, unsigned int len,
				 unsigned int seed, int fixed_idx,
				 unsigned long long ud)
{
	struct ucmd_csum c = { .addr = (unsigned long)addr, .len = len, .seed = seed };
	struct io_uring_sqe *sqe = t_prep_cmd(ring, fd, op, &c, sizeof(c), ud);

	if (fixed_idx >= 0) {
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = fixed_idx;
	}
	return sqe;
}

/* One command; returns res (and res2 in *res2), or -9999 with a message. */
static int run(struct io_uring *ring, int fd, unsigned int op, const void *addr,
	       unsigned int len, unsigned int seed, int fixed_idx,
	       unsigned long long *res2)
{
	struct t_cqe c;

	prep(ring, fd, op, addr, len, seed, fixed_idx, 1);
	if (t_run_one(ring, &c))
		return -9999;
	if (res2)
		*res2 = c.res2;
	return c.res;
}

int main(void)
{
	static const unsigned int lens[] = { 0, 1, 255, 256, 257, 4096 + 13,
					     UCMD_CSUM_MAX };
	size_t pg = sysconf(_SC_PAGESIZE), big = UCMD_CSUM_MAX;
	unsigned char *buf, *fresh, *two, *ro;
	struct io_uring ring, ring128;
	unsigned long long res2;
	struct iovec iov;
	int fd, res;

	if (system("ucmdctl handler load csum > /dev/null") ||
	    system("ucmdctl handler load /tests-bpf/ucopy.bpf.o > /dev/null") ||
	    system("ucmdctl handler load /tests-bpf/ucopy_w.bpf.o > /dev/null")) {
		t_err("load csum, ucopy, ucopy_w");
		return T_EXIT_FAIL;
	}
	fd = t_open_dev();
	buf = malloc(big);
	for (size_t i = 0; i < big; i++)
		buf[i] = (unsigned char)(i * 131 + (i >> 9));
	t_ring_init(&ring, NR_PAR, 0);
	t_ring_init(&ring128, 8, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	iov.iov_base = buf;
	iov.iov_len = big;
	T_CHECK(io_uring_register_buffers(&ring128, &iov, 1) == 0, "register");

	/* Results on both ring shapes, plain and fixed, and by ioctl(). */
	for (unsigned int i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		unsigned int len = lens[i], want = crc32c(0, buf + 3, len);
		struct ucmd_csum c = { .addr = (unsigned long)(buf + 3), .len = len };

		if (len > big - 3)
			len = c.len = big - 3;
		want = crc32c(0, buf + 3, len);
		res = run(&ring128, fd, UCMD_CSUM, buf + 3, len, 0, -1, &res2);
		T_CHECK(res == (int)len && res2 == want, "len %u: res %d res2 0x%llx want 0x%x",
			len, res, res2, want);
		res = run(&ring128, fd, UCMD_CSUM, buf + 3, len, 0, 0, &res2);
		T_CHECK(res == (int)len && res2 == want, "fixed len %u: res %d res2 0x%llx",
			len, res, res2);
		res = run(&ring, fd, UCMD_CSUM, buf + 3, len, 0, -1, NULL);
		T_CHECK(res == (int)len, "SQE64 len %u: res %d", len, res);
		res = ioctl(fd, UCMD_CSUM, &c);
		T_CHECK(res == (int)len, "ioctl len %u: %d (%m)", len, res);
	}
	/* The standard check value, and a checksum continued from a seed. */
	res = run(&ring128, fd, UCMD_CSUM, "123456789", 9, 0, -1, &res2);
	T_CHECK(res == 9 && res2 == 0xe3069283, "check value 0x%llx", res2);
	res = run(&ring128, fd, UCMD_CSUM, "56789", 5, crc32c(0, (void *)"1234", 4), -1, &res2);
	T_CHECK(res == 5 && res2 == 0xe3069283, "chained 0x%llx", res2);

	/* 64 at once, each over its own slice. */
	for (int i = 0; i < NR_PAR; i++)
		prep(&ring, fd, UCMD_CSUM, buf + i * 1000, 1000 + i, 0, -1, i);
	T_CHECK(io_uring_submit(&ring) == NR_PAR, "submit");
	T_CHECK(t_collect(&ring, cqes, NR_PAR, 20000) == NR_PAR, "CQEs");
	for (int i = 0; i < NR_PAR; i++)
		T_CHECK(cqes[i].res == 1000 + (int)cqes[i].user_data, "parallel %llu: %d",
			cqes[i].user_data, cqes[i].res);
	T_CHECK(t_expect_no_cqe(&ring, 20) == 0, "extra CQE");

	/* Never-touched anonymous pages read as zeros: faulted in on io-wq. */
	fresh = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_CHECK(fresh != MAP_FAILED, "mmap");
	res = run(&ring128, fd, UCMD_CSUM, fresh, 16 * pg, 0, -1, &res2);
	T_CHECK(res == (int)(16 * pg) && res2 == crc32c(0, fresh, 16 * pg),
		"fresh pages: res %d", res);

	/* Bad addresses and lengths. */
	T_CHECK(run(&ring128, fd, UCMD_CSUM, NULL, 16, 0, -1, NULL) == -EFAULT, "NULL");
	T_CHECK(run(&ring128, fd, UCMD_CSUM, (void *)0xffffffff81000000ULL, 16, 0, -1, NULL) ==
		-EFAULT, "kernel address");
	two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_CHECK(two != MAP_FAILED, "mmap");
	memset(two, 1, 2 * pg);
	T_CHECK(munmap(two + pg, pg) == 0, "munmap");
	res = run(&ring128, fd, UCMD_CSUM, two + pg - 100, 200, 0, -1, NULL);
	T_CHECK(res == -EFAULT, "into an unmapped page: %d", res);
	res = run(&ring128, fd, UCMD_CSUM, two + pg - 100, 100, 0, -1, &res2);
	T_CHECK(res == 100 && res2 == crc32c(0, two + pg - 100, 100), "up to it: %d", res);
	T_CHECK(mprotect(two, pg, PROT_NONE) == 0, "mprotect");
	T_CHECK(run(&ring128, fd, UCMD_CSUM, two, 16, 0, -1, NULL) == -EFAULT, "PROT_NONE");
	res = run(&ring128, fd, UCMD_CSUM, buf + big - 100, 200, 0, 0, NULL);
	T_CHECK(res == -EFAULT, "fixed range past the registered buffer: %d", res);
	res = run(&ring128, fd, UCMD_CSUM, buf, UCMD_CSUM_MAX + 1, 0, -1, NULL);
	T_CHECK(res == -EINVAL, "len over UCMD_CSUM_MAX: %d", res);

	/* Direction checks. */
	memset(buf, 0, 300);
	res = run(&ring128, fd, UCOPY_FILL, buf + 1, 100, 0xab, -1, &res2);
	T_CHECK(res == 100 && (int)res2 == -EPERM, "fill: res %d, copy_from_user on _IOR %d",
		res, (int)res2);
	T_CHECK(buf[0] == 0 && buf[1] == 0xab && buf[100] == 0xab && buf[101] == 0,
		"fill wrote %x %x %x %x", buf[0], buf[1], buf[100], buf[101]);
	res = run(&ring128, fd, UCOPY_FILL, buf + 1, 10, 0xcd, 0, &res2);
	T_CHECK(res == 10 && buf[10] == 0xcd && buf[11] == 0xab, "fixed fill %d", res);
	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_CHECK(ro != MAP_FAILED, "mmap");
	res = run(&ring128, fd, UCOPY_FILL, ro, 10, 0xab, -1, NULL);
	T_CHECK(res == -EFAULT, "fill into a read-only page: %d", res);
	res = run(&ring128, fd, UCOPY_W, buf, 16, 0, -1, NULL);
	T_CHECK(res == -EPERM, "copy_to_user on an _IOW op: %d", res);

	io_uring_queue_exit(&ring);
	io_uring_queue_exit(&ring128);
	close(fd);
	T_CHECK(system("ucmdctl handler unload csum && ucmdctl handler unload ucopy && "
		       "ucmdctl handler unload ucopy_w") == 0, "unload");
	T_CHECK(t_sysfs_wait("inflight", 0, 2000) == 0, "inflight");
	return T_EXIT_PASS;
}
