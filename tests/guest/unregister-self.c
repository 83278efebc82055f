// SPDX-License-Identifier: GPL-2.0
/*
 * Description: unregister from the task that submitted the handler's
 * requests returns promptly, whatever state they are in. A child process
 * attaches timer.bpf.o itself (libbpf, bpf_map__attach_struct_ops(), as
 * an application would) or registers ucmd_test's TIMER, submits one wait
 * on a DEFER_TASKRUN, COOP_TASKRUN or plain ring and, without entering
 * the kernel, spins 50 ms: the request is then completed but not reaped
 * (1 ms wait: its CQE waits in task work only this task runs), queued
 * (10 s wait) or queued by io-wq (IOSQE_ASYNC, 10 s). Then the child
 * detaches: bpf_link__destroy(), or "0" written to ucmd_test's
 * registered. The detach must return within 2 s (6 on the debug kernel)
 * and the CQE must follow: the wait's result for the completed one,
 * -ECANCELED for the others. A child still alive after the limit is
 * reported with its /proc/<pid>/stack (review 3, finding 2: it sat in D
 * state in ucmd_handler_reap(), for good).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "ucmd_test.h"

enum { COMPLETED, QUEUED, IOWQ, NR_STATES };
static const char *const state_name[] = { "completed", "queued", "io-wq" };

static const struct t_ring_cfg rings[] = {
	{ "defer_taskrun", IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN },
	{ "coop_taskrun", IORING_SETUP_COOP_TASKRUN },
	{ "plain", 0 },
};

static void spin_ms(int ms)
{
	unsigned long long end = t_now_ns() + ms * 1000000ULL;

	while (t_now_ns() < end)	/* vDSO clock: no syscall */
		;
}

/* The child: attach, submit, spin, detach, reap. Exit 0 if all went well. */
static int child(const struct t_ring_cfg *rc, int state, int c_handler,
		 int limit_ms)
{
	unsigned long long delay = state == COMPLETED ? 1000 : 10000000;
	int want = state == COMPLETED ? 7 : -ECANCELED;
	struct bpf_object *obj = NULL;
	struct bpf_link *link = NULL;
	struct io_uring_sqe *sqe;
	unsigned long long t0, dt;
	struct io_uring ring;
	struct t_cqe cqe;
	int fd;

	if (c_handler) {
		T_CHECK(t_write_file(UCMD_TEST_REGISTERED, "1") == 0, "register TIMER");
	} else {
		obj = bpf_object__open_file("/lib/ucmd/timer.bpf.o", NULL);
		T_CHECK(obj && !bpf_object__load(obj), "load timer.bpf.o");
		link = bpf_map__attach_struct_ops(bpf_object__find_map_by_name(obj, "ucmd_timer"));
		T_CHECK(link, "attach ucmd_timer: %s", strerror(errno));
	}
	t_ring_init(&ring, 4, rc->flags);
	fd = t_open_dev();
	if (c_handler) {
		struct ucmd_delay d = { .delay_us = delay, .res = 7 };

		sqe = t_prep_cmd(&ring, fd, UCMD_TEST_CMD_TIMER, &d, sizeof(d), 1);
	} else {
		struct ucmd_timer w = { .delay_us = delay, .res = 7 };

		sqe = t_prep_cmd(&ring, fd, UCMD_TIMER_WAIT, &w, sizeof(w), 1);
	}
	if (state == IOWQ)
		sqe->flags |= IOSQE_ASYNC;
	T_CHECK(io_uring_submit(&ring) == 1, "submit");
	spin_ms(50);
	t0 = t_now_ns();
	if (c_handler)
		T_CHECK(t_write_file(UCMD_TEST_REGISTERED, "0") == 0, "unregister TIMER");
	else
		bpf_link__destroy(link);
	dt = (t_now_ns() - t0) / 1000000;
	T_CHECK(dt < (unsigned long long)limit_ms, "detach took %llu ms", dt);
	T_CHECK(t_collect(&ring, &cqe, 1, 2000) == 1, "no CQE after the detach");
	T_CHECK(cqe.res == want, "res %d want %d", cqe.res, want);
	io_uring_queue_exit(&ring);
	close(fd);
	bpf_object__close(obj);
	return T_EXIT_PASS;
}

struct run {
	const struct t_ring_cfg *rc;
	int state, c_handler, limit_ms;
};

static int run_child(void *arg)
{
	struct run *r = arg;

	return child(r->rc, r->state, r->c_handler, r->limit_ms);
}

/* Run child() in a process; fail (with its kernel stack) if it hangs. */
static int run(const struct t_ring_cfg *rc, int state, int c_handler,
	       int limit_ms, int *hung)
{
	struct run r = { rc, state, c_handler, limit_ms };
	char what[96];
	int ret;

	snprintf(what, sizeof(what), "%s %s %s", c_handler ? "C" : "BPF", rc->name,
		 state_name[state]);
	ret = t_bounded(run_child, &r, limit_ms + 3000, what);
	if (ret < 0)
		*hung = 1;
	if (ret) {
		t_err("%s: failed", what);
		return -1;
	}
	return 0;
}

int main(void)
{
	int limit = getenv("UCMD_DEBUG_KERNEL") ? 6000 : 2000;
	int bad = 0, hung = 0, ret;

	libbpf_set_print(NULL);
	t_unload_module("ucmd_test", 0);
	ret = t_load_module("/ucmd_test.ko");
	T_CHECK(ret == 0, "load ucmd_test.ko: %s", strerror(-ret));
	T_CHECK(t_write_file(UCMD_TEST_REGISTERED, "0") == 0, "TIMER unregistered");
	for (int c = 0; c < 2 && !hung; c++)
		for (size_t r = 0; r < sizeof(rings) / sizeof(rings[0]) && !hung; r++)
			for (int s = 0; s < NR_STATES && !hung; s++)
				bad |= run(&rings[r], s, c, limit, &hung);
	if (hung)
		return T_EXIT_FAIL;	/* the module stays pinned: leave it */
	t_write_file(UCMD_TEST_REGISTERED, "1");
	ret = t_unload_module_wait("ucmd_test", 2000);
	T_CHECK(ret == 0, "unload ucmd_test: %s", strerror(-ret));
	return bad ? T_EXIT_FAIL : T_EXIT_PASS;
}
