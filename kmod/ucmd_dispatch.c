// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd dispatcher: the .uring_cmd of /dev/ucmd and the request API.
 *
 * Every request takes one fixed path:
 *   flag checks -> payload copy -> handler lookup -> BPF policy (first
 *   issue only) -> ->issue -> completion
 * and every completion, synchronous, deferred or cancelled, leaves through
 * ucmd_trace_done(), which fires the ucmd:ucmd_complete tracepoint.
 *
 * Rules followed here come from io_uring/uring_cmd.c (Linux 6.12): the SQE
 * is read only during issue, io_uring_cmd_done() is called at most once and
 * only with issue_flags io_uring handed us, and a request marked cancelable
 * is always completed through io_uring_cmd_done(), which unlinks it from
 * the ring's cancelable list.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io_uring/cmd.h>
#include <linux/slab.h>
#include <linux/overflow.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/err.h>
#include <uapi/linux/ucmd.h>

#include "ucmd_internal.h"
#include "ucmd_compat.h"

#define CREATE_TRACE_POINTS
#include "ucmd_trace.h"

/*
 * ioctl() requests have no io_uring request to complete later: their
 * req->async is NONE, and REFUSED once a handler tried to defer.
 */
#define UCMD_ASYNC_NONE ((struct ucmd_async *)ERR_PTR(-EOPNOTSUPP))
#define UCMD_ASYNC_REFUSED ((struct ucmd_async *)ERR_PTR(-EAGAIN))

static inline struct ucmd_req *ucmd_cmd_req(struct io_uring_cmd *cmd)
{
	return io_uring_cmd_to_pdu(cmd, struct ucmd_req);
}

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
	if (IS_ERR(req->async))
		return NULL;
	return container_of((void *)req, struct io_uring_cmd, pdu);
}
EXPORT_SYMBOL_GPL(ucmd_req_cmd);

/*
 * The result userspace gets. io_issue_sqe() maps the restart codes of a
 * plain return to -EINTR (io_fixup_restart_res(), io_uring/io_uring.h),
 * io_uring_cmd_done() posts what it is given: map them here, for every
 * path. -EIOCBQUEUED is never a result: a handler that completes with it
 * is broken.
 */
static int ucmd_fixup_res(int res)
{
	switch (res) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return -EINTR;
	case -EIOCBQUEUED:
		return -EIO;
	}
	return res;
}

/* @name: NULL for the handler's name. @kind: UCMD_DONE_*. */
static void ucmd_trace_done(struct io_uring_cmd *cmd, struct ucmd_req *req,
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
 * Free a deferred request's state. Called after io_uring_cmd_done() has
 * taken the request off io_uring's cancelable list (under uring_lock), so
 * that a cancel holding uring_lock never sees @async freed. A detached
 * request holds nothing of the handler any more.
 */
static void ucmd_async_free(struct ucmd_handler *h, struct ucmd_async *async)
{
	bool detached;

	if (IS_ERR_OR_NULL(async))
		return;
	detached = async->detached;
	if (async->cancelable) {
		spin_lock(&h->lock);
		list_del(&async->node);
		spin_unlock(&h->lock);
	}
	atomic_dec(&async->uf->nr_deferred);
	atomic_long_dec(&ucmd_nr_async);
	kfree(async);
	if (!detached)
		module_put(h->ops->owner);
}

/*
 * Post the CQE through io_uring_cmd_done(), then drop what the request held.
 * The caller has returned or will return -EIOCBQUEUED to io_uring for it.
 * @cmd and its PDU may be recycled once io_uring_cmd_done() returns, so
 * everything needed afterwards is read before.
 */
static void ucmd_done(struct io_uring_cmd *cmd, int res, u64 res2,
		      unsigned int issue_flags, int kind, const char *name)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);
	struct ucmd_handler *h = req->h;
	struct ucmd_async *async = req->async;
	bool deferred = !IS_ERR_OR_NULL(async);
	bool detached = deferred && async->detached;
	bool cqe32 = (issue_flags & IO_URING_F_CQE32) || (deferred && async->cqe32);

	res = ucmd_fixup_res(res);
	ucmd_trace_done(cmd, req, res, res2, kind, detached ? "-" : name);
	ucmd_cmd_done(cmd, res, res2, cqe32, issue_flags);
	if (!h)
		return;		/* failed before lookup: holds nothing */
	ucmd_async_free(h, async);
	if (!detached)
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
 * never run at once, and only for a QUEUED request. Returns true if the
 * caller now owns the completion (state DONE).
 */
