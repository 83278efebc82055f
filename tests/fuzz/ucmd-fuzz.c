// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd-fuzz: a model-based random-SQE fuzzer for /dev/ucmd.
 *
 *   ucmd-fuzz [-s SEED] [-t SECONDS] [-n SQES] [-j THREADS] [-P] [-U] [-K] [-F]
 *
 * Each thread owns its rings and its /dev/ucmd file and sends batches of
 * random chains (IO_LINK, IO_HARDLINK, ASYNC, DRAIN, FIXED_FILE,
 * CQE_SKIP_SUCCESS, registered buffers, every built-in op, the kv,
 * arith, timer (deferred in BPF) and csum (sleepable, user memory) BPF
 * handlers, unknown ops, wrong size fields, payloads that fail
 * prep) to a ring of a random shape: SQE64/128 x CQE16/32 x plain, SQPOLL,
 * DEFER_TASKRUN, COOP_TASKRUN; odd-numbered threads run as uid 65534.
 * model.c predicts every CQE's res and res2; a CQE that differs, a CQE
 * missing or posted twice is a violation, and one for a request the
 * model says a policy denies is also a bypass. Between batches (no
 * request in flight) the main thread changes the policy state: the rules
 * policy with random deny rules (EAGAIN included, per uid and any uid),
 * payload_check, the kv, arith, timer and csum handlers, loaded and
 * unloaded in random order (unloading timer cancels what closed rings
 * left waiting). Some rings are closed with requests in flight; at the end
 * /sys/class/misc/ucmd/inflight must be back to 0.
 *
 * With -U (unregister churn), handlers and policies also come and go
 * while requests are in flight, and how long each unregister takes is
 * checked: the submitting threads (the root ones) themselves attach and
 * detach tests/bpf/churn_timer.bpf.o with libbpf and register and
 * unregister ucmd_test's TIMER and NOWAIT (its registered parameter),
 * between submitting a batch of those ops and reaping it, on whatever ring
 * they have (every mode and shape above); a second process attaches and
 * detaches the BPF handler raw_res and attaches, replaces and detaches
 * an allow-all policy with libbpf. Each such request must complete exactly
 * once, with its result, -ECANCELED (a detach cancelled it) or
 * -EOPNOTSUPP (nothing served it); an unregister that takes over 2 s (6 s
 * with UCMD_DEBUG_KERNEL set) is a violation ("slow unregister").
 *
 * With -K (a kernel with KCOV, ucmd.ko built with KCOV_INSTRUMENT: make
 * fuzz KCOV=1) each submitting thread traces ucmd.ko's basic blocks and
 * the run prints the edges found so far every 30 s; -F (implies -K) keeps
 * the batches that found new edges and mutates them (kcov.h).
 *
 * A violation prints the seed, the ring and the chain, and whether that
 * chain fails alone on a fresh ring. Exit 0 when clean, 1 on a
 * violation, 2 on a set-up error (a bundled handler that fails to load
 * included, so that no op goes untested unnoticed). The last line is "fuzz: N SQEs ...".
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <liburing.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"
#include "ucmd_rules_user.h"
#include "ucmd_test.h"

#include "kcov.h"
#include "model.h"

#define MAX_BATCH	64
#define MAX_CHAIN	4
#define RING_ENTRIES	128
#define NOBODY		65534

static struct {
	__u64 seed;
	int seconds;
	long min_sqes;
	int threads;
	bool policies;
	bool churn;
	bool kcov, feedback;
} opt = { .seconds = 30, .threads = 2, .policies = true };

static atomic_long nr_sqes, nr_cqes, nr_violations, nr_bypasses, nr_denied;
static atomic_long nr_setup_errors;	/* a bundled handler failed to load */
static atomic_long nr_closed, nr_batches;
static atomic_bool stop;
static pthread_rwlock_t policy_lock;
static struct fz_policy policy;		/* under policy_lock */
static __u64 features;
static int bufsel_err;		/* see struct fz_ring */
static bool bufidx_at_prep;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_long nr_churn_sqes, nr_unregs, nr_slow_unregs;
static int unreg_limit_ms = 2000;
static pid_t churner_pid = -1;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static long sysfs_long(const char *name)
{
	char path[128], buf[64] = "";
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/misc/%s/%s", UCMD_DEV_NAME, name);
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			v = strtol(buf, NULL, 0);
		fclose(f);
	}
	return v;
}

/* ---- one thread's rings ---- */

struct ring_state {
	struct io_uring ring;
	struct fz_ring m;
	const char *mode;
	int fd;
	bool live;
};

struct thread {
	pthread_t thr;
	int id;
	struct fz_rng rng;
	struct fz_kv kv;
	int devfd;
	__u32 uid;
	void *tbuf, *fbuf;
	__u64 feat_word;
	__u64 batch_id;
	long sqes;
	struct fz_kcov kcov;	/* -K */
	__u64 tape[FZ_TAPE_MAX];	/* -F: the current batch's draws */
};

static const struct { const char *name; unsigned int flags; } modes[] = {
	{ "plain", 0 },
	{ "sqpoll", IORING_SETUP_SQPOLL },
	{ "defer_taskrun", IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER },
	{ "coop_taskrun", IORING_SETUP_COOP_TASKRUN },
};

static int ring_open(struct thread *t, struct ring_state *rs, unsigned int shape,
		     int mode, bool drain_ok)
{
	struct iovec iov = { .iov_base = t->fbuf, .iov_len = UCMD_BUF_SIZE };
	unsigned int flags = shape | modes[mode].flags | IORING_SETUP_SUBMIT_ALL;
	int ret;

	memset(rs, 0, sizeof(*rs));
	ret = io_uring_queue_init(RING_ENTRIES, &rs->ring, flags);
	if (ret) {
		fprintf(stderr, "fuzz: io_uring_queue_init(0x%x): %s\n", flags,
			strerror(-ret));
		return -1;
	}
	ret = io_uring_register_files(&rs->ring, &t->devfd, 1);
	ret = ret ?: io_uring_register_buffers(&rs->ring, &iov, 1);
	if (ret) {
		fprintf(stderr, "fuzz: register: %s\n", strerror(-ret));
		io_uring_queue_exit(&rs->ring);
		return -1;
	}
	rs->fd = t->devfd;
	rs->mode = modes[mode].name;
	rs->m.flags = flags;
	rs->m.drain_ok = drain_ok;
	rs->m.buf = (unsigned long)t->fbuf;
	rs->m.buf_len = UCMD_BUF_SIZE;
	rs->m.tbuf = (unsigned long)t->tbuf;
	rs->m.tbuf_len = UCMD_BUF_SIZE;
	rs->m.features_addr = (unsigned long)&t->feat_word;
	rs->m.features = features;
	rs->m.bufsel_err = bufsel_err;
	rs->m.bufidx_at_prep = bufidx_at_prep;
	rs->m.uid = t->uid;
	rs->live = true;
	return 0;
}

