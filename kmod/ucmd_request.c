// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd requests: the API handlers use on a request (ucmd_req_*(), declared
 * in ucmd_handler.h) and the one completion path every request leaves
 * through, synchronous, deferred or cancelled: ucmd_done(), which fires
 * the ucmd:ucmd_complete tracepoint and posts the CQE with
 * io_uring_cmd_done().
 *
 * Rules followed here come from io_uring/uring_cmd.c (6.12 and 7.3):
 * io_uring_cmd_done() is called at most once and only with issue_flags
 * io_uring handed us, and a request marked cancelable is always completed
 * through io_uring_cmd_done(), which unlinks it from the ring's
 * cancelable list.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io_uring/cmd.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/overflow.h>
#include <linux/timekeeping.h>
#include <linux/module.h>
#include <linux/err.h>
#include <uapi/linux/ucmd.h>

#include "ucmd_request.h"
#include "ucmd_file.h"
#include "ucmd_compat.h"
#include "ucmd_trace.h"

/**
 * ucmd_req_cmd() - the io_uring request behind a ucmd request
 * @req: the request passed to ->issue
 *
 * For what the handler needs of io_uring itself: cmd->file (the open
 * /dev/ucmd file), cmd->flags (IORING_URING_CMD_FIXED) and
 * io_uring_cmd_import_fixed(). Never for io_uring_cmd_done(): ucmd
 * completes the request.
 *
 * Return: the io_uring_cmd whose PDU holds @req, or NULL for a request
 * that came through ioctl() (the handler then returns -EOPNOTSUPP if it
 * needs io_uring).
 */
struct io_uring_cmd *ucmd_req_cmd(struct ucmd_req *req)
{
	if (req->ioctl)
		return NULL;
	return container_of((void *)req, struct io_uring_cmd, pdu);
}
EXPORT_SYMBOL_GPL(ucmd_req_cmd);

/**
 * ucmd_req_file() - the open /dev/ucmd file a request was issued on
 * @req: the request passed to ->issue
 *
 * Return: its struct ucmd_file, for io_uring and ioctl() requests alike.
 */
struct ucmd_file *ucmd_req_file(struct ucmd_req *req)
{
	if (req->ioctl)
		return container_of(req, struct ucmd_ioctl_req, req)->uf;
	return ucmd_req_cmd(req)->file->private_data;
}

/* @name: NULL for the handler's name. @kind: UCMD_DONE_*. */
void ucmd_trace_done(struct io_uring_cmd *cmd, struct ucmd_req *req,
		     int res, u64 res2, int kind, const char *name)
{
	u64 lat = 0;

	if (!trace_ucmd_complete_enabled())
		return;
	if (req->start_ns)
		lat = ktime_get_ns() - req->start_ns;
	if (!name)
		name = req->h ? req->h->ops->name : "-";
	trace_ucmd_complete(cmd->cmd_op, name, res, res2, lat, kind,
			    io_uring_cmd_get_task(cmd));
}

/*
 * References a deferred request holds on its handler's module. Those on
 * ucmd itself (built-in and BPF handlers) are counted, so that sysfs
 * module_refs can tell them from the references BPF objects hold.
 */
atomic_long_t ucmd_nr_self_pins = ATOMIC_LONG_INIT(0);

static bool ucmd_pin_owner(struct module *owner)
{
	if (!try_module_get(owner))
		return false;
	if (owner == THIS_MODULE)
		atomic_long_inc(&ucmd_nr_self_pins);
	return true;
}

static void ucmd_unpin_owner(struct module *owner)
{
	if (owner == THIS_MODULE)
		atomic_long_dec(&ucmd_nr_self_pins);
	module_put(owner);
}

/**
 * ucmd_async_claim() - take what a deferred request holds of its handler
 * @async: the request's state
 *
 * Return: true for the one caller (the completion, or unregister) that
 * now drops the handler's reference, the module pin and the place on
 * ucmd_handler.deferred; false if someone else did or does.
 */
bool ucmd_async_claim(struct ucmd_async *async)
{
	return atomic_xchg(&async->held, 0);
}

/*
 * Drop what @async held of @h, claimed with ucmd_async_claim(). @h may be
 * freed once this returns.
 */