static bool ucmd_async_try_cancel(struct ucmd_req *req,
				  struct ucmd_async *async)
{
	int queued = UCMD_ASYNC_QUEUED;
	bool ret = false;

	lockdep_assert_held(&req->h->lock);
	if (atomic_read(&async->state) == UCMD_ASYNC_QUEUED &&
	    req->h->ops->cancel(req, async->priv))
		ret = atomic_try_cmpxchg(&async->state, &queued,
					 UCMD_ASYNC_DONE);
	if (ret)
		atomic_long_inc(&ucmd_nr_cancelled);
	return ret;
}

/*
 * ->uring_cmd with IO_URING_F_CANCEL: the ring is going away. Only
 * requests whose handler called ucmd_req_mark_cancelable() get here, and
 * they stay on io_uring's cancelable list (so this may be called again)
 * until ucmd_done() unlinks them. A request still ISSUING (on io-wq) is
 * left for the next call.
 */
static int ucmd_cancel(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);
	struct ucmd_async *async = req->async;
	bool cancelled;

	if (IS_ERR_OR_NULL(async))
		return 0;
	/*
	 * @async lives until its completion runs, under uring_lock, which
	 * we hold. The handler may be unregistering, or gone: unregister
	 * sets @detached before it frees the handler an RCU grace period
	 * later, so a reader that sees @detached clear may lock it.
	 */
	rcu_read_lock();
	if (READ_ONCE(async->detached)) {
		rcu_read_unlock();
		return 0;
	}
	spin_lock(&req->h->lock);
	cancelled = async->cancelable && ucmd_async_try_cancel(req, async);
	spin_unlock(&req->h->lock);
	rcu_read_unlock();
	if (cancelled)
		ucmd_done(cmd, -ECANCELED, 0, ucmd_cancel_done_flags(issue_flags),
			  UCMD_DONE_CANCELLED, NULL);
	return 0;
}

/**
 * ucmd_handler_cancel_all() - cancel the queued requests of a handler
 * @h: a handler being unregistered (its ref is killed: no new requests)
 *
 * Each cancelable request whose ops->cancel() returns true is detached
 * from the handler at once (its handler ref and module pin dropped, so
 * unregister need not wait for it: the unregistering task may be the
 * submitter, whose task work cannot run while it waits) and completes
 * with -ECANCELED from its submitter's task work. The others complete as
 * the handler completes them.
 *
 * Context: process context; takes @h->lock.
 */
void ucmd_handler_cancel_all(struct ucmd_handler *h)
{
	struct ucmd_async *async, *tmp;

	spin_lock(&h->lock);
	list_for_each_entry_safe(async, tmp, &h->cancelable, node) {
		struct ucmd_req *req = ucmd_cmd_req(async->cmd);

		if (!ucmd_async_try_cancel(req, async))
			continue;
		list_del(&async->node);
		async->cancelable = false;
		WRITE_ONCE(async->detached, true);
		async->res = -ECANCELED;
		async->res2 = 0;
		async->kind = UCMD_DONE_CANCELLED;
		module_put(h->ops->owner);
		ucmd_handler_put(h);
		/* @async may be freed from here on. */
		io_uring_cmd_complete_in_task(async->cmd, ucmd_async_tw_tw);
	}
	spin_unlock(&h->lock);
}

/*
 * The BPF validators, out of line: only called while one is attached
 * (ucmd_bpf_nr_validators). A denial is traced here.
 */
static noinline int ucmd_validate(struct io_uring_cmd *cmd,
				  const void *payload, unsigned int issue_flags,
				  bool reissue, char *policy)
{
	int ret;

	ret = ucmd_bpf_validate(cmd->cmd_op, payload, issue_flags, reissue,
				policy);
	if (ret)
		trace_ucmd_deny(cmd->cmd_op, policy, ret,
				io_uring_cmd_get_task(cmd));
	return ret;
}

/*
 * ->issue returned @ret after ucmd_req_defer() succeeded. Returns true if
 * the request is now queued or completed (->uring_cmd returns
 * -EIOCBQUEUED), false if the deferral is undone and @ret goes on as a
 * synchronous result.
 */
