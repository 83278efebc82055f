// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the destructor of a deferred-request kptr is safe where
 * 6.12 runs it. With the timer handler loaded and a UCMD_TIMER_WAIT of
 * 5 s parked in its pinned waiters map (a preallocated hash), a map
 * update that replaces the element (the destructor then runs inside the
 * hash bucket's raw spinlock, IRQs off) and, after a reload, a delete of
 * it each complete the request with -ECANCELED at once (on 7.x, whose maps
 * free a replaced element's kptr later, at the unload), and the kernel
 * log gains no WARNING, BUG or lockdep report (review 3, finding 4: the
 * destructor took spin_lock_bh, which lockdep reports with IRQs off).
 * Meant for the debug kernel (make check-debug); a check elsewhere too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"

#define WAITERS "/sys/fs/bpf/ucmd/timer/waiters"
#define REPORTS "dmesg | grep -cE 'WARNING:|BUG:|inconsistent lock state|invalid wait context|possible recursive locking'"

static long reports(void)
{
	FILE *f = popen(REPORTS, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

static int one(int fd, int delete)
{
	struct ucmd_timer w = { .delay_us = 5000000, .res = 7 };
	unsigned char value[48] = { 0 };
	unsigned long long key = 0, t0;
	struct io_uring ring;
	struct t_cqe cqe;
	int map, n, ret;

	T_CHECK(system("ucmdctl handler load timer >/dev/null") == 0, "load timer");
	map = bpf_obj_get(WAITERS);
	T_CHECK(map >= 0, "bpf_obj_get %s: %s", WAITERS, strerror(errno));
	t_ring_init(&ring, 4, 0);
	t_prep_cmd(&ring, fd, UCMD_TIMER_WAIT, &w, sizeof(w), 1);
	T_CHECK(io_uring_submit(&ring) == 1, "submit");
	for (n = 0; bpf_map_lookup_elem(map, &key, value); n++) {
		T_CHECK(n < 500, "no waiter under key 0");	/* a fresh load's first */
		usleep(10000);
	}
	memset(value, 0, sizeof(value));
	t0 = t_now_ns();
	if (delete)
		ret = bpf_map_delete_elem(map, &key);
	else
		ret = bpf_map_update_elem(map, &key, value, BPF_ANY);
	T_CHECK(ret == 0, "%s: %s", delete ? "delete" : "update", strerror(errno));
	close(map);
	if (t_collect(&ring, &cqe, 1, 2000) == 1) {
		printf("%s: -ECANCELED by the destructor after %llu us\n",
		       delete ? "delete" : "update", (t_now_ns() - t0) / 1000);
		T_CHECK(system("ucmdctl handler unload timer >/dev/null") == 0, "unload timer");
	} else {
		/*
		 * 7.x frees the old element's kptr later (its map's free at
		 * the latest): the request completes at the unload.
		 */
		T_CHECK(system("ucmdctl handler unload timer >/dev/null") == 0, "unload timer");
		T_CHECK(t_collect(&ring, &cqe, 1, 5000) == 1, "%s: no CQE, even after the unload",
			delete ? "delete" : "update");
		printf("%s: the kptr outlived the element: -ECANCELED at the unload\n",
		       delete ? "delete" : "update");
	}
	T_CHECK(cqe.res == -ECANCELED, "%s: res %d want -ECANCELED",
		delete ? "delete" : "update", cqe.res);
	T_CHECK(t_expect_no_cqe(&ring, 100) == 0, "a second CQE");
	io_uring_queue_exit(&ring);
	return 0;
}

int main(void)
{
	long before = reports(), after;
	int fd = t_open_dev();

	T_CHECK(before >= 0, "dmesg");
	T_CHECK(one(fd, 0) == 0, "replace a live waiter");
	T_CHECK(one(fd, 1) == 0, "delete a live waiter");
	close(fd);
	after = reports();
	if (after != before) {
		if (system("dmesg | tail -60 >&2") < 0)
			t_err("dmesg");
		T_CHECK(after == before, "%ld new kernel reports", after - before);
	}
	return T_EXIT_PASS;
}