static void prep_sqe(struct ring_state *rs, const struct fz_sqe *s,
		     unsigned long long ud)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&rs->ring);
	size_t area = rs->m.flags & IORING_SETUP_SQE128 ? 80 : 16;

	if (s->kind == FZ_IOU_NOP) {
		io_uring_prep_nop(sqe);
	} else {
		io_uring_prep_rw(IORING_OP_URING_CMD, sqe,
				 s->fixed_file >= 0 ? s->fixed_file : rs->fd,
				 NULL, 0, 0);
		sqe->cmd_op = s->cmd_op;
		sqe->uring_cmd_flags = s->uring_cmd_flags;
		sqe->buf_index = s->buf_index;
		sqe->__pad1 = s->pad1;
		memcpy(sqe->cmd, s->payload, area);
	}
	sqe->flags = s->iosqe | (s->fixed_file >= 0 ? IOSQE_FIXED_FILE : 0);
	sqe->user_data = ud;
}

static void report_chain(const char *what, const struct ring_state *rs,
			 const struct fz_sqe *c, int n, int bad,
			 const struct io_uring_cqe *cqe, __u64 res2)
{
	char d[512];

	fprintf(stderr, "fuzz: VIOLATION (seed %llu) %s on %s ring flags 0x%x uid %u:\n",
		(unsigned long long)opt.seed, what, rs->mode, rs->m.flags, rs->m.uid);
	for (int i = 0; i < n; i++) {
		fz_describe(&c[i], d, sizeof(d));
		fprintf(stderr, "  %c[%d] %s\n      want res %d res2 0x%llx%s cqe %d denied %d",
			i == bad ? '>' : ' ', i, d, c[i].res,
			(unsigned long long)c[i].res2, c[i].check_res2 ? "" : " (any)",
			c[i].cqe, c[i].denied);
		if (i == bad && cqe)
			fprintf(stderr, ", got res %d res2 0x%llx", cqe->res,
				(unsigned long long)res2);
		fputc('\n', stderr);
	}
}

struct batch {
	struct fz_sqe s[MAX_BATCH];
	int chain_start[MAX_BATCH];	/* index of each SQE's chain head */
	int chain_len[MAX_BATCH];	/* for heads */
	bool seen[MAX_BATCH];
	int n, expect;
	int bad_chain;			/* head of the first bad chain, or -1 */
};

/* Check one CQE of batch @b against the model; returns 1 on a violation. */
static int check_cqe(struct thread *t, struct ring_state *rs, struct batch *b,
		     const struct io_uring_cqe *cqe, bool quiet, int *got)
{
	unsigned long long ud = cqe->user_data;
	__u64 res2 = rs->m.flags & IORING_SETUP_CQE32 ? cqe->big_cqe[0] : 0;
	int i = ud & 0xffff, h;

	if (ud >> 16 != t->batch_id || i >= b->n || b->seen[i] || !b->s[i].cqe) {
		pthread_mutex_lock(&report_lock);
		if (ud >> 16 != t->batch_id || i >= b->n)
			fprintf(stderr, "fuzz: VIOLATION (seed %llu) stray CQE user_data 0x%llx res %d (batch %llu)\n",
				(unsigned long long)opt.seed, ud, cqe->res,
				(unsigned long long)t->batch_id);
		else
			report_chain(b->seen[i] ? "second CQE" : "CQE that should be skipped",
				     rs, &b->s[b->chain_start[i]],
				     b->chain_len[b->chain_start[i]],
				     i - b->chain_start[i], cqe, res2);
		pthread_mutex_unlock(&report_lock);
		if (i < b->n && b->bad_chain < 0)
			b->bad_chain = b->chain_start[i];
		return 1;
	}
	b->seen[i] = true;
	(*got)++;
	if (b->s[i].denied)
		atomic_fetch_add(&nr_denied, 1);
	if (cqe->res == b->s[i].res &&
	    (!b->s[i].check_res2 || res2 == b->s[i].res2))
		return 0;
	h = b->chain_start[i];
	if (b->bad_chain < 0)
		b->bad_chain = h;
	if (b->s[i].denied && cqe->res != b->s[i].res)
		atomic_fetch_add(&nr_bypasses, 1);
	if (!quiet) {
		pthread_mutex_lock(&report_lock);
		report_chain(b->s[i].denied && cqe->res != b->s[i].res ?
			     "policy bypass" : "wrong result", rs,
			     &b->s[h], b->chain_len[h], i - h, cqe, res2);
		pthread_mutex_unlock(&report_lock);
	}
	return 1;
}

/*
 * Submit @b on @rs and check every CQE against the model. Returns the
 * number of violations.
 */
