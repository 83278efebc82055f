// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's generator and reference model (model.h). Every prediction
 * cites the rule it follows: the UAPI header for payloads and errnos,
 * docs/semantics.md for ucmd's own checks and validation, and io_uring of
 * Linux 6.12 for prep failures and links.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <liburing.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"

#include "model.h"

#define FZ_BAD_ADDR	0x1000UL	/* never mapped */
#define PAYLOAD_CHECK_MAX_DELAY_US 100000ULL	/* bpf/payload_check.bpf.c */

__u64 fz_rand(struct fz_rng *r)
{
	__u64 v;

	if (r->tape && r->pos < r->len)
		return r->tape[r->pos++];
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	v = r->s * 0x2545F4914F6CDD1DULL;
	if (r->tape && r->pos < r->cap) {
		r->tape[r->pos++] = v;
		r->len = r->pos;
	}
	return v;
}

static bool one_in(struct fz_rng *r, unsigned int n)
{
	return fz_below(r, n) == 0;
}

/* A result ECHO and DELAY may be asked for: mostly valid, some not. */
static __s32 gen_res(struct fz_rng *r)
{
	switch (fz_below(r, 10)) {
	case 0:
		return -(int)(1 + fz_below(r, 133));	/* a userspace errno */
	case 1:
		return -(int)(512 + fz_below(r, 40));	/* kernel-internal */
	case 2:
		return one_in(r, 2) ? INT32_MIN : INT32_MAX;
	default:
		return fz_below(r, 1000);
	}
}

/* A kv key this thread has not touched in this batch, or -1. */
static int gen_key(struct fz_rng *r, struct fz_kv *kv)
{
	int k = fz_below(r, FZ_KV_KEYS);

	for (int i = 0; i < FZ_KV_KEYS; i++, k = (k + 1) % FZ_KV_KEYS)
		if (!kv->touched[k]) {
			kv->touched[k] = true;
			return k;
		}
	return -1;
}

static void gen_rw(struct fz_rng *r, struct fz_sqe *s, const struct fz_ring *ring)
{
	struct ucmd_rw rw = { 0 };
	unsigned long base = ring->tbuf, blen = ring->tbuf_len;

	if (one_in(r, 3)) {
		s->uring_cmd_flags = IORING_URING_CMD_FIXED;
		base = ring->buf;
		blen = ring->buf_len;
	}
	rw.len = 1 + fz_below(r, 4096);
	rw.offset = fz_below(r, UCMD_BUF_SIZE - rw.len + 1);
	rw.addr = base + fz_below(r, blen - rw.len + 1);
	switch (fz_below(r, 12)) {
	case 0:
		rw.len = 0;
		break;
	case 1:
		rw.len = UCMD_BUF_SIZE + 1 + fz_below(r, 100);
		break;
	case 2:
		rw.offset = UCMD_BUF_SIZE - rw.len + 1 + fz_below(r, 100);
		break;
	case 3:
		rw.addr = s->uring_cmd_flags ? base + blen - rw.len / 2 : FZ_BAD_ADDR;
		break;
	}
	memcpy(s->payload, &rw, sizeof(rw));
}

void fz_gen(struct fz_rng *r, struct fz_sqe *s, const struct fz_ring *ring,
	    struct fz_kv *kv, bool malformed, bool in_chain)
{
	int key;

