// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a uring_cmd linked behind any head is validated and given
 * its own payload, whichever path io_uring takes to issue it. Chains of
 * HEAD -> FOLLOWER, for every head (ucmd NOP, IORING_OP_NOP, DELAY, SLEEP
 * (-EAGAIN, io-wq re-issue), GET_FEATURES into an untouched page (-EAGAIN
 * re-issue), a failing DELAY) x head issue (inline, IOSQE_ASYNC) x
 * follower (ECHO, SUM, WRITE, the kv handler's GET) x IOSQE_IO_LINK /
 * IOSQE_IO_HARDLINK x 16 rings (SQE64/128 x CQE16/32 x plain, SQPOLL,
 * DEFER_TASKRUN, COOP_TASKRUN) x {no policy, rules denying every follower
 * op}: each SQE gets one CQE with the expected res and res2; followers of
 * a failed head get -ECANCELED behind IO_LINK and run behind HARDLINK.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "ucmd_rules_user.h"

enum { H_NOP, H_IOU_NOP, H_DELAY, H_SLEEP, H_FAULT, H_FAIL, NR_HEADS };
enum { F_ECHO, F_SUM, F_WRITE, F_KV_GET, NR_FOLLOWERS };

static const char *const head_names[] = {
	"nop", "iou_nop", "delay", "sleep", "features-fault", "delay-fail",
};
static const char *const follower_names[] = { "echo", "sum", "write", "kv_get" };
static const unsigned int follower_ops[] = {
	UCMD_CMD_ECHO, UCMD_CMD_SUM, UCMD_CMD_WRITE, UCMD_KV_GET,
};

#define KV_KEY		7
#define KV_VALUE	0x77ULL
#define NR_CHAINS	(NR_HEADS * 2 * NR_FOLLOWERS * 2)

static char wbuf[64] = "ucmd-link-matrix";
static unsigned long long features;	/* GET_FEATURES' res2 */
static int rules_fd = -1;

struct chain {
	int head, async, follower, hard;
	int head_res, fol_res;
	unsigned long long head_res2, fol_res2;
};

static void unload(void)
{
	if (system("ucmdctl policy unload rules >/dev/null 2>&1; "
		   "ucmdctl handler unload kv >/dev/null 2>&1"))
		return;
}

static int set_deny(int deny)
{
	for (int f = 0; f < NR_FOLLOWERS; f++) {
		struct ucmd_rule_set v = { .nr_rules = 1,
					   .rules[0].verdict = deny ? -EPERM : 0 };

		if (ucmd_rules_write(rules_fd, follower_ops[f], &v))
			return -1;
	}
	return 0;
}

static void prep_head(struct io_uring *ring, int fd, const struct chain *c,
		      void *page, unsigned long long ud)
{
	struct io_uring_sqe *sqe;

	switch (c->head) {
	case H_NOP:
		sqe = t_prep_cmd(ring, fd, UCMD_CMD_NOP, NULL, 0, ud);
		break;
	case H_IOU_NOP:
		sqe = io_uring_get_sqe(ring);
		io_uring_prep_nop(sqe);
		sqe->user_data = ud;
		break;
	case H_DELAY:
	case H_FAIL: {
		struct ucmd_delay d = { .delay_us = 500, .res = 3, .res2_lo = 5 };

		if (c->head == H_FAIL)
			d.res = -EIO;
		sqe = t_prep_cmd(ring, fd, UCMD_CMD_DELAY, &d, sizeof(d), ud);
		break;
	}
	case H_SLEEP: {
		struct ucmd_sleep s = { .sleep_us = 500 };

		sqe = t_prep_cmd(ring, fd, UCMD_CMD_SLEEP, &s, sizeof(s), ud);
		break;
	}
	default: {
		struct ucmd_features f = { .addr = (unsigned long)page };

		sqe = t_prep_cmd(ring, fd, UCMD_CMD_GET_FEATURES, &f, sizeof(f), ud);
		break;
	}
	}
	sqe->flags |= (c->hard ? IOSQE_IO_HARDLINK : IOSQE_IO_LINK) |
		      (c->async ? IOSQE_ASYNC : 0);
}

static void prep_follower(struct io_uring *ring, int fd, const struct chain *c,
			  int idx, unsigned long long ud)
{
	switch (c->follower) {
	case F_ECHO: {
		struct ucmd_echo e = { .res = 42 + idx, .res2 = 0x4242 + idx };

		t_prep_cmd(ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), ud);
		break;
	}
	case F_SUM: {
		struct ucmd_sum s = { .count = 2, .vals = { 40, 2 + idx } };

		t_prep_cmd(ring, fd, UCMD_CMD_SUM, &s, sizeof(s), ud);
		break;
	}
	case F_WRITE: {
		struct ucmd_rw w = { .addr = (unsigned long)wbuf, .len = 1 + idx % 63,
				     .offset = idx * 64 };

		t_prep_cmd(ring, fd, UCMD_CMD_WRITE, &w, sizeof(w), ud);
		break;
	}
	default: {
		struct ucmd_kv kv = { .key = KV_KEY };

		t_prep_cmd(ring, fd, UCMD_KV_GET, &kv, sizeof(kv), ud);
		break;
	}
	}
}