static int run_batch(struct thread *t, struct ring_state *rs, struct batch *b,
		     bool close_early, bool quiet)
{
	unsigned long long deadline;
	int got = 0, bad = 0, ret;

	t->batch_id++;
	b->bad_chain = -1;
	for (int i = 0; i < b->n; i++)
		prep_sqe(rs, &b->s[i], t->batch_id << 16 | i);
	ret = io_uring_submit(&rs->ring);
	/* With SQPOLL, liburing counts what is pending, not what was taken. */
	if (ret < 0 || (ret != b->n && !(rs->m.flags & IORING_SETUP_SQPOLL))) {
		fprintf(stderr, "fuzz: submit %d of %d: %s\n", ret, b->n,
			ret < 0 ? strerror(-ret) : "short");
		return 1;
	}
	atomic_fetch_add(&nr_sqes, b->n);
	t->sqes += b->n;
	if (close_early) {
		/* Closed with requests in flight: teardown completes them. */
		io_uring_queue_exit(&rs->ring);
		rs->live = false;
		atomic_fetch_add(&nr_closed, 1);
		return 0;
	}
	deadline = now_ns() + 20000000000ULL;
	while (got < b->expect) {
		struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 200000000 };
		struct io_uring_cqe *cqes[MAX_BATCH], *cqe;
		unsigned int nr;

		ret = io_uring_wait_cqe_timeout(&rs->ring, &cqe, &ts);
		if (ret == -ETIME || ret == -EINTR) {
			if (now_ns() > deadline)
				break;
			continue;
		}
		if (ret) {
			fprintf(stderr, "fuzz: wait: %s\n", strerror(-ret));
			return bad + 1;
		}
		nr = io_uring_peek_batch_cqe(&rs->ring, cqes, MAX_BATCH);
		for (unsigned int j = 0; j < nr; j++)
			bad += check_cqe(t, rs, b, cqes[j], quiet, &got);
		io_uring_cq_advance(&rs->ring, nr);
	}
	/* Everything issued, skipped CQEs included, before the next policy. */
	while ((rs->m.flags & IORING_SETUP_SQPOLL) && io_uring_sq_ready(&rs->ring) &&
	       now_ns() < deadline)
		usleep(100);
	atomic_fetch_add(&nr_cqes, got);
	if (got < b->expect) {
		for (int i = 0; i < b->n; i++)
			if (b->s[i].cqe && !b->seen[i] && b->bad_chain < 0)
				b->bad_chain = b->chain_start[i];
		for (int i = 0; i < b->n && !quiet; i++)
			if (b->s[i].cqe && !b->seen[i]) {
				pthread_mutex_lock(&report_lock);
				report_chain("missing CQE", rs, &b->s[b->chain_start[i]],
					     b->chain_len[b->chain_start[i]],
					     i - b->chain_start[i], NULL, 0);
				pthread_mutex_unlock(&report_lock);
			}
		bad += b->expect - got;
	}
	return bad;
}

/*
 * Build a batch of random chains, predicted under the current policy; no
 * kv ops in a batch @closing (its ring is closed with it in flight).
 */
/* Replace the thread's ring with one of a shape and mode @r draws. */
static int ring_new(struct thread *t, struct ring_state *rs, struct fz_rng *r)
{
	unsigned int shape;

	if (rs->live)
		io_uring_queue_exit(&rs->ring);
	rs->live = false;
	shape = (fz_below(r, 2) ? IORING_SETUP_SQE128 : 0) |
		(fz_below(r, 2) ? IORING_SETUP_CQE32 : 0);
	return ring_open(t, rs, shape, fz_below(r, 4), fz_below(r, 4) == 0);
}

static void gen_batch(struct thread *t, struct fz_rng *r, struct ring_state *rs,
		      struct batch *b, bool closing)
{
	int n = 1 + fz_below(r, MAX_BATCH);

	memset(b, 0, sizeof(*b));
	memset(t->kv.touched, 0, sizeof(t->kv.touched));
	while (b->n < n) {
		int len = 1 + (fz_below(r, 3) ? 0 : fz_below(r, MAX_CHAIN));
		int h = b->n;

		if (len > n - b->n)
			len = n - b->n;
		for (int i = 0; i < len; i++) {
			struct fz_sqe *s = &b->s[h + i];

			fz_gen(r, s, &rs->m, closing ? NULL : &t->kv,
			       !rs->m.drain_ok, len > 1);
			if (i < len - 1)
				s->iosqe |= fz_below(r, 3) ? IOSQE_IO_LINK :
								   IOSQE_IO_HARDLINK;
			b->chain_start[h + i] = h;
		}
		b->chain_len[h] = len;
		fz_predict_chain(&b->s[h], len, &rs->m, &policy, &t->kv);
		b->n += len;
	}
	for (int i = 0; i < b->n; i++)
		b->expect += b->s[i].cqe;
}

/* Does the chain @c fail alone on a fresh ring like @rs? */
static void retry_alone(struct thread *t, const struct ring_state *rs,
			const struct fz_sqe *c, int n)
{
	struct ring_state fresh;
	struct batch b = { 0 };
	int shape = rs->m.flags & (IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	int mode = 0, bad;

	for (int m = 0; m < 4; m++)
		if ((rs->m.flags & ~(IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
				     IORING_SETUP_SUBMIT_ALL)) == modes[m].flags)
			mode = m;
	if (ring_open(t, &fresh, shape, mode, rs->m.drain_ok))
		return;
	memcpy(b.s, c, n * sizeof(*c));
	b.n = n;
	b.chain_len[0] = n;
	for (int i = 0; i < n; i++)
		b.expect += b.s[i].cqe;
	bad = run_batch(t, &fresh, &b, false, true);
	fprintf(stderr, "fuzz: that chain alone on a fresh ring: %s\n",
		bad ? "fails too (minimal)" : "passes (it needs the batch around it)");
	io_uring_queue_exit(&fresh.ring);
}

/* ---- unregister churn (-U): attach and detach with requests in flight ---- */

static int sh(const char *cmd);

#define CHURN_MAX	16
/* tests/bpf/churn_timer.bpf.o, attached as "ctimer" by whichever thread */
static struct {
	pthread_mutex_t lock;		/* held by the thread toggling it */
	struct bpf_object *obj;
	struct bpf_link *link;		/* NULL: detached */
} ctimer = { .lock = PTHREAD_MUTEX_INITIALIZER };
static pthread_mutex_t creg_lock = PTHREAD_MUTEX_INITIALIZER;
static bool creg_on = true;		/* ucmd_test's TIMER and NOWAIT */

/*
 * Count an unregister that began at @t0 (now_ns()); over unreg_limit_ms
 * is a violation. In the churner process the counters are its own: it
 * exits with nr_slow_unregs.
 */
static void unreg_timed(const char *what, unsigned long long t0)
{
	long ms = (now_ns() - t0) / 1000000;

	atomic_fetch_add(&nr_unregs, 1);
	if (ms < unreg_limit_ms)
		return;
	fprintf(stderr, "fuzz: VIOLATION (seed %llu) slow unregister: %s took %ld ms\n",
		(unsigned long long)opt.seed, what, ms);
	atomic_fetch_add(&nr_slow_unregs, 1);
	atomic_fetch_add(&nr_violations, 1);
}

/*
 * Open and load the BPF object @path, name its struct_ops instance @name
 * (struct ucmd_ops starts with its name), and attach it unless @map_out
 * is given (then only loaded, for bpf_link__update_map()). 0 or -1.
 */
static int obj_attach(const char *path, const char *name, struct bpf_object **obj_out,
		      struct bpf_link **link_out, struct bpf_map **map_out)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_map *map = NULL, *m;
	char *head;
	size_t sz;

	if (obj)
		bpf_object__for_each_map(m, obj)
			if (bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS)
				map = m;
	if (!map || !(head = bpf_map__initial_value(map, &sz)) || sz < UCMD_NAME_LEN) {
		fprintf(stderr, "fuzz: SET-UP ERROR %s: no struct_ops map\n", path);
		bpf_object__close(obj);
		return -1;
	}
	memset(head, 0, UCMD_NAME_LEN);
	strncpy(head, name, UCMD_NAME_LEN - 1);
	if (bpf_object__load(obj) ||
	    (!map_out && !(*link_out = bpf_map__attach_struct_ops(map)))) {
		fprintf(stderr, "fuzz: SET-UP ERROR attach %s as %s: %s\n", path, name,
			strerror(errno));
		bpf_object__close(obj);
		return -1;
	}
	if (map_out)
		*map_out = map;
	*obj_out = obj;
	return 0;
}