static void ucmd_async_unhold(struct ucmd_handler *h, struct ucmd_async *async)
{
	spin_lock(&h->lock);
	list_del(&async->node);
	spin_unlock(&h->lock);
	ucmd_unpin_owner(h->ops->owner);
	ucmd_handler_put(h);
}

/*
 * Free a deferred request's state, dropping what it held of @h if @held
 * (ucmd_async_claim() by the caller). Called after io_uring_cmd_done()
 * has taken the request off io_uring's cancelable list (under
 * uring_lock), so that a cancel holding uring_lock never sees @async
 * freed, or for a deferral the issue undid.
 */
void ucmd_async_free(struct ucmd_handler *h, struct ucmd_async *async,
		     bool held)
{
	atomic_dec(&async->uf->nr_deferred);
	atomic_long_dec(&ucmd_nr_async);
	if (held)
		ucmd_async_unhold(h, async);
	kfree(async);
}

/*
 * Post the CQE through io_uring_cmd_done(), then drop what the request held.
 * The caller has returned or will return -EIOCBQUEUED to io_uring for it.
 * @cmd and its PDU may be recycled once io_uring_cmd_done() returns, so
 * everything needed afterwards is read before. A deferred request's hold
 * is its @async's (the issue that deferred it drops its own @req->ref),
 * a synchronous request's is @req->ref.
 */
void ucmd_done(struct io_uring_cmd *cmd, int res, u64 res2,
	       unsigned int issue_flags, int kind, const char *name)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);
	struct ucmd_handler *h = req->h;
	struct ucmd_async *async = req->async;
	bool cqe32 = (issue_flags & IO_URING_F_CQE32) || (async && async->cqe32);
	bool held = async ? ucmd_async_claim(async) : req->ref;

	res = ucmd_fixup_res(res);
	if (trace_ucmd_complete_enabled())
		ucmd_trace_done(cmd, req, res, res2, kind,
				async && !held ? async->hname : name);
	ucmd_cmd_done(cmd, res, res2, cqe32, issue_flags);
	if (async)
		ucmd_async_free(h, async, held);
	else if (held)
		ucmd_handler_put(h);
}

static void ucmd_async_tw(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	struct ucmd_async *async = ucmd_cmd_req(cmd)->async;

	ucmd_done(cmd, async->res, async->res2, issue_flags, async->kind, NULL);
}

UCMD_DEFINE_TW(ucmd_async_tw);

/*
 * Ask the handler to stop a queued request. ops->cancel() is called with
 * the handler's lock held, so two cancels (ring teardown, unregister)
 * never run at once, only for a QUEUED request, and in an RCU read-side
 * section that began before the state was read. Returns true if the
 * caller now owns the completion (state DONE).
 */
bool ucmd_async_try_cancel(struct ucmd_req *req, struct ucmd_async *async)
{
	int queued = UCMD_ASYNC_QUEUED;
	bool ret = false;

	lockdep_assert_held(&req->h->lock);
	/*
	 * One RCU read-side section from the state check through
	 * ops->cancel(): what a racing completion frees with kfree_rcu()
	 * after it moved the request on from QUEUED outlives the call.
	 */
	rcu_read_lock();
	if (atomic_read(&async->state) == UCMD_ASYNC_QUEUED &&
	    req->h->ops->cancel(req, async->priv))
		ret = atomic_try_cmpxchg(&async->state, &queued,
					 UCMD_ASYNC_DONE);
	rcu_read_unlock();
	if (ret)
		atomic_long_inc(&ucmd_nr_cancelled);
	return ret;
}

/**
 * ucmd_req_detach_all() - make a handler's deferred requests let go of it
 * @h: a handler being unregistered (its ref is killed: no new requests)
 *
 * For each request on @h->deferred: a QUEUED one that is cancelable is
 * offered to ops->cancel(); if that stops it, it completes with
 * -ECANCELED from its submitter's task work. That one, and every request
 * whose completion is taken already (DONE: completed by the handler, or
 * cancelled by ring teardown, its CQE still to be posted), is detached:
 * its handler reference and module pin are dropped here, so that
 * unregister need not wait for its task work, which cannot run while
 * the unregistering task - maybe the submitter - waits. Requests still
 * in ->issue (ISSUING, COMPLETED) and queued ones ->cancel could not stop
 * are left for the next call (ucmd_handler_reap() calls it until the
 * handler's last reference is gone).
 *
 * Context: process context; takes @h->lock.
 */