	memset(s, 0, sizeof(*s));
	s->fixed_file = -1;
	s->kind = fz_below(r, FZ_NR_KINDS);
	switch (s->kind) {
	case FZ_NOP:
		s->cmd_op = UCMD_CMD_NOP;
		break;
	case FZ_ECHO: {
		struct ucmd_echo e = { .res = gen_res(r), .res2 = fz_rand(r) };

		if (one_in(r, 8))
			e.res2 = 0xbad;		/* payload_check denies it */
		if (one_in(r, 20))
			e.pad = 1;
		s->cmd_op = UCMD_CMD_ECHO;
		memcpy(s->payload, &e, sizeof(e));
		break;
	}
	case FZ_DELAY: {
		struct ucmd_delay d = { .delay_us = fz_below(r, 200),
					.res = gen_res(r), .res2_lo = fz_rand(r) };

		if (one_in(r, 40))
			d.delay_us = PAYLOAD_CHECK_MAX_DELAY_US + 1 + fz_below(r, 50000);
		else if (one_in(r, 20))
			d.delay_us = UCMD_DELAY_MAX_US + 1 + fz_rand(r) % 1000;
		s->cmd_op = UCMD_CMD_DELAY;
		memcpy(s->payload, &d, sizeof(d));
		break;
	}
	case FZ_SUM: {
		struct ucmd_sum sum = { .count = fz_below(r, UCMD_SUM_MAX + 1) };

		for (int i = 0; i < UCMD_SUM_MAX; i++)
			sum.vals[i] = fz_rand(r);
		if (one_in(r, 10))
			sum.count = UCMD_SUM_MAX + 1 + fz_below(r, 100);
		if (one_in(r, 20))
			sum.pad = 1;
		s->cmd_op = UCMD_CMD_SUM;
		memcpy(s->payload, &sum, sizeof(sum));
		break;
	}
	case FZ_FEATURES: {
		struct ucmd_features f = { 0 };

		switch (fz_below(r, 4)) {
		case 0:
			f.addr = ring->features_addr;
			break;
		case 1:
			f.addr = FZ_BAD_ADDR;
			break;
		}
		if (one_in(r, 10))
			f.reserved = fz_rand(r) | 1;
		s->cmd_op = UCMD_CMD_GET_FEATURES;
		memcpy(s->payload, &f, sizeof(f));
		break;
	}
	case FZ_SLEEP: {
		struct ucmd_sleep sl = { .sleep_us = fz_below(r, 50) };

		if (one_in(r, 10))
			sl.sleep_us = UCMD_SLEEP_MAX_US + 1 + fz_below(r, 100);
		if (one_in(r, 20))
			sl.pad = 1;
		if (one_in(r, 20))
			sl.res2 = 1;
		s->cmd_op = UCMD_CMD_SLEEP;
		memcpy(s->payload, &sl, sizeof(sl));
		break;
	}
	case FZ_READ:
	case FZ_WRITE:
		s->cmd_op = s->kind == FZ_READ ? UCMD_CMD_READ : UCMD_CMD_WRITE;
		gen_rw(r, s, ring);
		break;
	case FZ_KV_PUT:
	case FZ_KV_GET:
	case FZ_KV_DEL: {
		struct ucmd_kv p = { .value = fz_rand(r) };

		key = kv ? gen_key(r, kv) : -1;
		if (key < 0) {		/* no kv here, or every key taken: a NOP */
			s->kind = FZ_NOP;
			s->cmd_op = UCMD_CMD_NOP;
			break;
		}
		p.key = kv->base + key;
		s->cmd_op = s->kind == FZ_KV_PUT ? UCMD_KV_PUT :
			    s->kind == FZ_KV_GET ? UCMD_KV_GET : UCMD_KV_DEL;
		memcpy(s->payload, &p, sizeof(p));
		break;
	}
	case FZ_ADD:
	case FZ_MUL: {
		struct ucmd_arith a = { .a = fz_rand(r), .b = fz_rand(r) };

		if (one_in(r, 2))
			a.a >>= 40;
		if (one_in(r, 2))
			a.b >>= 40;
		s->cmd_op = s->kind == FZ_ADD ? UCMD_ARITH_ADD : UCMD_ARITH_MUL;
		memcpy(s->payload, &a, sizeof(a));
		break;
	}
	case FZ_TIMER: {
		struct ucmd_timer t = { .delay_us = fz_below(r, 3) ? fz_below(r, 300) : 0,
					.res = gen_res(r), .res2_lo = fz_rand(r) };

		if (one_in(r, 20))
			t.delay_us = UCMD_TIMER_MAX_US + 1 + fz_rand(r) % 1000;
		s->cmd_op = UCMD_TIMER_WAIT;
		memcpy(s->payload, &t, sizeof(t));
		break;
	}
	case FZ_CSUM: {
		struct ucmd_csum c = { .seed = fz_rand(r) };
		unsigned long base = ring->tbuf, blen = ring->tbuf_len;

		if (one_in(r, 3)) {
			s->uring_cmd_flags = IORING_URING_CMD_FIXED;
			base = ring->buf;
			blen = ring->buf_len;
		}
		c.len = fz_below(r, 2048);
		c.addr = base + fz_below(r, blen - c.len + 1);
		switch (fz_below(r, 10)) {
		case 0:
			c.len = UCMD_CSUM_MAX + 1 + fz_below(r, 100);
			break;
		case 1:
			c.addr = FZ_BAD_ADDR;
			c.len |= 1;
			break;
		case 2:
			/* past the registered buffer's end; plain: never mapped */
			c.len |= 1;
			c.addr = s->uring_cmd_flags ? base + blen - c.len / 2 : FZ_BAD_ADDR;
			break;
		}
		s->cmd_op = UCMD_CSUM;
		memcpy(s->payload, &c, sizeof(c));
		break;
	}
	case FZ_UNKNOWN:
		s->cmd_op = _IOC(fz_below(r, 4), one_in(r, 2) ? UCMD_IOC_TYPE : fz_below(r, 256),
				 0x40 + fz_below(r, 0xc0), fz_below(r, 81));
		for (int i = 0; i < FZ_MAX_PAYLOAD; i++)
			s->payload[i] = fz_rand(r);
		break;
	case FZ_BADSIZE: {
		static const __u32 known[] = {
			UCMD_CMD_NOP, UCMD_CMD_ECHO, UCMD_CMD_DELAY, UCMD_CMD_SUM,
			UCMD_CMD_READ,
		};
		__u32 op = known[fz_below(r, 5)];
		__u32 size = fz_below(r, 81);

		if (size == _IOC_SIZE(op))
			size = (size + 1) % 81;
		s->cmd_op = _IOC(_IOC_DIR(op), _IOC_TYPE(op), _IOC_NR(op), size);
		break;
	}
	default:
		s->kind = FZ_IOU_NOP;
		break;
	}