static int ctimer_attach(void)
{
	return obj_attach("/tests-bpf/churn_timer.bpf.o", "ctimer", &ctimer.obj,
			  &ctimer.link, NULL);
}

/* Detach ctimer if attached, else attach it; from a submitting thread. */
static void ctimer_toggle(void)
{
	unsigned long long t0;

	if (pthread_mutex_trylock(&ctimer.lock))
		return;
	if (!ctimer.link) {
		if (ctimer_attach())
			atomic_fetch_add(&nr_setup_errors, 1);
	} else {
		t0 = now_ns();
		bpf_link__destroy(ctimer.link);
		bpf_object__close(ctimer.obj);	/* its map: the kptrs' destructor */
		unreg_timed("ctimer detach (bpf_link__destroy) from its submitter", t0);
		ctimer.link = NULL;
		ctimer.obj = NULL;
	}
	pthread_mutex_unlock(&ctimer.lock);
}

/* Unregister ucmd_test's handlers if registered, else register them. */
static void creg_toggle(void)
{
	unsigned long long t0;
	int fd;

	if (pthread_mutex_trylock(&creg_lock))
		return;
	fd = open(UCMD_TEST_REGISTERED, O_WRONLY);
	t0 = now_ns();
	if (fd < 0 || write(fd, creg_on ? "0" : "1", 1) != 1) {
		fprintf(stderr, "fuzz: SET-UP ERROR %s: %s\n", UCMD_TEST_REGISTERED, strerror(errno));
		atomic_fetch_add(&nr_setup_errors, 1);
	} else {
		if (creg_on)
			unreg_timed("ucmd_test unregister from its submitter", t0);
		creg_on = !creg_on;
	}
	if (fd >= 0)
		close(fd);
	pthread_mutex_unlock(&creg_lock);
}

/*
 * One batch of the churned ops on @rs, drawn from @r (with -F, the tape):
 * ctimer's wait, ucmd_test's TIMER and NOWAIT, raw_res (sync and
 * deferred), each with a random result;
 * maybe a toggle of ctimer or ucmd_test by this thread itself while they
 * are in flight; then every CQE, once, with its result, -ECANCELED or
 * -EOPNOTSUPP. Returns the number of violations.
 */
static int churn_batch(struct thread *t, struct ring_state *rs, struct fz_rng *r)
{
	int n = 1 + fz_below(r, CHURN_MAX), got = 0, bad = 0, ret;
	int want[CHURN_MAX], kind[CHURN_MAX];
	bool seen[CHURN_MAX] = { false };
	unsigned long long deadline;

	t->batch_id++;
	for (int i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&rs->ring);
		union {
			struct ucmd_timer w;
			struct ucmd_delay d;
			struct ucmd_echo e;
		} p = { 0 };
		__u32 op;

		kind[i] = fz_below(r, 4);
		want[i] = fz_below(r, 1000);
		switch (kind[i]) {
		case 0:
			p.w.delay_us = fz_below(r, 20000);
			p.w.res = want[i];
			op = UCMD_TEST_CMD_CTIMER_WAIT;
			break;
		case 1:
			p.d.delay_us = fz_below(r, 20000);
			p.d.res = want[i];
			op = UCMD_TEST_CMD_TIMER;
			break;
		case 2:
			p.d.res = want[i];
			p.d.res2_lo = fz_below(r, 2);
			op = UCMD_TEST_CMD_NOWAIT;
			break;
		default:
			p.e.res = want[i];
			p.e.res2 = fz_below(r, 2);
			op = UCMD_TEST_CMD_BPF_RAW;
		}
		io_uring_prep_rw(IORING_OP_URING_CMD, sqe, rs->fd, NULL, 0, 0);
		sqe->cmd_op = op;
		memcpy(sqe->cmd, &p, 16);
		sqe->flags = fz_below(r, 4) ? 0 : IOSQE_ASYNC;
		sqe->user_data = t->batch_id << 16 | i;
	}
	ret = io_uring_submit(&rs->ring);
	if (ret < 0 || (ret != n && !(rs->m.flags & IORING_SETUP_SQPOLL))) {
		fprintf(stderr, "fuzz: churn submit %d of %d: %s\n", ret, n,
			ret < 0 ? strerror(-ret) : "short");
		return 1;
	}
	atomic_fetch_add(&nr_sqes, n);
	atomic_fetch_add(&nr_churn_sqes, n);
	/* The submitter detaches with its requests in flight (root only). */
	if (!t->uid && fz_below(r, 3) == 0) {
		if (fz_below(r, 2))
			ctimer_toggle();
		else
			creg_toggle();
	}
	deadline = now_ns() + 10000000000ULL;
	while (got < n && now_ns() < deadline) {
		struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 200000000 };
		struct io_uring_cqe *cqe;
		unsigned long long ud;
		int i;

		ret = io_uring_wait_cqe_timeout(&rs->ring, &cqe, &ts);
		if (ret == -ETIME || ret == -EINTR)
			continue;
		if (ret) {
			fprintf(stderr, "fuzz: churn wait: %s\n", strerror(-ret));
			return bad + 1;
		}
		ud = cqe->user_data;
		i = ud & 0xffff;
		if (ud >> 16 != t->batch_id || i >= n || seen[i]) {
			fprintf(stderr, "fuzz: VIOLATION (seed %llu) churn: %s CQE user_data 0x%llx res %d on %s ring\n",
				(unsigned long long)opt.seed, i < n && seen[i] ? "second" : "stray",
				ud, cqe->res, rs->mode);
			bad++;
		} else {
			seen[i] = true;
			got++;
			if (cqe->res != want[i] && cqe->res != -ECANCELED &&
			    cqe->res != -EOPNOTSUPP) {
				fprintf(stderr, "fuzz: VIOLATION (seed %llu) churn op kind %d on %s ring flags 0x%x: res %d want %d, -ECANCELED or -EOPNOTSUPP\n",
					(unsigned long long)opt.seed, kind[i], rs->mode,
					rs->m.flags, cqe->res, want[i]);
				bad++;
			}
		}
		io_uring_cqe_seen(&rs->ring, cqe);
	}
	atomic_fetch_add(&nr_cqes, got);
	if (got < n) {
		fprintf(stderr, "fuzz: VIOLATION (seed %llu) churn: %d of %d CQEs missing after 10 s on %s ring flags 0x%x\n",
			(unsigned long long)opt.seed, n - got, n, rs->mode, rs->m.flags);
		bad += n - got;
	}
	return bad;
}

