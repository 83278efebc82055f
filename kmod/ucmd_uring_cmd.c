// SPDX-License-Identifier: GPL-2.0
/*
 * The io_uring entry of /dev/ucmd: its .uring_cmd.
 *
 * Every request takes one fixed path:
 *   flag checks -> payload copy -> handler lookup -> BPF validators ->
 *   ->issue -> completion (ucmd_request.c)
 * and the SQE is read only during the issue, once, into the copy that
 * validators and handler see.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/indirect_call_wrapper.h>
#include <linux/io_uring/cmd.h>
#include <linux/timekeeping.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <uapi/linux/ucmd.h>

#include "ucmd_request.h"
#include "ucmd_file.h"
#include "ucmd_bpf.h"
#include "ucmd_builtin.h"
#include "ucmd_compat.h"

#define CREATE_TRACE_POINTS
#include "ucmd_trace.h"

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

	if (!async)
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

/*
 * The BPF validators, out of line: only called while one is attached
 * (ucmd_bpf_nr_validators). A denial is traced here.
 */
static noinline int ucmd_validate(struct io_uring_cmd *cmd,
				  const void *payload, unsigned int issue_flags,
				  bool reissue, char *policy)
{
	struct ucmd_file *uf = cmd->file->private_data;
	int ret;

	ret = ucmd_bpf_validate(cmd->cmd_op, payload, issue_flags, reissue,
				uf->id, policy);
	if (ret)
		trace_ucmd_deny(cmd->cmd_op, policy, ret,
				io_uring_cmd_get_task(cmd));
	return ret;
}

/*
 * ->issue, called directly for the handlers most requests and the
 * benchmark go to, instead of through a retpoline (about 30 instructions
 * a call): INDIRECT_CALL_3() compares the pointer first
 * (include/linux/indirect_call_wrapper.h; a plain call without retpolines).
 */
