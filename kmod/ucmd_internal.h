/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucmd internals shared by the dispatcher, the registry and the built-in
 * handlers. Not for other modules: they use ucmd_handler.h.
 */
#ifndef _UCMD_INTERNAL_H
#define _UCMD_INTERNAL_H

#include <linux/percpu-refcount.h>
#include <linux/completion.h>
#include <linux/rcupdate.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/ioctl.h>
#include <uapi/linux/ucmd.h>
#include "ucmd_handler.h"

/**
 * struct ucmd_handler - a registered handler, as the registry holds it
 * @ops: the callbacks, owned by the registering module
 * @ref: one reference per request that has looked the handler up and not
 *	 completed yet, plus the registry's own; killed by unregister
 * @released: completed by the last put after unregister killed @ref
 * @lock: protects @cancelable and serialises every ops->cancel() call
 * @cancelable: deferred requests marked with ucmd_req_mark_cancelable()
 *		and not yet completed (struct ucmd_async.node), so that
 *		unregister can cancel them
 * @rcu: the object is freed an RCU grace period after unregister, because
 *	 the lookup reads it under rcu_read_lock() before taking @ref
 */
struct ucmd_handler {
	const struct ucmd_handler_ops *ops;
	struct percpu_ref ref;
	struct completion released;
	spinlock_t lock;		/* see @lock above */
	struct list_head cancelable;
	struct rcu_head rcu;
};

/*
 * States of a deferred request (struct ucmd_async.state). Whoever moves it
 * to UCMD_ASYNC_DONE posts the one CQE; nobody else touches the request
 * after that.
 *
 *   ISSUING   ->issue is running; the handler may have published its work
 *   QUEUED    ->issue returned -EIOCBQUEUED; the work owns the request
 *   COMPLETED ucmd_req_complete() ran while ->issue was still running:
 *             the issue path posts the CQE when ->issue returns
 *   DONE      the CQE is posted or about to be; @async is freed after it
 *
 * ISSUING -> COMPLETED   ucmd_req_complete() during ->issue
 * ISSUING -> QUEUED      ->issue returned -EIOCBQUEUED
 * ISSUING -> DONE        ->issue failed before publishing (posts inline)
 * COMPLETED -> DONE      the issue path, when ->issue returns (inline)
 * QUEUED -> DONE         ucmd_req_complete() (task work), or a cancel
 *                        whose ops->cancel() returned true
 */
enum {
	UCMD_ASYNC_ISSUING,
	UCMD_ASYNC_QUEUED,
	UCMD_ASYNC_COMPLETED,
	UCMD_ASYNC_DONE,
};

struct ucmd_file;

/**
 * struct ucmd_async - state of a deferred request, allocated by
 * ucmd_req_defer() (charged to the submitter's memcg) and freed after its
 * completion has been posted
 * @cmd: the io_uring request
 * @uf: the open file the request counts against (ucmd_file.nr_deferred)
 * @state: UCMD_ASYNC_*, changed only with atomic_try_cmpxchg()
 * @res: result passed to ucmd_req_complete(), or -ECANCELED
 * @kind: UCMD_DONE_ASYNC or UCMD_DONE_CANCELLED, for the tracepoint
 * @cancelable: on the handler's cancelable list (under its lock)
 * @cqe32: the ring has IORING_SETUP_CQE32 (from the issue's issue_flags:
 *	   7.x task work and cancel calls do not say it)
 * @detached: cancelled by unregister, which already dropped what the
 *	      request held of the handler (its ref, its module): the
 *	      completion touches ucmd's memory only
 * @node: entry on ucmd_handler.cancelable
 * @res2: res2 passed to ucmd_req_complete()
 * @priv: the handler's private area, ucmd_req_defer()'s @priv_size bytes
 */
struct ucmd_async {
	struct io_uring_cmd *cmd;
	struct ucmd_file *uf;
	atomic_t state;
	int res;
	u8 kind;
	bool cancelable;
	bool cqe32;
	bool detached;
	struct list_head node;
	u64 res2;
	u8 priv[] __aligned(8);
};