/*
 * The other process: attaches and detaches the BPF handler raw_res, and
 * attaches, replaces (bpf_link__update_map()) and detaches an allow-all
 * policy, with libbpf as an application would, timing each detach
 * (BPF_LINK_DETACH, which holds the BPF core's struct_ops update_mutex
 * across ucmd's unregister) and replace, until its parent tells it to
 * stop (SIGTERM) or is gone. Exits with the number of slow ones (at most
 * 100), or 101 on a set-up error.
 */
static volatile sig_atomic_t churner_stop;

static void churner_term(int sig)
{
	churner_stop = 1;
}

static void churner_detach(struct bpf_link *link, const char *what)
{
	unsigned long long t0 = now_ns();

	if (bpf_link__detach(link))
		fprintf(stderr, "fuzz: churner: detach %s: %s\n", what, strerror(errno));
	unreg_timed(what, t0);
	bpf_link__destroy(link);
}

static int churner(void)
{
	struct bpf_object *raw = NULL, *pol = NULL, *pol2;
	struct bpf_link *raw_link = NULL, *pol_link = NULL;
	struct bpf_map *map2;
	unsigned int rounds = 0;

	signal(SIGTERM, churner_term);
	libbpf_set_print(NULL);
	for (unsigned int i = 0; !churner_stop && getppid() != 1; i++) {
		switch (i % 4) {
		case 0:
			rounds++;
			if (obj_attach("/tests-bpf/raw_res.bpf.o", "raw_res", &raw, &raw_link, NULL) ||
			    obj_attach("/tests-bpf/allow_all.bpf.o", "churn_allow", &pol, &pol_link, NULL))
				return 101;
			break;
		case 1: {
			unsigned long long t0;

			if (obj_attach("/tests-bpf/allow_all.bpf.o", "churn_allow", &pol2, NULL, &map2))
				return 101;
			t0 = now_ns();
			if (bpf_link__update_map(pol_link, map2))
				fprintf(stderr, "fuzz: churner: replace: %s\n", strerror(errno));
			unreg_timed("policy replace from another process", t0);
			bpf_object__close(pol);
			pol = pol2;
			break;
		}
		case 2:
			churner_detach(raw_link, "detach of raw_res from another process");
			bpf_object__close(raw);
			raw = NULL;
			break;
		default:
			churner_detach(pol_link, "detach of churn_allow from another process");
			bpf_object__close(pol);
			pol = NULL;
		}
		/* loading verifies programs: leave the fuzz threads the CPUs */
		usleep(1000 * (20 + (i % 7) * 10));
	}
	if (raw) {
		churner_detach(raw_link, "detach of raw_res from another process");
		bpf_object__close(raw);
	}
	if (pol) {
		churner_detach(pol_link, "detach of churn_allow from another process");
		bpf_object__close(pol);
	}
	fprintf(stderr, "fuzz: churner: %u rounds of attach, replace, detach from another process\n",
		rounds);
	return atomic_load(&nr_slow_unregs) < 100 ? atomic_load(&nr_slow_unregs) : 100;
}

static void *thread_body(void *arg)
{
	struct thread *t = arg;
	struct ring_state rs = { .live = false };
	struct batch b;
	int batches_left = 0;

	/* Before setresuid: debugfs is root's. */
	if (opt.kcov) {
		int err = fz_kcov_open(&t->kcov);

		if (err) {
			fprintf(stderr, "fuzz: SET-UP ERROR -K: /sys/kernel/debug/kcov: %s (a kernel with CONFIG_KCOV?)\n",
				strerror(-err));
			atomic_fetch_add(&nr_setup_errors, 1);
			return NULL;
		}
	}
	if (t->uid && syscall(SYS_setresuid, -1, t->uid, -1)) {
		perror("fuzz: setresuid");
		atomic_fetch_add(&nr_violations, 1);
		return NULL;
	}
	t->devfd = open("/dev/" UCMD_DEV_NAME, O_RDWR | O_CLOEXEC);
	if (t->devfd < 0) {
		perror("fuzz: open /dev/ucmd");
		atomic_fetch_add(&nr_violations, 1);
		return NULL;
	}
	while (!atomic_load(&stop)) {
		struct fz_rng g = { .tape = t->tape, .cap = FZ_TAPE_MAX };
		struct fz_rng *r = &t->rng;
		bool close_early, churn;
		long feats = 0;
		int bad;

		/* -F: the tape reopens the ring, below. */
		if (!rs.live || (!opt.feedback && !batches_left--)) {
			if (ring_new(t, &rs, &t->rng)) {
				atomic_fetch_add(&nr_violations, 1);
				break;
			}
			batches_left = 1 + fz_below(&t->rng, 200);
		}
		/*
		 * -F: the batch's draws come from a mutated corpus entry (or
		 * fresh) and are recorded, from whether to replace the ring
		 * (its shape and mode: one batch in 100 on average, as without
		 * -F), whether it is a churn batch (-U) and close it in flight
		 * to the last SQE field; a batch that finds new edges, or new
		 * hit counts of one, joins the corpus.
		 */
		if (opt.feedback) {
			g.s = fz_rand(&t->rng) | 1;
			fz_corpus_pick(&t->rng, t->tape, &g.len);
			r = &g;
			if (fz_below(r, 100) == 0 && ring_new(t, &rs, r)) {
				atomic_fetch_add(&nr_violations, 1);
				break;
			}
		}
		churn = opt.churn && fz_below(r, 8) == 0;
		pthread_rwlock_rdlock(&policy_lock);
		if (churn) {
			bad = churn_batch(t, &rs, r);
		} else {
			close_early = fz_below(r, 100) == 0;
			gen_batch(t, r, &rs, &b, close_early);
			bad = run_batch(t, &rs, &b, close_early, false);
		}
		pthread_rwlock_unlock(&policy_lock);
		atomic_fetch_add(&nr_batches, 1);
		if (opt.kcov) {
			long edges = fz_kcov_collect(&t->kcov, &feats);

			if (opt.feedback && !bad && (edges || feats))
				fz_corpus_add(t->tape, g.pos, edges);
		}
		if (bad) {
			atomic_fetch_add(&nr_violations, bad);
			if (!churn && rs.live && b.bad_chain >= 0)
				retry_alone(t, &rs, &b.s[b.bad_chain],
					    b.chain_len[b.bad_chain]);
			break;
		}
	}
	if (rs.live)
		io_uring_queue_exit(&rs.ring);
	close(t->devfd);
	if (opt.kcov) {
		fz_kcov_collect(&t->kcov, NULL);
		fz_kcov_close(&t->kcov);
	}
	return NULL;
}