	/* Flags: links are set by the caller. */
	if (one_in(r, 4))
		s->iosqe |= IOSQE_ASYNC;
	if (one_in(r, 4))
		s->fixed_file = 0;
	if (ring->drain_ok && one_in(r, 16))
		s->iosqe |= IOSQE_IO_DRAIN;
	/*
	 * CQE_SKIP_SUCCESS only where the request completes during its
	 * issue: a skipped request still in flight when the batch ends
	 * could be validated under the next batch's policy.
	 */
	if (!ring->drain_ok && !in_chain && !(s->iosqe & IOSQE_ASYNC) &&
	    s->kind != FZ_DELAY && s->kind != FZ_SLEEP && s->kind != FZ_TIMER &&
	    s->kind != FZ_CSUM && one_in(r, 4))
		s->iosqe |= IOSQE_CQE_SKIP_SUCCESS;
	if (s->kind == FZ_IOU_NOP || !malformed || !one_in(r, 8))
		return;
	switch (fz_below(r, 5)) {
	case 0:
		s->uring_cmd_flags |= 1U << (1 + fz_below(r, 31));
		s->prep_err = -EINVAL;		/* io_uring_cmd_prep(): flags mask */
		break;
	case 1:
		s->pad1 = 1 + fz_below(r, 0xffff);
		s->prep_err = -EINVAL;		/* io_uring_cmd_prep(): __pad1 */
		break;
	case 2:
		s->uring_cmd_flags |= IORING_URING_CMD_FIXED;
		s->buf_index = 1 + fz_below(r, 100);
		if (ring->bufidx_at_prep)	/* else READ/WRITE's import fails */
			s->prep_err = -EFAULT;
		break;
	case 3:
		s->iosqe |= IOSQE_BUFFER_SELECT;
		s->prep_err = ring->bufsel_err;	/* the core's, see fz_ring */
		break;
	default:
		s->fixed_file = 1;		/* not registered: -EBADF at issue */
		break;
	}
}

