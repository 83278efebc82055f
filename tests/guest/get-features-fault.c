// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a handler that must fault in user memory does not sleep on
 * the inline (IO_URING_F_NONBLOCK) issue: GET_FEATURES into a page never
 * touched fails the no-fault copy, returns -EAGAIN, and io_uring's io-wq
 * re-issue completes it: one CQE with res 0 and the mask written.
 */
#include <sys/mman.h>
#include <unistd.h>
#include "helpers.h"

int main(void)
{
	int fd = t_open_dev();

	for (int i = 0; i < t_nr_ring_shapes; i++) {
		const char *name = t_ring_shapes[i].name;
		unsigned long long *page;
		struct ucmd_features f = { 0 };
		struct io_uring ring;
		struct t_cqe cqe;

		page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		T_CHECK(page != MAP_FAILED, "mmap");
		f.addr = (unsigned long)page;
		t_ring_init(&ring, 8, t_ring_shapes[i].flags);
		t_prep_cmd(&ring, fd, UCMD_CMD_GET_FEATURES, &f, sizeof(f), 1);
		T_CHECK(t_run_one(&ring, &cqe) == 0, "%s", name);
		T_CHECK(cqe.res == 0, "%s: res %d", name, cqe.res);
		T_CHECK(*page & UCMD_F_NOP, "%s: mask 0x%llx", name, *page);
		io_uring_queue_exit(&ring);
		munmap(page, 4096);
	}
	close(fd);
	return T_EXIT_PASS;
}
