// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a BPF policy runs on every issue that reaches a handler
 * and cannot be bypassed: with the rules policy denying ECHO, ECHO gets
 * -EPERM inline, with IOSQE_ASYNC (io-wq), on an SQPOLL ring and on a
 * DEFER_TASKRUN ring, one rule hit each, and a rule denying with -EAGAIN
 * completes with -EAGAIN on each of them (never retried); ECHO linked
 * behind an io-wq head (IOSQE_ASYNC NOP, a SLEEP head) or issued from task
 * work (behind a DELAY head) is denied too, one hit; SLEEP, which
 * returns -EAGAIN inline and is issued again from io-wq, is validated on
 * both issues (two hits per request), with IOSQE_ASYNC once, and a
 * validator sees ctx->reissue set only on the second; a SLEEP denied on
 * its first issue never reaches io-wq (one hit).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "ucmd_rules_user.h"

static int rules_fd;

/* One rule for anyone on @cmd_op: the whole set, as ucmdctl writes it. */
static int set_rule(unsigned int cmd_op, int verdict)
{
	struct ucmd_rule_set v = { .nr_rules = 1, .rules[0].verdict = verdict };

	return ucmd_rules_write(rules_fd, cmd_op, &v);
}

static long long hits(unsigned int cmd_op)
{
	struct ucmd_rule_set v;

	return ucmd_rules_read(rules_fd, cmd_op, &v) ? -1 : (long long)v.rules[0].hits;
}

static void unload(void)
{
	if (system("ucmdctl policy unload rules >/dev/null 2>&1; "
		   "ucmdctl policy unload count_issues >/dev/null 2>&1"))
		return;	/* not loaded */
}

static int count_fd;

/* count_issues' counter: first issues (0) or re-issues (1). */
static long long issues(__u32 reissue)
{
	__u64 v;

	return bpf_map_lookup_elem(count_fd, &reissue, &v) ? -1 : (long long)v;
}

static int run(unsigned int ring_flags, int async, unsigned int op,
	       const void *p, size_t len, int want)
{
	struct io_uring ring;
	struct t_cqe cqe;
	int fd = t_open_dev();
	struct io_uring_sqe *sqe;

	t_ring_init(&ring, 4, ring_flags);
	sqe = t_prep_cmd(&ring, fd, op, p, len, 1);
	if (async)
		sqe->flags |= IOSQE_ASYNC;
	T_CHECK(t_run_one(&ring, &cqe) == 0, "run");
	T_CHECK(cqe.res == want, "ring 0x%x async %d op 0x%x: res %d want %d",
		ring_flags, async, op, cqe.res, want);
	io_uring_queue_exit(&ring);
	close(fd);
	return 0;
}

/* HEAD (linked) -> ECHO: the follower is validated exactly once. */
static int run_linked(unsigned int head_op, const void *hp, size_t hlen,
		      int async, int head_res)
{
	struct ucmd_echo e = { .res = 42, .res2 = 0x42 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct t_cqe cqe[2];
	int fd = t_open_dev();

	t_ring_init(&ring, 4, 0);
	sqe = t_prep_cmd(&ring, fd, head_op, hp, hlen, 1);
	sqe->flags |= IOSQE_IO_LINK | (async ? IOSQE_ASYNC : 0);
	t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), 2);
	T_CHECK(io_uring_submit(&ring) == 2, "submit");
	T_CHECK(t_collect(&ring, cqe, 2, 5000) == 2, "two CQEs");
	for (int i = 0; i < 2; i++) {
		int want = cqe[i].user_data == 1 ? head_res : -EPERM;

		T_CHECK(cqe[i].res == want, "head 0x%x async %d: user_data %llu res %d want %d",
			head_op, async, cqe[i].user_data, cqe[i].res, want);
	}
	io_uring_queue_exit(&ring);
	close(fd);
	return 0;
}