static bool ucmd_issue_deferred(struct io_uring_cmd *cmd, struct ucmd_req *req,
				int ret, unsigned int issue_flags)
{
	struct ucmd_async *async = req->async;
	int old = UCMD_ASYNC_ISSUING;

	/* Published by the cmpxchg below, for the completion's task work. */
	async->cqe32 = issue_flags & IO_URING_F_CQE32;
	if (ret == -EIOCBQUEUED) {
		if (atomic_try_cmpxchg(&async->state, &old, UCMD_ASYNC_QUEUED))
			return true;	/* @req may be completed already */
		/* COMPLETED: ucmd_req_complete() ran during ->issue. */
		atomic_set(&async->state, UCMD_ASYNC_DONE);
		ucmd_done(cmd, async->res, async->res2, issue_flags,
			  UCMD_DONE_ASYNC, NULL);
		return true;
	}
	/*
	 * Failed before publishing its work: the request is still ours.
	 * io_uring_cmd_done() is the only way off io_uring's cancelable
	 * list; a handler that also called ucmd_req_complete() gets one CQE.
	 */
	if (async->cancelable || atomic_read(&async->state) != old) {
		atomic_set(&async->state, UCMD_ASYNC_DONE);
		ucmd_done(cmd, ret, req->res2, issue_flags, UCMD_DONE_SYNC,
			  NULL);
		return true;
	}
	ucmd_async_free(req->h, async);
	req->async = NULL;
	return false;
}

/**
 * ucmd_uring_cmd() - the .uring_cmd of /dev/ucmd
 * @cmd: the request; cmd->sqe is valid only during this call
 * @issue_flags: IO_URING_F_* from io_uring
 *
 * Every issue that reaches a handler is validated, on the bytes that
 * issue's handler gets (docs/semantics.md, "Validation"): no verdict is
 * carried from one issue to the next.
 *
 * Return: the result for cqe->res, -EIOCBQUEUED when the completion is or
 * will be posted through io_uring_cmd_done(), or -EAGAIN to be issued
 * again from io-wq (only a handler's -EAGAIN under IO_URING_F_NONBLOCK).
 * Results produced here rather than by a handler: -EOPNOTSUPP for IOPOLL
 * rings and for a cmd_op no handler serves, -EINVAL for a payload larger
 * than the ring's command area (16 bytes, 80 with IORING_SETUP_SQE128) or
 * a cmd_op whose size/direction differ from the handler's; a BPF
 * validator's errno when it denies the request (-EAGAIN included, posted
 * as the CQE's result, never retried); -EINTR for a handler's restart
 * code and -EIO for a handler's -EIOCBQUEUED without ucmd_req_defer().
 */
int ucmd_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);
	u8 payload[UCMD_PAYLOAD_SQE128] __aligned(8);
	char policy[UCMD_NAME_LEN];
	u32 cmd_op = cmd->cmd_op;
	size_t size = _IOC_SIZE(cmd_op);
	bool reissue;
	size_t area;
	int ret;

	if (unlikely(issue_flags & IO_URING_F_CANCEL))
		return ucmd_cancel(cmd, issue_flags);

	/* A re-issue from io-wq keeps the first issue's clock. */
	reissue = ucmd_cmd_is_reissue(cmd);
	req->h = NULL;
	req->async = NULL;
	req->res2 = 0;
	if (!reissue)
		req->start_ns = trace_ucmd_complete_enabled() ? ktime_get_ns() : 0;

	if (issue_flags & IO_URING_F_IOPOLL) {
		ret = -EOPNOTSUPP;	/* no ->uring_cmd_iopoll */
		goto out;
	}
	area = issue_flags & IO_URING_F_SQE128 ? UCMD_PAYLOAD_SQE128 :
						 UCMD_PAYLOAD_SQE64;
	if (size > area) {
		ret = -EINVAL;
		goto out;
	}
	/* One copy out of the SQE: validators and handler see these bytes. */
	if (size)
		memcpy(payload, ucmd_cmd_payload(cmd), size);

	req->h = ucmd_handler_get(cmd_op);
	if (!req->h) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	if (req->h->ops->cmd_op != cmd_op) {
		ret = -EINVAL;
		goto out;
	}
	if (READ_ONCE(ucmd_bpf_nr_validators)) {
		ret = ucmd_validate(cmd, payload, issue_flags, reissue, policy);
		if (ret) {
			/* Posted, so that a denial is never taken for a retry. */
			ucmd_done(cmd, ret, 0, issue_flags, UCMD_DONE_DENIED,
				  policy);
			return -EIOCBQUEUED;
		}
	}

	trace_ucmd_issue(cmd_op, req->h->ops->name, issue_flags,
			 io_uring_cmd_get_task(cmd));
	ret = req->h->ops->issue(req, payload, issue_flags);
	if (req->async && ucmd_issue_deferred(cmd, req, ret, issue_flags))
		return -EIOCBQUEUED;
	if (ret == -EIOCBQUEUED) {
		pr_warn_ratelimited("handler %s queued without ucmd_req_defer()\n",
				    req->h->ops->name);
		ret = -EIO;
	}

	if (ret == -EAGAIN && (issue_flags & IO_URING_F_NONBLOCK)) {
		/* io_uring issues it again from io-wq: not a completion. */
		ucmd_cmd_mark_reissue(cmd);
		ucmd_handler_put(req->h);
		return ret;
	}

	ret = ucmd_fixup_res(ret);