/*
 * A fuzzing thread. With -K, KCOV's remote mode and a thread's own trace
 * exclude each other (KCOV_REMOTE_ENABLE makes the remote trace the
 * task's), so this thread only holds the remote trace and the child it
 * creates inherits the common handle (kcov_task_init()) and traces
 * itself: the io-wq workers and SQPOLL threads of the child's rings
 * inherit the handle in turn, and ucmd.ko records what they run in the
 * remote trace (kmod/ucmd_uring_cmd.c, ucmd_uring_cmd_kcov()).
 */
static void *thread_fn(void *arg)
{
	struct thread *t = arg;
	pthread_t body;
	int err;

	t->kcov.rfd = -1;
	if (!opt.kcov)
		return thread_body(t);
	err = fz_kcov_open_remote(&t->kcov, 0x75000000U |
				  ((__u32)getpid() & 0xffff) << 8 | t->id);
	if (err)
		fprintf(stderr, "fuzz: -K: no remote coverage (io-wq, SQPOLL): KCOV_REMOTE_ENABLE: %s\n",
			strerror(-err));
	err = pthread_create(&body, NULL, thread_body, t);
	if (err) {
		fprintf(stderr, "fuzz: SET-UP ERROR pthread_create: %s\n", strerror(err));
		atomic_fetch_add(&nr_setup_errors, 1);
	} else {
		pthread_join(body, NULL);
	}
	fz_kcov_close_remote(&t->kcov);
	return NULL;
}

/* ---- policy changes, between batches ---- */

static int sh(const char *cmd)
{
	char full[256];

	snprintf(full, sizeof(full), "%s >/dev/null 2>&1", cmd);
	return system(full);
}

static int rules_fd = -1;

/* Load the bundled handler @name if *@on is false, else unload it. */
static void toggle_handler(bool *on, const char *name)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "ucmdctl handler %s %s", *on ? "unload" : "load", name);
	if (*on) {
		sh(cmd);
		*on = false;
	} else {
		*on = !sh(cmd);
		if (!*on) {
			/* Not a ucmd violation, but every op of it would go untested. */
			fprintf(stderr, "fuzz: SET-UP ERROR '%s' failed\n", cmd);
			atomic_fetch_add(&nr_setup_errors, 1);
		}
	}
}

static void validator_remove(int which)
{
	for (int i = 0; i < policy.nr_validators; i++)
		if ((int)policy.validators[i] == which) {
			memmove(&policy.validators[i], &policy.validators[i + 1],
				(policy.nr_validators - i - 1) * sizeof(policy.validators[0]));
			policy.nr_validators--;
			return;
		}
}

static bool validator_on(int which)
{
	for (int i = 0; i < policy.nr_validators; i++)
		if ((int)policy.validators[i] == which)
			return true;
	return false;
}

static void set_rules(struct fz_rng *r)
{
	static const __u32 ops[FZ_NR_RULE_OPS] = {
		UCMD_CMD_NOP, UCMD_CMD_ECHO, UCMD_CMD_DELAY, UCMD_CMD_SUM,
		UCMD_CMD_GET_FEATURES, UCMD_CMD_SLEEP, UCMD_CMD_READ, UCMD_CMD_WRITE,
		UCMD_KV_PUT, UCMD_KV_GET, UCMD_KV_DEL, UCMD_ARITH_ADD, UCMD_ARITH_MUL,
		UCMD_TIMER_WAIT, UCMD_CSUM, UCMD_KV_GET,
	};
	static const int verdicts[] = { 0, -EPERM, -EACCES, -EAGAIN, -ENOSPC, -EBUSY };
	/* Clear the old rules, then add a few. */
	for (int i = 0; i < policy.nr_rules; i++)
		bpf_map_delete_elem(rules_fd, &policy.rules[i].cmd_op);
	policy.nr_rules = 0;
	for (int i = fz_below(r, 6); i > 0; i--) {
		struct fz_rule *ru = &policy.rules[policy.nr_rules];
		bool dup = false;

		ru->cmd_op = ops[fz_below(r, FZ_NR_RULE_OPS)];
		ru->uid = fz_below(r, 3) ? FZ_ANY_UID : fz_below(r, 2) ? 0 : NOBODY;
		ru->verdict = verdicts[fz_below(r, 6)];
		for (int j = 0; j < policy.nr_rules; j++)
			dup |= policy.rules[j].cmd_op == ru->cmd_op &&
			       policy.rules[j].uid == ru->uid;
		if (!dup)
			policy.nr_rules++;
	}
	/* One set per cmd_op, uid rules before rules for anyone, as ucmdctl writes. */
	for (int i = 0; i < policy.nr_rules; i++) {
		struct ucmd_rule_set set = { 0 };
		__u32 op = policy.rules[i].cmd_op;

		for (int pass = 0; pass < 2; pass++)
			for (int j = 0; j < policy.nr_rules; j++) {
				const struct fz_rule *ru = &policy.rules[j];
				struct ucmd_rule *out = &set.rules[set.nr_rules];

				if (ru->cmd_op != op || (ru->uid == FZ_ANY_UID) != pass)
					continue;
				out->verdict = ru->verdict;
				out->scope = pass ? UCMD_SCOPE_ANY : UCMD_SCOPE_UID;
				out->scope_id = pass ? 0 : ru->uid;
				set.nr_rules++;
			}
		if (ucmd_rules_write(rules_fd, op, &set))
			perror("fuzz: rules map");
	}
}