void ucmd_req_detach_all(struct ucmd_handler *h)
{
	struct ucmd_async *async, *tmp;

	spin_lock(&h->lock);
	list_for_each_entry_safe(async, tmp, &h->deferred, node) {
		struct ucmd_req *req = ucmd_cmd_req(async->cmd);
		int state = atomic_read(&async->state);
		bool cancelled = false;

		if (state == UCMD_ASYNC_QUEUED) {
			if (!READ_ONCE(async->cancelable) ||
			    !ucmd_async_try_cancel(req, async))
				continue;
			cancelled = true;
		} else if (state != UCMD_ASYNC_DONE) {
			continue;	/* in ->issue: the issue goes on */
		}
		/*
		 * Before the claim: a completion that then finds @held 0
		 * names the handler from it. @async outlives the copy: a
		 * completion that claims it first frees it only after
		 * ucmd_async_unhold() took @h->lock, which we hold.
		 */
		strscpy(async->hname, h->ops->name);
		if (!ucmd_async_claim(async))
			continue;	/* its completion is dropping it now */
		list_del(&async->node);
		ucmd_unpin_owner(h->ops->owner);
		ucmd_handler_put(h);	/* @h lives: only its reaper, our caller, frees it */
		if (!cancelled)
			continue;
		async->res = -ECANCELED;
		async->res2 = 0;
		async->kind = UCMD_DONE_CANCELLED;
		/* @async may be freed from here on. */
		io_uring_cmd_complete_in_task(async->cmd, ucmd_async_tw_tw);
	}
	spin_unlock(&h->lock);
}

/**
 * ucmd_req_set_res2() - set the res2 of a synchronous completion
 * @req: the request passed to ->issue
 * @res2: the value; it reaches userspace in cqe->big_cqe[0] on rings set up
 *	  with IORING_SETUP_CQE32 and is dropped on others
 *
 * Call from ->issue before returning a result. Deferred requests pass
 * their res2 to ucmd_req_complete() instead.
 */
void ucmd_req_set_res2(struct ucmd_req *req, u64 res2)
{
	req->res2 = res2;
}
EXPORT_SYMBOL_GPL(ucmd_req_set_res2);

/**
 * ucmd_req_defer() - take ownership of a request to complete it later
 * @req: the request passed to ->issue
 * @priv_size: bytes of private, zeroed, 8-byte aligned memory the handler
 *	       needs until completion (e.g. a delayed_work)
 * @gfp: allocation flags: GFP_NOWAIT when @issue_flags of ->issue has
 *	 IO_URING_F_NONBLOCK, GFP_KERNEL otherwise; ucmd adds __GFP_ACCOUNT,
 *	 so the area is charged to the submitter's memcg
 *
 * After this, ->issue either returns -EIOCBQUEUED and ucmd_req_complete()
 * is called exactly once on the returned area, or returns a result without
 * having published the area to anyone. ucmd frees the area after the
 * completion is posted; the handler must not touch it after calling
 * ucmd_req_complete(). While the area exists the handler's module cannot
 * be unloaded (delete_module() fails with -EWOULDBLOCK).
 *
 * Return: the private area, or an ERR_PTR() the handler returns as its
 * result: -ENOMEM if it cannot be allocated, -EBUSY if the request's file
 * has ucmd.max_inflight deferred requests already, -EOPNOTSUPP for a
 * request that came through ioctl(), which cannot be deferred, -ENODEV
 * if the handler's module is going away, -EINVAL if @req is deferred
 * already.
 */