out:
	if (ret == -EAGAIN || (issue_flags & IO_URING_F_CQE32)) {
		/*
		 * A plain -EAGAIN would be retried, and a plain return
		 * carries no res2: on 6.12 a CQE32 entry then shows whatever
		 * big_cqe a skipped CQE (IOSQE_CQE_SKIP_SUCCESS) left in the
		 * recycled request. Post the CQE ourselves, res2 included.
		 */
		ucmd_done(cmd, ret, req->res2, issue_flags, UCMD_DONE_SYNC,
			  NULL);
		return -EIOCBQUEUED;
	}
	ucmd_trace_done(cmd, req, ret, req->res2, UCMD_DONE_SYNC, NULL);
	if (req->h)
		ucmd_handler_put(req->h);
	return ret;
}

/**
 * ucmd_ioctl() - the same dispatch through ioctl(2), for comparison
 * @file: an open /dev/ucmd
 * @cmd_op: the cmd_op, as for IORING_OP_URING_CMD
 * @arg: user address of the payload, _IOC_SIZE(@cmd_op) bytes
 *
 * Runs the lookup, the BPF validators and the handler as the uring_cmd
 * path does, synchronously: what users would otherwise write. res2 is not
 * delivered, and a handler that defers fails with -EOPNOTSUPP.
 *
 * Return: the handler's result; -EFAULT if the payload cannot be read;
 * -EINVAL for a payload over 80 bytes; -EOPNOTSUPP for an unknown cmd_op
 * or a handler that defers or needs io_uring; a validator's errno;
 * -ENOTTY for other -EIOCBQUEUED/-EAGAIN results.
 */
long ucmd_ioctl(struct file *file, unsigned int cmd_op, unsigned long arg)
{
	u8 payload[UCMD_PAYLOAD_SQE128] __aligned(8);
	struct ucmd_req req = { .async = UCMD_ASYNC_NONE };
	size_t size = _IOC_SIZE(cmd_op);
	char policy[UCMD_NAME_LEN];
	long ret;

	if (size > sizeof(payload))
		return -EINVAL;
	if (size && copy_from_user(payload, (void __user *)arg, size))
		return -EFAULT;
	req.h = ucmd_handler_get(cmd_op);
	if (!req.h)
		return -EOPNOTSUPP;
	if (req.h->ops->cmd_op != cmd_op) {
		ret = -EINVAL;
		goto out;
	}
	ret = ucmd_bpf_validate(cmd_op, payload, 0, false, policy);
	if (ret)
		goto out;
	ret = req.h->ops->issue(&req, payload, 0);
	if (req.async == UCMD_ASYNC_REFUSED)
		ret = -EOPNOTSUPP;
	else if (ret == -EIOCBQUEUED || ret == -EAGAIN)
		ret = -ENOTTY;
out:
	ucmd_handler_put(req.h);
	return ret;
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

	if (req->async) {
		if (!IS_ERR(req->async))
			return ERR_PTR(-EINVAL);
		req->async = UCMD_ASYNC_REFUSED;
		return ERR_PTR(-EOPNOTSUPP);
	}
	cmd = container_of((void *)req, struct io_uring_cmd, pdu);
	uf = cmd->file->private_data;
	if (atomic_inc_return(&uf->nr_deferred) > READ_ONCE(ucmd_max_inflight)) {
		atomic_dec(&uf->nr_deferred);
		return ERR_PTR(-EBUSY);
	}
	if (!try_module_get(req->h->ops->owner)) {
		atomic_dec(&uf->nr_deferred);
		return ERR_PTR(-ENODEV);
	}
	async = kzalloc(struct_size(async, priv, priv_size), gfp | __GFP_ACCOUNT);
	if (!async) {
		module_put(req->h->ops->owner);
		atomic_dec(&uf->nr_deferred);
		return ERR_PTR(-ENOMEM);
	}
	async->cmd = cmd;
	async->uf = uf;
	atomic_set(&async->state, UCMD_ASYNC_ISSUING);
	async->kind = UCMD_DONE_ASYNC;
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

	if (IS_ERR_OR_NULL(async) || !req->h->ops->cancel || async->cancelable)
		return;
	spin_lock(&req->h->lock);
	list_add_tail(&async->node, &req->h->cancelable);
	async->cancelable = true;
	spin_unlock(&req->h->lock);
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