/* One random change of what is attached. Called with policy_lock held. */
static void change_policy(struct fz_rng *r)
{
	switch (fz_below(r, 8)) {
	case 0:
	case 1:
		if (!validator_on(FZ_V_RULES)) {
			if (sh("ucmdctl policy load rules")) {
				fprintf(stderr, "fuzz: SET-UP ERROR 'ucmdctl policy load rules' failed\n");
				atomic_fetch_add(&nr_setup_errors, 1);
				break;
			}
			rules_fd = bpf_obj_get(UCMD_BPFFS_DIR "/rules/rules");
			policy.validators[policy.nr_validators++] = FZ_V_RULES;
			policy.nr_rules = 0;
		}
		if (fz_below(r, 6) == 0) {
			close(rules_fd);
			rules_fd = -1;
			sh("ucmdctl policy unload rules");
			validator_remove(FZ_V_RULES);
			policy.nr_rules = 0;
		} else {
			set_rules(r);
		}
		break;
	case 2:
		if (validator_on(FZ_V_PAYLOAD)) {
			sh("ucmdctl policy unload payload_check");
			validator_remove(FZ_V_PAYLOAD);
		} else if (!sh("ucmdctl policy load payload_check")) {
			policy.validators[policy.nr_validators++] = FZ_V_PAYLOAD;
		}
		break;
	case 3:
	case 4:
		toggle_handler(&policy.kv, "kv");
		break;
	case 5:
		toggle_handler(&policy.arith, "arith");
		break;
	case 6:
		/*
		 * Unload cancels what a closed ring still has waiting. This
		 * found a use-after-free of struct ucmd_bpf_req: a timer's
		 * complete freed it while ring-exit cancel was about to lock
		 * it (freed by RCU since; cancel-race reproduces it).
		 */
		toggle_handler(&policy.timer, "timer");
		break;
	default:
		toggle_handler(&policy.csum, "csum");
	}
}

static void unload_all(void)
{
	sh("ucmdctl policy unload rules");
	sh("ucmdctl policy unload payload_check");
	sh("ucmdctl handler unload kv");
	sh("ucmdctl handler unload arith");
	sh("ucmdctl handler unload timer");
	sh("ucmdctl handler unload csum");
}

static void usage(void)
{
	fprintf(stderr, "Usage: ucmd-fuzz [-s SEED] [-t SECONDS] [-n SQES] [-j THREADS] [-P]\n"
		"  -s SEED     seed (default: from the clock; printed)\n"
		"  -t SECONDS  run at most this long (default 30)\n"
		"  -n SQES     stop once this many SQEs were checked (default: time only)\n"
		"  -j THREADS  threads, each with its own rings (default 2)\n"
		"  -P          no policy changes (built-in ops only)\n"
		"  -U          unregister churn: attach/detach with requests in flight\n"
		"              (needs ucmd_test.ko and /tests-bpf)\n"
		"  -K          trace ucmd.ko's edges with KCOV, print them every 30 s\n"
		"  -F          coverage feedback: mutate the batches that found edges (-K)\n");
	exit(2);
}

#define KCOV_REPORT_NS	30000000000ULL

/* -K: one line of the edges-over-time table (tools/fuzz-kcov.sh reads it). */
static void kcov_report(unsigned long long t0, const char *what)
{
	fprintf(stderr, "fuzz: kcov%s %4.0f s: %ld edges, %ld PCs of ucmd.ko, %ld SQEs, corpus %ld\n",
		what, (now_ns() - t0) / 1e9, fz_kcov_edges(), fz_kcov_pcs(),
		atomic_load(&nr_sqes), fz_corpus_size());
}

/*
 * The core's answer to one uring_cmd NOP with these flags on a scratch
 * ring without registered buffers (for the kernel facts of struct fz_ring),
 * or 1 if the ring cannot be set up.
 */
static int probe_core(__u8 iosqe, __u32 uring_cmd_flags, __u16 buf_index)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int fd, res = 1;

	fd = open("/dev/" UCMD_DEV_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 1;
	if (!io_uring_queue_init(4, &ring, 0)) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
		sqe->cmd_op = UCMD_CMD_NOP;
		sqe->flags = iosqe;
		sqe->uring_cmd_flags = uring_cmd_flags;
		sqe->buf_index = buf_index;
		if (io_uring_submit(&ring) == 1 && !io_uring_wait_cqe(&ring, &cqe))
			res = cqe->res;
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return res;
}