static bool handler_exists(const struct fz_sqe *s, const struct fz_policy *pol)
{
	switch (s->kind) {
	case FZ_KV_PUT:
	case FZ_KV_GET:
	case FZ_KV_DEL:
		return pol->kv;
	case FZ_ADD:
	case FZ_MUL:
		return pol->arith;
	case FZ_TIMER:
		return pol->timer;
	case FZ_CSUM:
		return pol->csum;
	case FZ_UNKNOWN:
		return false;
	default:
		return true;
	}
}

/* The validators in attach order; the first denial wins (ucmd_ops). */
static int validate(const struct fz_sqe *s, const struct fz_ring *ring,
		    const struct fz_policy *pol)
{
	for (int v = 0; v < pol->nr_validators; v++) {
		if (pol->validators[v] == FZ_V_PAYLOAD) {
			/* bpf/payload_check.bpf.c */
			if (s->cmd_op == UCMD_CMD_DELAY) {
				struct ucmd_delay d;

				memcpy(&d, s->payload, sizeof(d));
				if (d.delay_us > PAYLOAD_CHECK_MAX_DELAY_US)
					return -E2BIG;
			} else if (s->cmd_op == UCMD_CMD_ECHO) {
				struct ucmd_echo e;

				memcpy(&e, s->payload, sizeof(e));
				if (e.res2 == 0xbad)
					return -EINVAL;
			}
			continue;
		}
		/* bpf/rules.bpf.c: exact uid first, then any uid. */
		const struct fz_rule *exact = NULL, *any = NULL;

		for (int i = 0; i < pol->nr_rules; i++) {
			const struct fz_rule *ru = &pol->rules[i];

			if (ru->cmd_op != s->cmd_op)
				continue;
			if (ru->uid == ring->uid)
				exact = ru;
			else if (ru->uid == FZ_ANY_UID)
				any = ru;
		}
		if (!exact)
			exact = any;
		if (exact && exact->verdict)
			return exact->verdict;
	}
	return 0;
}

static bool res_valid(__s32 res)
{
	return res > -512;	/* ECHO, DELAY: kernel-internal codes refused */
}

static bool in_range(unsigned long a, unsigned long len, unsigned long base,
		     unsigned long blen)
{
	return a >= base && a + len <= base + blen;
}

/*
 * A CQE io_uring posts itself (IORING_OP_NOP, a prep failure, a cancelled
 * link member) carries the io_kiocb's big_cqe as it is. On 6.12 that is
 * stale when the io_kiocb last served a request whose CQE was skipped
 * (IOSQE_CQE_SKIP_SUCCESS: io_fill_cqe_req() never ran, so big_cqe was
 * never cleared): its res2 is known only on rings that skip nothing.
 * ucmd's own CQEs always carry their res2 (docs/semantics.md).
 */
static bool core_res2_known(const struct fz_ring *ring)
{
	return ring->drain_ok || !(ring->flags & IORING_SETUP_CQE32);
}

