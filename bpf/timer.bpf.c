// SPDX-License-Identifier: GPL-2.0
/*
 * timer: an op that completes later, in BPF. UCMD_TIMER_WAIT defers its
 * request (bpf_ucmd_req_defer(): a reference the verifier tracks), parks
 * the reference in a map value next to a bpf_timer (bpf_kptr_xchg()), and
 * the timer's callback takes it out and completes the request with the
 * payload's result after delay_us. A delay of 0 completes from a bpf_wq
 * callback instead (the kernel's workqueue, in process context).
 * UCMD_TIMER_FLUSH, another request of the same program, completes every
 * waiting request now with its own payload's res and res2 and completes
 * itself with how many it completed. Closing the ring cancels a waiting
 * request (-ECANCELED); the late callback's complete is then a no-op.
 * Unloading the handler cancels what still waits, and a reference left
 * in the map when it is freed is completed with -ECANCELED by its
 * destructor.
 *
 *   ucmdctl handler load timer
 *   ucmdctl cmd timer_wait 20000 7 99       # res 7, res2 99, after 20 ms
 *   ucmdctl cmd timer_wait 5000000 & ucmdctl cmd timer_flush 0 -4  # wait: res -4; flush: res 1
 *   ucmdctl handler unload timer
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define CLOCK_MONOTONIC 1

struct waiter {
	struct bpf_timer timer;
	struct bpf_wq wq;
	struct ucmd_bpf_req __kptr *req;
	__s32 res;
	__u32 res2_lo;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct waiter);
} waiters SEC(".maps");

__u64 next_id;

/*
 * kernel/bpf/helpers.c. The callback setter changed name: 6.12 has
 * bpf_wq_set_callback_impl() with a hidden last argument, 7.x
 * bpf_wq_set_callback() (KF_IMPLICIT_ARGS; its _impl now takes a
 * struct bpf_prog_aux *, which libbpf finds incompatible). Both weak:
 * bpf_ksym_exists() picks the kernel's, the other call is dead code.
 */
extern int bpf_wq_init(struct bpf_wq *wq, void *p__map, unsigned int flags) __ksym;
extern int bpf_wq_start(struct bpf_wq *wq, unsigned int flags) __ksym;
extern int bpf_wq_set_callback(struct bpf_wq *wq,
			       int (callback_fn)(void *map, int *key, void *value),
			       unsigned int flags) __weak __ksym;
extern int bpf_wq_set_callback_impl(struct bpf_wq *wq,
				    int (callback_fn)(void *map, int *key, void *value),
				    unsigned int flags__k, void *aux__ign) __weak __ksym;

static int fire(void *map, __u64 *key, struct waiter *w)
{
	struct ucmd_bpf_req *req = bpf_kptr_xchg(&w->req, NULL);

	if (req)
		bpf_ucmd_req_complete(req, w->res, w->res2_lo);
	bpf_map_delete_elem(map, key);
	return 0;
}

static int wq_fire(void *map, int *key, void *value)
{
	return fire(map, (__u64 *)key, value);
}

struct flush_ctx {
	__s32 res;
	__u32 res2_lo;
	int n;
};

static long flush_one(struct bpf_map *map, __u64 *key, struct waiter *w,
		      struct flush_ctx *c)
{
	struct ucmd_bpf_req *req = bpf_kptr_xchg(&w->req, NULL);

	/* The entry stays: its timer or bpf_wq finds it empty and deletes it. */
	if (req && !bpf_ucmd_req_complete(req, c->res, c->res2_lo))
		c->n++;
	return 0;
}

/* Arm @w's bpf_wq (delay 0) or bpf_timer; 0 or -ENOMEM. */
static int arm(struct waiter *w, __u64 delay_us)
{
	if (!delay_us) {
		if (bpf_wq_init(&w->wq, &waiters, 0))
			return -ENOMEM;
		if (bpf_ksym_exists(bpf_wq_set_callback))
			return bpf_wq_set_callback(&w->wq, wq_fire, 0) ? -ENOMEM : 0;
		return bpf_wq_set_callback_impl(&w->wq, wq_fire, 0, NULL) ? -ENOMEM : 0;
	}
	return bpf_timer_init(&w->timer, &waiters, CLOCK_MONOTONIC) ||
	       bpf_timer_set_callback(&w->timer, fire) ? -ENOMEM : 0;
}

SEC("struct_ops/handle")
int BPF_PROG(timer_handle, struct ucmd_bpf_ctx *req_ctx)
{
	struct ucmd_timer p = {};
	struct waiter init = {}, *w;
	struct ucmd_bpf_req *req;
	__u64 id;

	if (bpf_ucmd_read_payload(req_ctx, 0, &p, sizeof(p)) < 0)
		return -EINVAL;
	if (p.res < -511)
		return -EINVAL;
	if (req_ctx->cmd_op == UCMD_TIMER_FLUSH) {
		struct flush_ctx c = { .res = p.res, .res2_lo = p.res2_lo };

		bpf_for_each_map_elem(&waiters, flush_one, &c, 0);
		return c.n;
	}
	if (p.delay_us > UCMD_TIMER_MAX_US)
		return -EINVAL;
	id = __sync_fetch_and_add(&next_id, 1);
	init.res = p.res;
	init.res2_lo = p.res2_lo;
	if (bpf_map_update_elem(&waiters, &id, &init, BPF_NOEXIST))
		return -ENOMEM;
	w = bpf_map_lookup_elem(&waiters, &id);
	if (!w)
		return -ENOMEM;
	if (arm(w, p.delay_us)) {
		bpf_map_delete_elem(&waiters, &id);
		return -ENOMEM;
	}
	req = bpf_ucmd_req_defer(req_ctx);
	if (!req) {
		bpf_map_delete_elem(&waiters, &id);
		return -ENOMEM;
	}
	req = bpf_kptr_xchg(&w->req, req);
	if (req)	/* a fresh entry holds none; the verifier wants it handled */
		bpf_ucmd_req_complete(req, -EEXIST, 0);
	if (p.delay_us)
		bpf_timer_start(&w->timer, p.delay_us * 1000, 0);
	else
		bpf_wq_start(&w->wq, 0);
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_timer = {
	.name = "timer",
	.op_first = UCMD_TIMER_WAIT,
	.op_last = UCMD_TIMER_FLUSH,
	.handle = (void *)timer_handle,
};