int main(int argc, char **argv)
{
	pthread_rwlockattr_t attr;
	struct thread *th;
	struct fz_rng prng;
	unsigned long long t0, end, next_report;
	int c;

	opt.seed = now_ns() ^ getpid();
	while ((c = getopt(argc, argv, "s:t:n:j:PUKFh")) != -1) {
		switch (c) {
		case 's': opt.seed = strtoull(optarg, NULL, 0); break;
		case 't': opt.seconds = atoi(optarg); break;
		case 'n': opt.min_sqes = atol(optarg); break;
		case 'j': opt.threads = atoi(optarg); break;
		case 'P': opt.policies = false; break;
		case 'U': opt.churn = true; break;
		case 'F': opt.feedback = true; /* fall through */
		case 'K': opt.kcov = true; break;
		default: usage();
		}
	}
	if (opt.threads < 1 || opt.threads > 64 || opt.seconds < 1)
		usage();
	features = sysfs_long("features");
	if ((long long)features <= 0) {
		fprintf(stderr, "fuzz: cannot read ucmd's features (module loaded?)\n");
		return 2;
	}
	bufsel_err = probe_core(IOSQE_BUFFER_SELECT, 0, 0);
	c = probe_core(0, IORING_URING_CMD_FIXED, 1);
	if ((bufsel_err != -EOPNOTSUPP && bufsel_err != -EINVAL) || (c && c != -EFAULT)) {
		fprintf(stderr, "fuzz: unknown core answers: BUFFER_SELECT %d, bad buf_index %d\n",
			bufsel_err, c);
		return 2;
	}
	bufidx_at_prep = c == -EFAULT;
	if (opt.kcov && fz_kcov_setup())
		return 2;
	fprintf(stderr, "fuzz: seed %llu, %d threads, %d s%s%s\n",
		(unsigned long long)opt.seed, opt.threads, opt.seconds,
		opt.policies ? ", policy changes on" : "",
		opt.feedback ? ", KCOV feedback on" : opt.kcov ? ", KCOV (no feedback)" : "");
	unload_all();
	if (getenv("UCMD_DEBUG_KERNEL"))
		unreg_limit_ms = 6000;
	if (opt.churn) {
		FILE *f = fopen(UCMD_TEST_REGISTERED, "w");

		if (!f || fputs("1", f) < 0 || fclose(f)) {
			fprintf(stderr, "fuzz: -U: cannot register ucmd_test's handlers (%s): %s\n",
				UCMD_TEST_REGISTERED, strerror(errno));
			return 2;
		}
		/* first: the child must not inherit ctimer's link */
		fflush(NULL);
		churner_pid = fork();
		if (churner_pid == 0)
			_exit(churner());
		libbpf_set_print(NULL);
		if (ctimer_attach())
			return 2;
	}
	prng.s = opt.seed ^ 0x9e3779b97f4a7c15ULL;
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&policy_lock, &attr);

	th = calloc(opt.threads, sizeof(*th));
	for (int i = 0; i < opt.threads; i++) {
		th[i].id = i;
		th[i].rng.s = (opt.seed + 1) * 0x100000001b3ULL + i * 0x9e3779b97f4a7c15ULL;
		if (!th[i].rng.s)
			th[i].rng.s = 1;
		th[i].kv.base = (__u64)i * FZ_KV_KEYS + 1000;
		th[i].uid = i % 2 ? NOBODY : 0;
		th[i].tbuf = mmap(NULL, UCMD_BUF_SIZE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		th[i].fbuf = mmap(NULL, UCMD_BUF_SIZE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (th[i].tbuf == MAP_FAILED || th[i].fbuf == MAP_FAILED) {
			perror("fuzz: mmap");
			return 2;
		}
		pthread_create(&th[i].thr, NULL, thread_fn, &th[i]);
	}

	t0 = now_ns();
	end = t0 + opt.seconds * 1000000000ULL;
	next_report = t0 + KCOV_REPORT_NS;
	for (unsigned int tick = 0; now_ns() < end && !atomic_load(&nr_violations); tick++) {
		if (opt.min_sqes && atomic_load(&nr_sqes) >= opt.min_sqes)
			break;
		usleep(100000);
		if (opt.kcov && now_ns() >= next_report) {
			kcov_report(t0, "");
			next_report += KCOV_REPORT_NS;
		}
		if (!opt.policies)
			continue;
		pthread_rwlock_wrlock(&policy_lock);
		/*
		 * New rules often (map updates, each waiting an RCU grace
		 * period: rule sets are inner maps swapped whole), attach and
		 * detach every second.
		 */
		if (tick % 10 && !(tick % 2) && validator_on(FZ_V_RULES))
			set_rules(&prng);
		else if (!(tick % 10))
			change_policy(&prng);
		/* The kv map goes with the handler: the model forgets it. */
		if (!policy.kv)
			for (int i = 0; i < opt.threads; i++)
				memset(th[i].kv.present, 0, sizeof(th[i].kv.present));
		pthread_rwlock_unlock(&policy_lock);
	}
	atomic_store(&stop, true);
	for (int i = 0; i < opt.threads; i++)
		pthread_join(th[i].thr, NULL);
	if (rules_fd >= 0)
		close(rules_fd);
	if (churner_pid > 0) {
		int st;

		kill(churner_pid, SIGTERM);
		if (waitpid(churner_pid, &st, 0) == churner_pid &&
		    (!WIFEXITED(st) || WEXITSTATUS(st))) {
			long n = WIFEXITED(st) ? WEXITSTATUS(st) : 1;

			atomic_fetch_add(&nr_slow_unregs, n);
			atomic_fetch_add(&nr_violations, n);
		}
	}
	if (ctimer.link) {
		unsigned long long t1 = now_ns();

		bpf_link__destroy(ctimer.link);
		bpf_object__close(ctimer.obj);
		unreg_timed("ctimer detach at the end", t1);
	}
	unload_all();

	/* Ring teardown is asynchronous. */
	for (int i = 0; i < 100 && sysfs_long("inflight") != 0; i++)
		usleep(50000);
	if (sysfs_long("inflight") != 0) {
		fprintf(stderr, "fuzz: VIOLATION (seed %llu) inflight %ld after every ring closed\n",
			(unsigned long long)opt.seed, sysfs_long("inflight"));
		atomic_fetch_add(&nr_violations, 1);
	}
	if (opt.kcov) {
		kcov_report(t0, " final");
		fprintf(stderr, "fuzz: kcov remote (io-wq, SQPOLL): %ld PCs and %ld edges first seen there\n",
			fz_kcov_remote_pcs(), fz_kcov_remote_edges());
		fz_kcov_dump_pcs(stderr);
		fz_kcov_dump_edges(stderr);
	}
	if (opt.churn)
		fprintf(stderr, "fuzz: churn: %ld SQEs to ops attached and detached in flight, %ld unregisters from submitting threads, %ld slow unregisters\n",
			atomic_load(&nr_churn_sqes), atomic_load(&nr_unregs),
			atomic_load(&nr_slow_unregs));
	fprintf(stderr, "fuzz: %ld SQEs, %ld CQEs checked, %ld batches, %ld rings closed in flight, %ld denials, %ld violations, %ld bypasses, seed %llu, %.1f s\n",
		atomic_load(&nr_sqes), atomic_load(&nr_cqes), atomic_load(&nr_batches),
		atomic_load(&nr_closed), atomic_load(&nr_denied),
		atomic_load(&nr_violations), atomic_load(&nr_bypasses),
		(unsigned long long)opt.seed, (now_ns() - t0) / 1e9);
	if (atomic_load(&nr_violations))
		return 1;
	if (atomic_load(&nr_setup_errors))
		return 2;
	if (opt.min_sqes && atomic_load(&nr_sqes) < opt.min_sqes) {
		fprintf(stderr, "fuzz: only %ld of %ld SQEs in %d s\n",
			atomic_load(&nr_sqes), opt.min_sqes, opt.seconds);
		return 1;
	}
	return 0;
}