/* The request as issued alone, not cancelled. */
static void predict_one(struct fz_sqe *s, const struct fz_ring *ring,
			const struct fz_policy *pol, const struct fz_kv *kv)
{
	bool cqe32 = ring->flags & IORING_SETUP_CQE32;
	size_t area = ring->flags & IORING_SETUP_SQE128 ? UCMD_PAYLOAD_SQE128 :
							  UCMD_PAYLOAD_SQE64;
	__u64 res2 = 0;
	int res = 0;

	s->check_res2 = true;
	s->denied = false;
	s->ran = false;
	if (s->fixed_file == 1 || s->kind == FZ_IOU_NOP) {
		/* io_assign_file() at issue: -EBADF; or io_uring's own NOP */
		res = s->kind == FZ_IOU_NOP ? 0 : -EBADF;
		s->check_res2 = core_res2_known(ring);
		goto out;
	}
	if (_IOC_SIZE(s->cmd_op) > area) {
		res = -EINVAL;		/* payload does not fit the SQE */
		goto out;
	}
	if (!handler_exists(s, pol)) {
		res = -EOPNOTSUPP;
		goto out;
	}
	if (s->kind == FZ_BADSIZE) {
		res = -EINVAL;		/* cmd_op differs from the handler's */
		goto out;
	}
	res = validate(s, ring, pol);
	if (res) {
		s->denied = true;
		goto out;
	}
	s->ran = true;
	switch (s->kind) {
	case FZ_ECHO: {
		struct ucmd_echo e;

		memcpy(&e, s->payload, sizeof(e));
		if (e.pad || !res_valid(e.res)) {
			res = -EINVAL;
		} else {
			res = e.res;
			res2 = e.res2;
		}
		break;
	}
	case FZ_DELAY:
	case FZ_TIMER: {
		/* struct ucmd_timer (ucmd_progs.h) has struct ucmd_delay's layout */
		__u64 max = s->kind == FZ_DELAY ? UCMD_DELAY_MAX_US : UCMD_TIMER_MAX_US;
		struct ucmd_delay d;

		memcpy(&d, s->payload, sizeof(d));
		if (d.delay_us > max || !res_valid(d.res)) {
			res = -EINVAL;
		} else {
			res = d.res;
			res2 = d.res2_lo;
		}
		break;
	}
	case FZ_CSUM: {
		struct ucmd_csum c;	/* ucmd_progs.h */
		bool ok;

		memcpy(&c, s->payload, sizeof(c));
		if (c.len > UCMD_CSUM_MAX) {
			res = -EINVAL;
			break;
		}
		/* 0 bytes: the program copies nothing, imports nothing */
		if (!c.len)
			ok = true;
		else if (s->uring_cmd_flags & IORING_URING_CMD_FIXED)
			ok = !s->buf_index &&
			     in_range(c.addr, c.len, ring->buf, ring->buf_len);
		else
			ok = in_range(c.addr, c.len, ring->tbuf, ring->tbuf_len);
		res = ok ? (int)c.len : -EFAULT;
		/* READ may rewrite the bytes in the same batch: res2 unknown */
		s->check_res2 = false;
		break;
	}
	case FZ_SUM: {
		struct ucmd_sum sum;

		memcpy(&sum, s->payload, sizeof(sum));
		if (sum.pad || sum.count > UCMD_SUM_MAX) {
			res = -EINVAL;
			break;
		}
		for (__u32 i = 0; i < sum.count; i++)
			res2 += sum.vals[i];
		res = sum.count;
		break;
	}
	case FZ_FEATURES: {
		struct ucmd_features f;

		memcpy(&f, s->payload, sizeof(f));
		if (f.reserved)
			res = -EINVAL;
		else if (f.addr && f.addr != ring->features_addr)
			res = -EFAULT;
		else
			res2 = ring->features;
		break;
	}
	case FZ_SLEEP: {
		struct ucmd_sleep sl;

		memcpy(&sl, s->payload, sizeof(sl));
		if (sl.pad || sl.res2 || sl.sleep_us > UCMD_SLEEP_MAX_US)
			res = -EINVAL;
		else
			s->check_res2 = false;	/* the issue_flags that slept */
		break;
	}
	case FZ_READ:
	case FZ_WRITE: {
		struct ucmd_rw rw;
		bool ok;

		memcpy(&rw, s->payload, sizeof(rw));
		if (!rw.len || rw.len > UCMD_BUF_SIZE ||
		    rw.offset > UCMD_BUF_SIZE - rw.len) {
			res = -EINVAL;
			break;
		}
		if (s->uring_cmd_flags & IORING_URING_CMD_FIXED)
			ok = !s->buf_index &&	/* buffer 0 only */
			     in_range(rw.addr, rw.len, ring->buf, ring->buf_len);
		else
			ok = in_range(rw.addr, rw.len, ring->tbuf, ring->tbuf_len);
		res = ok ? (int)rw.len : -EFAULT;
		break;
	}
	case FZ_KV_PUT:
	case FZ_KV_GET:
	case FZ_KV_DEL: {
		struct ucmd_kv p;
		int k;

		memcpy(&p, s->payload, sizeof(p));
		k = p.key - kv->base;
		if (s->kind == FZ_KV_PUT)
			break;
		if (!kv->present[k])
			res = -ENOENT;
		else if (s->kind == FZ_KV_GET)
			res2 = kv->value[k];
		break;
	}
	case FZ_ADD:
	case FZ_MUL: {
		struct ucmd_arith a;

		memcpy(&a, s->payload, sizeof(a));
		if (s->kind == FZ_ADD)
			res2 = a.a + a.b;
		else if (__builtin_mul_overflow(a.a, a.b, &res2))
			res = -EOVERFLOW, res2 = 0;	/* no res2 set */
		break;
	}
	default:
		break;
	}
out:
	s->res = res;
	s->res2 = cqe32 ? res2 : 0;
}

