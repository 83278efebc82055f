// SPDX-License-Identifier: GPL-2.0
/*
 * Description: GET_FEATURES writes the feature mask to the payload's
 * address on every ring shape (res2 on CQE32 too), agrees with sysfs,
 * rejects non-zero reserved with -EINVAL and a bad address with -EFAULT.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	const unsigned long long want = UCMD_F_NOP | UCMD_F_ECHO |
					UCMD_F_DELAY | UCMD_F_RES2;
	long sysfs = t_sysfs_long("features");
	int fd = t_open_dev();

	for (int i = 0; i < t_nr_ring_shapes; i++) {
		const char *name = t_ring_shapes[i].name;
		unsigned long long mask = 0;
		struct ucmd_features f = { .addr = (uintptr_t)&mask };
		struct io_uring ring;
		struct t_cqe cqe;

		t_ring_init(&ring, 8, t_ring_shapes[i].flags);
		t_prep_cmd(&ring, fd, UCMD_CMD_GET_FEATURES, &f, sizeof(f), 1);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
		T_CHECK(cqe.res == 0, "%s: res %d", name, cqe.res);
		T_CHECK((mask & want) == want, "%s: mask 0x%llx", name, mask);
		T_CHECK((long)mask == sysfs, "%s: mask 0x%llx sysfs 0x%lx",
			name, mask, sysfs);
		if (t_ring_shapes[i].flags & IORING_SETUP_CQE32)
			T_CHECK(cqe.res2 == mask, "%s: res2 0x%llx", name,
				cqe.res2);

		f.reserved = 1;
		t_prep_cmd(&ring, fd, UCMD_CMD_GET_FEATURES, &f, sizeof(f), 2);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
		T_CHECK(cqe.res == -EINVAL, "%s: reserved res %d", name,
			cqe.res);

		f.reserved = 0;
		f.addr = 8;	/* never mapped */
		t_prep_cmd(&ring, fd, UCMD_CMD_GET_FEATURES, &f, sizeof(f), 3);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
		T_CHECK(cqe.res == -EFAULT, "%s: bad addr res %d", name,
			cqe.res);
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return T_EXIT_PASS;
}