/* The model: what each CQE of chain @idx must say. */
static void expect(struct chain *c, int idx, unsigned int ring_flags, int deny)
{
	int cqe32 = !!(ring_flags & IORING_SETUP_CQE32);
	int sqe128 = !!(ring_flags & IORING_SETUP_SQE128);

	c->head_res = c->head == H_DELAY ? 3 : c->head == H_FAIL ? -EIO : 0;
	c->head_res2 = 0;
	if (cqe32 && (c->head == H_DELAY || c->head == H_FAIL))
		c->head_res2 = 5;
	c->fol_res2 = 0;
	if (c->head_res < 0 && !c->hard) {
		c->fol_res = -ECANCELED;
		return;
	}
	if (c->follower == F_SUM && !sqe128) {
		c->fol_res = -EINVAL;	/* 80-byte payload on a 64-byte SQE */
		return;
	}
	if (deny) {
		c->fol_res = -EPERM;
		return;
	}
	switch (c->follower) {
	case F_ECHO:
		c->fol_res = 42 + idx;
		c->fol_res2 = cqe32 ? 0x4242 + idx : 0;
		break;
	case F_SUM:
		c->fol_res = 2;
		c->fol_res2 = cqe32 ? 42 + idx : 0;
		break;
	case F_WRITE:
		c->fol_res = 1 + idx % 63;
		break;
	default:
		c->fol_res = 0;
		c->fol_res2 = cqe32 ? KV_VALUE : 0;
	}
}