static void apply_kv(const struct fz_sqe *s, struct fz_kv *kv)
{
	struct ucmd_kv p;
	int k;

	if (!s->ran || s->res < 0)
		return;
	memcpy(&p, s->payload, sizeof(p));
	k = p.key - kv->base;
	if (s->kind == FZ_KV_PUT) {
		kv->present[k] = true;
		kv->value[k] = p.value;
	} else if (s->kind == FZ_KV_DEL) {
		kv->present[k] = false;
	}
}

void fz_predict_chain(struct fz_sqe *s, int n, const struct fz_ring *ring,
		      const struct fz_policy *pol, struct fz_kv *kv)
{
	bool prep_failed = false, cancel = false;

	for (int i = 0; i < n; i++)
		prep_failed |= s[i].prep_err != 0;
	/*
	 * io_submit_fail_init(): a member that fails prep fails the whole
	 * link: it completes with its error, every other member (hard
	 * links too, io_queue_sqe_fallback()) with -ECANCELED; none runs.
	 */
	if (prep_failed) {
		for (int i = 0; i < n; i++) {
			s[i].res = s[i].prep_err ? s[i].prep_err : -ECANCELED;
			s[i].res2 = 0;
			s[i].check_res2 = core_res2_known(ring);
			s[i].ran = false;
			s[i].denied = false;
			s[i].cqe = true;
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		if (cancel) {
			/* io_fail_links(): the rest of the chain */
			s[i].res = -ECANCELED;
			s[i].res2 = 0;
			s[i].check_res2 = core_res2_known(ring);
			s[i].ran = false;
			s[i].denied = false;
		} else {
			predict_one(&s[i], ring, pol, kv);
			if (s[i].res < 0 && i < n - 1 &&
			    !(s[i].iosqe & IOSQE_IO_HARDLINK))
				cancel = true;
		}
		s[i].cqe = !(s[i].iosqe & IOSQE_CQE_SKIP_SUCCESS) || s[i].res < 0;
	}
	for (int i = 0; i < n; i++)
		if (s[i].kind >= FZ_KV_PUT && s[i].kind <= FZ_KV_DEL)
			apply_kv(&s[i], kv);
}

void fz_describe(const struct fz_sqe *s, char *buf, size_t len)
{
	static const char *const names[] = {
		"nop", "echo", "delay", "sum", "get_features", "sleep", "read",
		"write", "kv_put", "kv_get", "kv_del", "arith_add", "arith_mul",
		"timer_wait", "csum",
		"unknown", "badsize", "IORING_OP_NOP",
	};
	int n;

	n = snprintf(buf, len, "%s cmd_op=0x%08x iosqe=0x%02x uring_cmd_flags=0x%x buf_index=%u pad1=%u fixed_file=%d payload=",
		     names[s->kind], s->cmd_op, s->iosqe, s->uring_cmd_flags,
		     s->buf_index, s->pad1, s->fixed_file);
	for (unsigned int i = 0; i < _IOC_SIZE(s->cmd_op) && i < 32 && n > 0 &&
	     (size_t)n < len - 3; i++)
		n += snprintf(buf + n, len - n, "%02x", s->payload[i]);
}
