// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a BPF handler that defers its requests (bpf/timer.bpf.c:
 * bpf_ucmd_req_defer(), the reference parked in a map with
 * bpf_kptr_xchg(), completed from a bpf_timer, or a bpf_wq for delay 0):
 * results and res2 after the delay, deferred inline and from io-wq, and
 * from another request of the program (UCMD_TIMER_FLUSH); a
 * ring closed with 64 waiting gets each cancelled once (inflight back to
 * 0) and the timers' late completes are no-ops; the handler unloaded with
 * 1,000 waiting completes every one with -ECANCELED, none lost; the
 * verifier refuses a program that loses a deferred reference and one that
 * completes it twice, with its message through `ucmdctl -d`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"

#define NR_UNLOAD 1000

static struct t_cqe cqes[NR_UNLOAD];

static void prep_wait(struct io_uring *ring, int fd, unsigned long long us,
		      int res, unsigned int res2, unsigned long long ud)
{
	struct ucmd_timer t = { .delay_us = us, .res = res, .res2_lo = res2 };

	t_prep_cmd(ring, fd, UCMD_TIMER_WAIT, &t, sizeof(t), ud);
}

/* `ucmdctl -d handler load OBJ` must fail and its output hold @msg. */
static int refused(const char *obj, const char *msg)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "ucmdctl -d handler load /tests-bpf/%s.bpf.o > /tmp/v.out 2>&1 && exit 9; "
		 "grep -m1 '%s' /tmp/v.out || { tail -5 /tmp/v.out; exit 1; }", obj, msg);
	return system(cmd);
}