static int run_ring(unsigned int ring_flags, const char *ring_name, int deny)
{
	struct t_cqe cqe[2 * NR_CHAINS];
	struct chain chains[NR_CHAINS];
	struct io_uring ring;
	int fd = t_open_dev(), n = 0, bad = 0, got;
	size_t psz = getpagesize();
	char *pages;

	pages = mmap(NULL, NR_CHAINS * psz, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_CHECK(pages != MAP_FAILED, "mmap");
	t_ring_init(&ring, 2 * NR_CHAINS, ring_flags);
	for (int h = 0; h < NR_HEADS; h++)
		for (int a = 0; a < 2; a++)
			for (int f = 0; f < NR_FOLLOWERS; f++)
				for (int hard = 0; hard < 2; hard++, n++) {
					struct chain *c = &chains[n];

					*c = (struct chain){ .head = h, .async = a,
							     .follower = f, .hard = hard };
					expect(c, n, ring_flags, deny);
					prep_head(&ring, fd, c, pages + n * psz, 2 * n);
					prep_follower(&ring, fd, c, n, 2 * n + 1);
				}
	T_CHECK(io_uring_submit(&ring) == 2 * NR_CHAINS, "%s: submit", ring_name);
	got = t_collect(&ring, cqe, 2 * NR_CHAINS, 20000);
	T_CHECK(got == 2 * NR_CHAINS, "%s deny=%d: %d CQEs of %d", ring_name, deny,
		got, 2 * NR_CHAINS);
	T_CHECK(t_expect_no_cqe(&ring, 10) == 0, "%s: extra CQE", ring_name);

	int seen[2 * NR_CHAINS] = { 0 };

	for (int i = 0; i < got; i++) {
		unsigned long long ud = cqe[i].user_data;
		const struct chain *c;
		int is_head, want;
		unsigned long long want2;

		if (ud >= 2 * NR_CHAINS || seen[ud]++) {
			t_err("%s: user_data %llu unknown or twice", ring_name, ud);
			bad = 1;
			continue;
		}
		c = &chains[ud / 2];
		is_head = !(ud & 1);
		want = is_head ? c->head_res : c->fol_res;
		want2 = is_head ? c->head_res2 : c->fol_res2;
		/* SLEEP's res2 is the issue_flags of the issue that slept. */
		if (is_head && c->head == H_SLEEP)
			want2 = cqe[i].res2;
		if (is_head && c->head == H_FAULT && (ring_flags & IORING_SETUP_CQE32))
			want2 = features;
		if (cqe[i].res != want || cqe[i].res2 != want2) {
			t_err("%s deny=%d: %s%s %s-> %s: %s res %d res2 0x%llx, want %d 0x%llx",
			      ring_name, deny, head_names[c->head],
			      c->async ? "+async" : "", c->hard ? "hard" : "",
			      follower_names[c->follower], is_head ? "head" : "follower",
			      cqe[i].res, cqe[i].res2, want, want2);
			bad = 1;
		}
	}
	io_uring_queue_exit(&ring);
	munmap(pages, NR_CHAINS * psz);
	close(fd);
	return bad;
}

int main(void)
{
	static const struct { const char *name; unsigned int flags; } modes[] = {
		{ "plain", 0 },
		{ "sqpoll", IORING_SETUP_SQPOLL },
		{ "defer_taskrun", IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER },
		{ "coop_taskrun", IORING_SETUP_COOP_TASKRUN },
	};
	struct ucmd_kv put = { .key = KV_KEY, .value = KV_VALUE };
	struct io_uring ring;
	struct t_cqe cqe;
	int bad = 0, fd, cells = 0;

	atexit(unload);
	unload();
	T_CHECK(system("ucmdctl handler load kv >/dev/null") == 0, "load kv");
	fd = t_open_dev();
	t_ring_init(&ring, 4, 0);
	t_prep_cmd(&ring, fd, UCMD_KV_PUT, &put, sizeof(put), 1);
	T_CHECK(t_run_one(&ring, &cqe) == 0 && cqe.res == 0, "kv put %d", cqe.res);
	io_uring_queue_exit(&ring);
	close(fd);
	features = t_sysfs_long("features");
	T_CHECK(features > 0, "features %llu", features);

	for (int deny = 0; deny < 2; deny++) {
		if (deny) {
			T_CHECK(system("ucmdctl policy load rules >/dev/null") == 0,
				"load rules");
			rules_fd = bpf_obj_get(UCMD_BPFFS_DIR "/rules/rules");
			T_CHECK(rules_fd >= 0, "rules map: %s", strerror(errno));
			T_CHECK(set_deny(1) == 0, "rules");
		}
		for (int s = 0; s < t_nr_ring_shapes; s++)
			for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
				char name[64];

				snprintf(name, sizeof(name), "%s/%s", t_ring_shapes[s].name,
					 modes[m].name);
				bad |= run_ring(t_ring_shapes[s].flags | modes[m].flags,
						name, deny);
				cells += NR_CHAINS;
			}
	}
	T_CHECK(t_sysfs_wait("inflight", 0, 5000) == 0, "inflight %ld",
		t_sysfs_long("inflight"));
	fprintf(stderr, "%d chains checked\n", cells);
	return bad ? T_EXIT_FAIL : T_EXIT_PASS;
}