/**
 * struct ucmd_req - per-request state kept in the io_uring_cmd PDU (32 bytes)
 * @h: the handler, with a reference held from lookup to completion
 * @start_ns: ktime_get_ns() at issue if tracing was on, else 0
 * @res2: res2 of a synchronous completion (ucmd_req_set_res2())
 * @async: set by ucmd_req_defer(), NULL for a synchronous request
 *
 * The PDU lives as long as the io_uring request; io_uring keeps it across
 * an -EAGAIN re-issue from io-wq.
 */
struct ucmd_req {
	struct ucmd_handler *h;
	u64 start_ns;
	u64 res2;
	struct ucmd_async *async;
};

/*
 * The registry (ucmd_registry.c): ucmd_table[_IOC_TYPE] -> page of
 * UCMD_TABLE_SIZE handler pointers indexed by _IOC_NR, both RCU-published.
 */
#define UCMD_TABLE_SIZE 256
extern struct ucmd_handler __rcu **ucmd_table[UCMD_TABLE_SIZE];

/**
 * ucmd_handler_get() - look up the handler of a cmd_op and pin it
 * @cmd_op: the cmd_op; its type and number select the handler
 *
 * O(1): two loads and a percpu_ref get, no call. Pair with
 * ucmd_handler_put().
 *
 * Return: the handler with a reference held, or NULL if none is
 * registered (or it is being unregistered).
 */
static inline struct ucmd_handler *ucmd_handler_get(u32 cmd_op)
{
	struct ucmd_handler __rcu **page;
	struct ucmd_handler *h = NULL;

	rcu_read_lock();
	page = rcu_dereference(ucmd_table[_IOC_TYPE(cmd_op)]);
	if (page) {
		h = rcu_dereference(page[_IOC_NR(cmd_op)]);
		if (h && !percpu_ref_tryget_live_rcu(&h->ref))
			h = NULL;
	}
	rcu_read_unlock();
	return h;
}

static inline void ucmd_handler_put(struct ucmd_handler *h)
{
	percpu_ref_put(&h->ref);
}

/**
 * struct ucmd_file - state of one open /dev/ucmd file (file->private_data)
 * @nr_deferred: deferred requests of this file not yet completed; at most
 *		 ucmd_max_inflight (ucmd_req_defer() fails with -EBUSY past it)
 * @buf: UCMD_BUF_SIZE bytes that READ and WRITE address, a separate
 *	 allocation so that it is not rounded up to twice its size; freed
 *	 at release, which cannot happen while a request holds the file
 *
 * Both allocated at open with GFP_KERNEL_ACCOUNT: charged to the opener's
 * memcg.
 */
struct ucmd_file {
	atomic_t nr_deferred;
	u8 *buf;
};

/* Module parameters (ucmd_main.c). */
extern unsigned int ucmd_max_inflight;

int ucmd_read_issue(struct ucmd_req *req, const void *payload,
		    unsigned int issue_flags);
int ucmd_write_issue(struct ucmd_req *req, const void *payload,
		     unsigned int issue_flags);

/* The handler ops a request was dispatched to. */
static inline const struct ucmd_handler_ops *
ucmd_req_handler_ops(struct ucmd_req *req)
{
	return req->h->ops;
}

extern int ucmd_bpf_nr_validators;
void ucmd_bpf_init(void);
bool ucmd_bpf_available(void);
ssize_t ucmd_bpf_status(char *buf);
int ucmd_bpf_validate(u32 cmd_op, const void *payload, unsigned int issue_flags,
		      bool reissue, char *who);
ssize_t ucmd_bpf_read(char *buf, loff_t off, size_t count);

void ucmd_handler_cancel_all(struct ucmd_handler *h);

int ucmd_registry_init(void);
void ucmd_registry_exit(void);

int ucmd_builtin_init(void);
void ucmd_builtin_exit(void);
u64 ucmd_features(void);

int ucmd_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags);
long ucmd_ioctl(struct file *file, unsigned int cmd_op, unsigned long arg);

/* Counters exposed in /sys/class/misc/ucmd/ (ucmd_main.c). */
extern atomic_long_t ucmd_nr_async;
extern atomic_long_t ucmd_nr_cancelled;

#endif /* _UCMD_INTERNAL_H */