int main(void)
{
	struct io_uring ring;
	unsigned long long t0, ms;
	long c0;
	int fd, n;

	if (system("ucmdctl handler load timer > /dev/null")) {
		t_err("load timer; the verifier's last words:");
		system("ucmdctl -d handler load timer 2>&1 | tail -25 >&2");
		return T_EXIT_FAIL;
	}
	fd = t_open_dev();

	/* Results, res2 and the delay. */
	t_ring_init(&ring, 16, IORING_SETUP_CQE32);
	t0 = t_now_ns();
	for (int i = 0; i < 8; i++)
		prep_wait(&ring, fd, 20000 + 5000 * i, i - 2, 100 + i, i);
	prep_wait(&ring, fd, UCMD_TIMER_MAX_US + 1, 0, 0, 8);
	/* delay 0: completed from a bpf_wq callback */
	prep_wait(&ring, fd, 0, 7, 109, 9);
	T_CHECK(io_uring_submit(&ring) == 10, "submit");
	T_CHECK(t_collect(&ring, cqes, 10, 10000) == 10, "CQEs");
	ms = (t_now_ns() - t0) / 1000000;
	T_CHECK(cqes[0].user_data == 8 || cqes[0].user_data == 9,
		"first CQE %llu, want the -EINVAL or the bpf_wq one", cqes[0].user_data);
	for (int i = 0; i < 10; i++) {
		struct t_cqe *c = &cqes[i];
		int want = c->user_data == 8 ? -EINVAL : (int)c->user_data - 2;

		T_CHECK(c->res == want && (c->user_data == 8 || c->res2 == 100 + c->user_data),
			"user_data %llu res %d res2 %llu", c->user_data, c->res, c->res2);
	}
	T_CHECK(ms >= 55, "8 waits up to 55 ms done in %llu ms", ms);
	T_CHECK(t_expect_no_cqe(&ring, 20) == 0, "extra CQE");

	/*
	 * Deferred from io-wq (IOSQE_ASYNC), where marking the request
	 * cancelable takes the ring's mutex: never inside the program (a
	 * sleep in an RCU read-side section, which the fuzzer once found).
	 */
	for (int i = 0; i < 16; i++) {
		struct ucmd_timer t = { .delay_us = i % 4 ? 1000 * i : 0, .res = i };

		t_prep_cmd(&ring, fd, UCMD_TIMER_WAIT, &t, sizeof(t), i)->flags |= IOSQE_ASYNC;
	}
	T_CHECK(io_uring_submit(&ring) == 16, "submit");
	T_CHECK(t_collect(&ring, cqes, 16, 10000) == 16, "io-wq CQEs");
	for (int i = 0; i < 16; i++)
		T_CHECK(cqes[i].res == (int)cqes[i].user_data, "io-wq %llu: %d",
			cqes[i].user_data, cqes[i].res);

	/* Completed by another request of the program: UCMD_TIMER_FLUSH. */
	for (int i = 0; i < 4; i++)
		prep_wait(&ring, fd, 5000000, 1, 0, i);
	T_CHECK(io_uring_submit(&ring) == 4, "submit");
	{
		struct ucmd_timer t = { .res = -EINTR, .res2_lo = 33 };

		t_prep_cmd(&ring, fd, UCMD_TIMER_FLUSH, &t, sizeof(t), 100);
	}
	T_CHECK(io_uring_submit(&ring) == 1, "submit flush");
	T_CHECK(t_collect(&ring, cqes, 5, 2000) == 5, "flushed CQEs");
	for (int i = 0; i < 5; i++)
		T_CHECK(cqes[i].user_data == 100 ? cqes[i].res == 4 :
			cqes[i].res == -EINTR && cqes[i].res2 == 33,
			"flush: user_data %llu res %d res2 %llu", cqes[i].user_data,
			cqes[i].res, cqes[i].res2);
	T_CHECK(t_expect_no_cqe(&ring, 20) == 0, "extra CQE");
	io_uring_queue_exit(&ring);

	/* Ring close with 64 waiting: each cancelled once, nothing left. */
	c0 = t_sysfs_long("cancelled");
	t_ring_init(&ring, 64, 0);
	for (int i = 0; i < 64; i++)
		prep_wait(&ring, fd, 300000, 1, 0, i);
	T_CHECK(io_uring_submit(&ring) == 64, "submit");
	T_CHECK(t_sysfs_wait("inflight", 64, 5000) == 64, "64 in flight");
	io_uring_queue_exit(&ring);
	T_CHECK(t_sysfs_wait("inflight", 0, 5000) == 0, "inflight after close");
	T_CHECK(t_sysfs_long("cancelled") == c0 + 64, "cancelled %ld, want %ld",
		t_sysfs_long("cancelled"), c0 + 64);
	usleep(400000);		/* the timers fire: their completes are no-ops */
	T_CHECK(t_sysfs_long("inflight") == 0, "inflight after the timers");

	/* Unload with 1,000 waiting: all -ECANCELED, none lost. */
	t_ring_init(&ring, 1024, 0);
	for (int i = 0; i < NR_UNLOAD; i++)
		prep_wait(&ring, fd, 5000000, 1, 0, i);
	T_CHECK(io_uring_submit(&ring) == NR_UNLOAD, "submit");
	T_CHECK(t_sysfs_wait("inflight", NR_UNLOAD, 10000) == NR_UNLOAD, "in flight: %ld",
		t_sysfs_long("inflight"));
	T_CHECK(system("ucmdctl handler unload timer > /dev/null") == 0, "unload");
	n = t_collect(&ring, cqes, NR_UNLOAD, 10000);
	T_CHECK(n == NR_UNLOAD, "%d of %d CQEs after unload", n, NR_UNLOAD);
	for (int i = 0; i < n; i++)
		T_CHECK(cqes[i].res == -ECANCELED, "user_data %llu res %d",
			cqes[i].user_data, cqes[i].res);
	T_CHECK(t_expect_no_cqe(&ring, 20) == 0, "extra CQE");
	T_CHECK(t_sysfs_wait("inflight", 0, 5000) == 0, "inflight after unload");
	io_uring_queue_exit(&ring);
	close(fd);

	/* What the verifier refuses. */
	T_CHECK(refused("req_leak", "Unreleased reference") == 0,
		"req_leak loaded, or without the verifier's message");
	/*
	 * The second complete is where the verifier stops: the last source
	 * line its log shows is that call (the message itself differs
	 * between 6.12 and 7.3).
	 */
	T_CHECK(refused("req_double", "processed") == 0, "req_double loaded");
	T_CHECK(system("grep '^;' /tmp/v.out | tail -1 | grep -q 'released already'") == 0,
		"the verifier did not stop at the second complete");
	return T_EXIT_PASS;
}