void *ucmd_req_defer(struct ucmd_req *req, size_t priv_size, gfp_t gfp)
{
	struct ucmd_async *async;
	struct ucmd_file *uf;
	struct io_uring_cmd *cmd;

	if (req->ioctl) {
		req->defer_refused = 1;
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (req->async)
		return ERR_PTR(-EINVAL);
	cmd = container_of((void *)req, struct io_uring_cmd, pdu);
	uf = cmd->file->private_data;
	if (atomic_inc_return(&uf->nr_deferred) > READ_ONCE(ucmd_max_inflight)) {
		atomic_dec(&uf->nr_deferred);
		return ERR_PTR(-EBUSY);
	}
	if (!ucmd_pin_owner(req->h->ops->owner)) {
		atomic_dec(&uf->nr_deferred);
		return ERR_PTR(-ENODEV);
	}
	async = kzalloc(struct_size(async, priv, priv_size), gfp | __GFP_ACCOUNT);
	if (!async) {
		ucmd_unpin_owner(req->h->ops->owner);
		atomic_dec(&uf->nr_deferred);
		return ERR_PTR(-ENOMEM);
	}
	async->cmd = cmd;
	async->uf = uf;
	atomic_set(&async->state, UCMD_ASYNC_ISSUING);
	async->kind = UCMD_DONE_ASYNC;
	/*
	 * The request's own reference, taken once nothing can fail: an
	 * inline issue holds none, but runs in the RCU read-side section of
	 * its lookup, and the reference is not killed before that section
	 * ends (ucmd_handler_retire()); an io-wq issue holds its lookup's.
	 * Listed once initialised: unregister reads what it lists.
	 */
	percpu_ref_get(&req->h->ref);
	atomic_set(&async->held, 1);
	spin_lock(&req->h->lock);
	list_add_tail(&async->node, &req->h->deferred);
	spin_unlock(&req->h->lock);
	req->async = async;
	atomic_long_inc(&ucmd_nr_async);
	return async->priv;
}
EXPORT_SYMBOL_GPL(ucmd_req_defer);

/**
 * ucmd_req_mark_cancelable() - let ring teardown cancel a deferred request
 * @req: a request that ucmd_req_defer() succeeded on
 * @issue_flags: the issue_flags ->issue received
 *
 * Mirrors io_uring_cmd_mark_cancelable(). Call after the private area is
 * initialised and before the work that completes the request is published:
 * from then on ops->cancel may be called (by ring teardown, or by
 * ucmd_unregister_handler()) until the completion is posted. Does nothing
 * for a request that is not deferred or whose handler has no ops->cancel.
 */
void ucmd_req_mark_cancelable(struct ucmd_req *req, unsigned int issue_flags)
{
	struct ucmd_async *async = req->async;

	if (!async || !req->h->ops->cancel || async->cancelable)
		return;
	/* read by cancels only once the issue made the request QUEUED */
	WRITE_ONCE(async->cancelable, true);
	io_uring_cmd_mark_cancelable(async->cmd, issue_flags);
}
EXPORT_SYMBOL_GPL(ucmd_req_mark_cancelable);

/**
 * ucmd_req_complete() - complete a deferred request
 * @priv: the area ucmd_req_defer() returned
 * @res: result for cqe->res (>= 0, or -errno to fail the request; restart
 *	 codes become -EINTR)
 * @res2: res2 (cqe->big_cqe[0] on CQE32 rings)
 *
 * Callable once per request from any context (process, softirq, hardirq,
 * workqueue), also from ->issue itself: the CQE is posted from the
 * submitting task's context via io_uring_cmd_complete_in_task() (or by
 * the issue, if it is still running), then @priv is freed. Not to be
 * called after ops->cancel() returned true for the request.
 */
void ucmd_req_complete(void *priv, int res, u64 res2)
{
	struct ucmd_async *async = container_of(priv, struct ucmd_async, priv);
	int old = atomic_read(&async->state);
	int new;

	async->res = res;
	async->res2 = res2;
	do {
		if (old == UCMD_ASYNC_COMPLETED || old == UCMD_ASYNC_DONE) {
			pr_warn_ratelimited("request completed twice\n");
			return;
		}
		new = old == UCMD_ASYNC_ISSUING ? UCMD_ASYNC_COMPLETED :
						  UCMD_ASYNC_DONE;
	} while (!atomic_try_cmpxchg(&async->state, &old, new));
	if (new == UCMD_ASYNC_DONE)
		io_uring_cmd_complete_in_task(async->cmd, ucmd_async_tw_tw);
}
EXPORT_SYMBOL_GPL(ucmd_req_complete);