static __always_inline int ucmd_call_issue(struct ucmd_handler *h,
					   struct ucmd_req *req,
					   const void *payload,
					   unsigned int issue_flags)
{
	return INDIRECT_CALL_3(h->ops->issue, ucmd_nop_issue, ucmd_echo_issue,
			       ucmd_bpf_issue, req, payload, issue_flags);
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

/*
 * A synchronous result @ret of the issue of @cmd: returned to io_uring,
 * or posted here when io_uring could not post it right. Drops the
 * handler reference the issue holds (io-wq issues only).
 */
static __always_inline int ucmd_sync_result(struct io_uring_cmd *cmd,
					    struct ucmd_req *req, int ret,
					    unsigned int issue_flags)
{
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
	/* tested here too: the call's six arguments cost more than the test */
	if (trace_ucmd_complete_enabled())
		ucmd_trace_done(cmd, req, ret, req->res2, UCMD_DONE_SYNC, NULL);
	if (req->ref)
		ucmd_handler_put(req->h);
	return ret;
}

/*
 * One issue, specialised by the compiler for @inline_issue (a constant in
 * each of the two calls below). The inline issue runs in the caller's RCU
 * read-side section; an issue that may sleep (io-wq) pins the handler.
 */
static __always_inline int __ucmd_uring_cmd(struct io_uring_cmd *cmd,
					    unsigned int issue_flags,
					    bool inline_issue)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);
	u8 payload[UCMD_PAYLOAD_SQE128] __aligned(8) __ucmd_uninit;
	char policy[UCMD_NAME_LEN] __ucmd_uninit;
	u32 cmd_op = cmd->cmd_op;
	size_t size = _IOC_SIZE(cmd_op);
	struct ucmd_handler *h;
	bool reissue;
	size_t area;
	int ret;

	/* A re-issue from io-wq keeps the first issue's clock. */
	reissue = ucmd_cmd_is_reissue(cmd);
	req->h = NULL;
	req->async = NULL;
	req->res2 = 0;
	if (!reissue) {
		/* start_ns with ref, ioctl and defer_refused clear */
		req->start_word = trace_ucmd_complete_enabled() ?
				  ktime_get_ns() & GENMASK_ULL(60, 0) : 0;
	} else {
		req->ref = 0;
		req->ioctl = 0;
		req->defer_refused = 0;
	}

	area = issue_flags & IO_URING_F_SQE128 ? UCMD_PAYLOAD_SQE128 :
						 UCMD_PAYLOAD_SQE64;
	if (unlikely(size > area))
		return ucmd_sync_result(cmd, req, -EINVAL, issue_flags);
	/*
	 * One copy out of the SQE: validators and handler see these bytes
	 * (payload_len of them). Up to 16, the whole SQE64 command area,
	 * always mapped, is copied in two loads instead of a memcpy() call.
	 */
	if (size > UCMD_PAYLOAD_SQE64)
		memcpy(payload, ucmd_cmd_payload(cmd), size);
	else if (size)
		memcpy(payload, ucmd_cmd_payload(cmd), UCMD_PAYLOAD_SQE64);

	if (inline_issue) {
		h = ucmd_handler_lookup(cmd_op);
	} else {
		h = ucmd_handler_get(cmd_op);
		req->ref = !!h;
	}
	req->h = h;
	if (unlikely(!h))
		return ucmd_sync_result(cmd, req, -EOPNOTSUPP, issue_flags);
	if (unlikely(h->ops->cmd_op != cmd_op))
		return ucmd_sync_result(cmd, req, -EINVAL, issue_flags);
	if (READ_ONCE(ucmd_bpf_nr_validators)) {
		ret = ucmd_validate(cmd, payload, issue_flags, reissue, policy);
		if (ret) {
			/* Posted, so that a denial is never taken for a retry. */
			ucmd_done(cmd, ret, 0, issue_flags, UCMD_DONE_DENIED,
				  policy);
			return -EIOCBQUEUED;
		}
	}

	trace_ucmd_issue(cmd_op, h->ops->name, issue_flags,
			 io_uring_cmd_get_task(cmd));
	ret = ucmd_call_issue(h, req, payload, issue_flags);
	if (req->async && ucmd_issue_deferred(cmd, req, ret, issue_flags))
		return -EIOCBQUEUED;
	if (unlikely(ret == -EIOCBQUEUED)) {
		pr_warn_ratelimited("handler %s queued without ucmd_req_defer()\n",
				    h->ops->name);
		ret = -EIO;
	}
	if (ret == -EAGAIN && inline_issue) {
		/* io_uring issues it again from io-wq: not a completion. */
		ucmd_cmd_mark_reissue(cmd);
		if (req->ref)	/* a deferral the handler undid */
			ucmd_handler_put(h);
		return -EAGAIN;
	}
	return ucmd_sync_result(cmd, req, ucmd_fixup_res(ret), issue_flags);
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
 * IO_URING_F_IOPOLL never comes: io_uring_cmd() sets it only for files
 * with ->uring_cmd_iopoll (6.12 fails IOPOLL rings with -EOPNOTSUPP
 * before calling, 7.1+ issues ordinary requests there).
 * Results produced here rather than by a handler: -EOPNOTSUPP for a
 * cmd_op no handler serves, -EINVAL for a payload larger
 * than the ring's command area (16 bytes, 80 with IORING_SETUP_SQE128) or
 * a cmd_op whose size/direction differ from the handler's; a BPF
 * validator's errno when it denies the request (-EAGAIN included, posted
 * as the CQE's result, never retried); -EINTR for a handler's restart
 * code and -EIO for a handler's -EIOCBQUEUED without ucmd_req_defer().
 */
int ucmd_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	int ret;

	if (unlikely(issue_flags & IO_URING_F_CANCEL))
		return ucmd_cancel(cmd, issue_flags);
	/*
	 * The inline issue runs in one RCU read-side section from the lookup
	 * to its return, without touching the handler's reference unless it
	 * defers (ucmd_req_defer() takes it then).
	 */
	if (likely(issue_flags & IO_URING_F_NONBLOCK)) {
		rcu_read_lock();
		ret = __ucmd_uring_cmd(cmd, issue_flags, true);
		rcu_read_unlock();
		return ret;
	}
	return __ucmd_uring_cmd(cmd, issue_flags, false);
}