int main(void)
{
	static const unsigned int rings[] = {
		0, IORING_SETUP_SQPOLL,
		IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER,
	};
	struct ucmd_echo e = { .res = 5 };
	struct ucmd_sleep s = { .sleep_us = 1000 };
	struct ucmd_delay d = { .delay_us = 1000, .res = 3 };
	int n = 0, ret = T_EXIT_FAIL;

	atexit(unload);
	unload();
	T_CHECK(system("ucmdctl policy load rules >/dev/null") == 0, "load rules");
	rules_fd = bpf_obj_get(UCMD_BPFFS_DIR "/rules/rules");
	T_CHECK(rules_fd >= 0, "rules map: %s", strerror(errno));
	T_CHECK(set_rule(UCMD_CMD_ECHO, -EPERM) == 0, "rule");
	T_CHECK(set_rule(UCMD_CMD_SLEEP, 0) == 0, "rule");

	for (unsigned int r = 0; r < sizeof(rings) / sizeof(rings[0]); r++)
		for (int a = 0; a < 2; a++) {
			if (run(rings[r], a, UCMD_CMD_ECHO, &e, sizeof(e), -EPERM))
				goto out;
			n++;
			T_CHECK(hits(UCMD_CMD_ECHO) == n, "echo hits %lld want %d",
				hits(UCMD_CMD_ECHO), n);
		}
	/* A denial with -EAGAIN is a denial on every path, never a retry. */
	T_CHECK(set_rule(UCMD_CMD_ECHO, -EAGAIN) == 0, "rule");
	for (unsigned int r = 0; r < sizeof(rings) / sizeof(rings[0]); r++)
		for (int a = 0; a < 2; a++)
			if (run(rings[r], a, UCMD_CMD_ECHO, &e, sizeof(e), -EAGAIN))
				goto out;
	T_CHECK(hits(UCMD_CMD_ECHO) == 6, "EAGAIN echo hits %lld want 6",
		hits(UCMD_CMD_ECHO));
	T_CHECK(set_rule(UCMD_CMD_ECHO, -EPERM) == 0, "rule");
	n = 0;

	/* Followers of io-wq heads: io-wq issues them itself. */
	if (run_linked(UCMD_CMD_NOP, NULL, 0, 1, 0) ||
	    run_linked(UCMD_CMD_SLEEP, &s, sizeof(s), 0, 0) ||
	    run_linked(UCMD_CMD_SLEEP, &s, sizeof(s), 1, 0))
		goto out;
	/* ... and from task work, after a head completed by DELAY's timer. */
	if (run_linked(UCMD_CMD_DELAY, &d, sizeof(d), 0, 3))
		goto out;
	T_CHECK(hits(UCMD_CMD_ECHO) == n + 4, "linked echo hits %lld want %d",
		hits(UCMD_CMD_ECHO), n + 4);
	/* The SLEEP heads: inline two issues, IOSQE_ASYNC one. */
	T_CHECK(hits(UCMD_CMD_SLEEP) == 2 + 1, "sleep head hits %lld",
		hits(UCMD_CMD_SLEEP));
	T_CHECK(set_rule(UCMD_CMD_SLEEP, 0) == 0, "reset");
	/* Inline SLEEP: issue (NONBLOCK) -> -EAGAIN -> io-wq re-issue. */
	for (int i = 1; i <= 3; i++) {
		if (run(0, 0, UCMD_CMD_SLEEP, &s, sizeof(s), 0))
			goto out;
		T_CHECK(hits(UCMD_CMD_SLEEP) == 2 * i, "sleep hits %lld after %d requests",
			hits(UCMD_CMD_SLEEP), i);
	}
	if (run(0, 1, UCMD_CMD_SLEEP, &s, sizeof(s), 0))
		goto out;
	T_CHECK(hits(UCMD_CMD_SLEEP) == 7, "async sleep: hits %lld",
		hits(UCMD_CMD_SLEEP));
	/* ctx->reissue: 1 only on the io-wq issue after the handler's -EAGAIN. */
	T_CHECK(system("ucmdctl policy load /tests-bpf/count_issues.bpf.o >/dev/null") == 0,
		"load count_issues");
	count_fd = bpf_obj_get(UCMD_BPFFS_DIR "/count_issues/issues");
	T_CHECK(count_fd >= 0, "issues map: %s", strerror(errno));
	if (run(0, 0, UCMD_CMD_SLEEP, &s, sizeof(s), 0) ||
	    run(0, 1, UCMD_CMD_SLEEP, &s, sizeof(s), 0))
		goto out;
	T_CHECK(issues(0) == 2 && issues(1) == 1, "first issues %lld, re-issues %lld; want 2, 1",
		issues(0), issues(1));
	/* Our fd holds the map: unload waits until its objects are gone. */
	close(count_fd);
	T_CHECK(system("ucmdctl policy unload count_issues >/dev/null") == 0, "unload");
	/* Denied SLEEP is denied before it can ask for io-wq. */
	T_CHECK(set_rule(UCMD_CMD_SLEEP, -EACCES) == 0, "rule");
	if (run(0, 0, UCMD_CMD_SLEEP, &s, sizeof(s), -EACCES))
		goto out;
	T_CHECK(hits(UCMD_CMD_SLEEP) == 1, "sleep hits %lld after the rule change",
		hits(UCMD_CMD_SLEEP));
	ret = T_EXIT_PASS;
out:
	close(rules_fd);
	return ret;
}
