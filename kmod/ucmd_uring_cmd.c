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
#include <linux/kcov.h>
#include <linux/sched.h>
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
	 * we hold. The handler may be unregistering, or gone: whoever drops
	 * the request's hold clears @held before the handler's reference,
	 * and the handler is freed an RCU grace period after its last
	 * reference, so a reader that sees @held set may lock it.
	 */
	rcu_read_lock();
	if (!atomic_read(&async->held)) {
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
 * (ucmd_bpf_nr_validators). A denial is traced and posted here, so that
 * it is never taken for a retry: returns 0 to go on with the issue, or
 * -EIOCBQUEUED when the request is completed with the denial.
 */
static noinline int ucmd_validate(struct io_uring_cmd *cmd,
				  const void *payload, unsigned int issue_flags)
{
	struct ucmd_file *uf = cmd->file->private_data;
	char policy[UCMD_NAME_LEN];
	int ret;

	/* the reissue mark is set only after ->issue: as at the issue's start */
	ret = ucmd_bpf_validate(cmd->cmd_op, payload, issue_flags,
				ucmd_cmd_is_reissue(cmd), uf->id, policy);
	if (!ret)
		return 0;
	trace_ucmd_deny(cmd->cmd_op, policy, ret, io_uring_cmd_get_task(cmd));
	ucmd_done(cmd, ret, 0, issue_flags, UCMD_DONE_DENIED, policy);
	return -EIOCBQUEUED;
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
	ucmd_async_free(req->h, async, ucmd_async_claim(async));
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
 * An issue that failed before its handler ran, out of line: @h is NULL
 * for a failure before or at the lookup, else the handler found (whose
 * cmd_op differs in size or direction). Nothing is held but, on io-wq,
 * the lookup's reference on @h.
 */
static noinline int ucmd_issue_fail(struct io_uring_cmd *cmd,
				    struct ucmd_handler *h, int ret,
				    unsigned int issue_flags)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);

	req->h = h;
	return ucmd_sync_result(cmd, req, ret, issue_flags);
}

/*
 * A negative result of ->issue, out of line: a handler's -EIOCBQUEUED
 * without ucmd_req_defer(), -EAGAIN, a restart code, or an errno.
 */
static noinline int ucmd_issue_result(struct io_uring_cmd *cmd, int ret,
				      unsigned int issue_flags,
				      bool inline_issue)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);

	if (unlikely(ret == -EIOCBQUEUED)) {
		pr_warn_ratelimited("handler %s queued without ucmd_req_defer()\n",
				    req->h->ops->name);
		ret = -EIO;
	}
	if (ret == -EAGAIN && inline_issue) {
		/* io_uring issues it again from io-wq: not a completion. */
		ucmd_cmd_mark_reissue(cmd);
		return -EAGAIN;
	}
	return ucmd_sync_result(cmd, req, ucmd_fixup_res(ret), issue_flags);
}

/*
 * Set the PDU up for an issue. A re-issue from io-wq keeps the first
 * issue's clock.
 */
static __always_inline void ucmd_req_init(struct io_uring_cmd *cmd)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);

	req->async = NULL;
	req->res2 = 0;
	if (likely(!ucmd_cmd_is_reissue(cmd))) {
		/* start_ns with ref, ioctl and defer_refused clear */
		req->start_word = trace_ucmd_complete_enabled() ?
				  ktime_get_ns() & GENMASK_ULL(60, 0) : 0;
	} else {
		req->ref = 0;
		req->ioctl = 0;
		req->defer_refused = 0;
	}
}

/*
 * The issue tracepoint, out of line: its arguments are loaded only when
 * it is enabled (inline, the compiler loads them before the static
 * branch).
 */
static noinline void ucmd_trace_issue(struct io_uring_cmd *cmd,
				      struct ucmd_handler *h,
				      unsigned int issue_flags)
{
	trace_ucmd_issue(cmd->cmd_op, h->ops->name, issue_flags,
			 io_uring_cmd_get_task(cmd));
}

/*
 * The result @ret of a synchronous ->issue: posted as it is by io_uring
 * (@ret >= 0 on a ring without CQE32, the common case, inline), or out of
 * line.
 */
static __always_inline int ucmd_issue_done(struct io_uring_cmd *cmd,
					   struct ucmd_handler *h, int ret,
					   unsigned int issue_flags,
					   bool inline_issue)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);

	if (unlikely(ret < 0))
		return ucmd_issue_result(cmd, ret, issue_flags, inline_issue);
	if (issue_flags & IO_URING_F_CQE32) {
		/* res2 is carried only by a CQE ucmd posts (ucmd_sync_result()) */
		ucmd_done(cmd, ret, req->res2, issue_flags, UCMD_DONE_SYNC,
			  NULL);
		return -EIOCBQUEUED;
	}
	/* the call's six arguments cost more than the test */
	if (trace_ucmd_complete_enabled())
		ucmd_trace_done(cmd, req, ret, req->res2, UCMD_DONE_SYNC, NULL);
	/* an inline issue holds no reference here (ucmd_issue_handler()) */
	if (!inline_issue && req->ref)
		ucmd_handler_put(h);
	return ret;
}

/*
 * ->issue of a handler other than NOP and ECHO, which may defer: BPF
 * handlers through a direct call, others through ->issue (a retpoline
 * where the CPU needs one, about 30 instructions). Inline in the
 * payload-carrying issue, out of line (ucmd_issue_handler()) in the
 * payload-less one, whose common case then needs fewer registers.
 * Returns what ->uring_cmd returns.
 */
static __always_inline int __ucmd_issue_handler(struct io_uring_cmd *cmd,
						struct ucmd_handler *h,
						const void *payload,
						unsigned int issue_flags,
						bool inline_issue)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);
	int ret;

	ret = INDIRECT_CALL_1(h->issue, ucmd_bpf_issue, req, payload,
			      issue_flags);
	if (req->async && ucmd_issue_deferred(cmd, req, ret, issue_flags)) {
		/*
		 * The request holds its own reference (ucmd_req_defer()) and
		 * may be completed already: @req is not ours to read. An
		 * io-wq issue drops its lookup's here.
		 */
		if (!inline_issue)
			ucmd_handler_put(h);
		return -EIOCBQUEUED;
	}
	return ucmd_issue_done(cmd, h, ret, issue_flags, inline_issue);
}

static noinline int ucmd_issue_handler(struct io_uring_cmd *cmd,
				       struct ucmd_handler *h,
				       const void *payload,
				       unsigned int issue_flags,
				       bool inline_issue)
{
	return __ucmd_issue_handler(cmd, h, payload, issue_flags, inline_issue);
}

/*
 * One issue after the PDU's set-up and the payload's copy (@payload NULL
 * for a cmd_op of _IOC_SIZE() 0), specialised by the compiler for
 * @inline_issue and for @payload NULL (constants where it is inlined).
 * The inline issue runs in the caller's RCU read-side section; an issue
 * that may sleep (io-wq) pins the handler. The common case - a handler
 * that completes with a result >= 0, no validator, no CQE32 - runs
 * straight through; everything else leaves through an out-of-line
 * function, so that the common case needs few registers.
 */
static __always_inline int __ucmd_issue(struct io_uring_cmd *cmd,
					unsigned int issue_flags,
					bool inline_issue, const void *payload)
{
	struct ucmd_req *req = ucmd_cmd_req(cmd);
	u32 cmd_op = cmd->cmd_op;
	struct ucmd_handler *h;
	int ret;

	if (inline_issue) {
		h = ucmd_handler_lookup(cmd_op);
	} else {
		h = ucmd_handler_get(cmd_op);
		req->ref = !!h;
	}
	if (unlikely(!h))
		return ucmd_issue_fail(cmd, NULL, -EOPNOTSUPP, issue_flags);
	req->h = h;
	if (unlikely(h->cmd_op != cmd_op))
		return ucmd_issue_fail(cmd, h, -EINVAL, issue_flags);
	if (READ_ONCE(ucmd_bpf_nr_validators) &&
	    ucmd_validate(cmd, payload, issue_flags))
		return -EIOCBQUEUED;

	if (trace_ucmd_issue_enabled())
		ucmd_trace_issue(cmd, h, issue_flags);
	/* NOP and ECHO inline (ucmd_builtin.h): neither defers */
	if (likely(h->issue == ucmd_nop_issue))
		ret = __ucmd_nop_issue();
	else if (likely(h->issue == ucmd_echo_issue))
		ret = __ucmd_echo_issue(req, payload);
	else if (!payload)	/* a constant in each specialisation */
		return ucmd_issue_handler(cmd, h, payload, issue_flags,
					  inline_issue);
	else
		return __ucmd_issue_handler(cmd, h, payload, issue_flags,
					    inline_issue);
	return ucmd_issue_done(cmd, h, ret, issue_flags, inline_issue);
}

/*
 * The issue of a request with a payload: one copy out of the SQE, which
 * validators and handler see (payload_len bytes of it). Up to 16 bytes,
 * the whole SQE64 command area, always mapped, is copied in two loads
 * instead of a memcpy() call. Only this specialisation has the buffer
 * (and the stack protector's canary that guards it).
 */
static __always_inline int __ucmd_issue_payload(struct io_uring_cmd *cmd,
						unsigned int issue_flags,
						bool inline_issue)
{
	u8 payload[UCMD_PAYLOAD_SQE128] __aligned(8) __ucmd_uninit;
	size_t size = _IOC_SIZE(cmd->cmd_op);

	if (likely(size <= UCMD_PAYLOAD_SQE64))
		memcpy(payload, ucmd_cmd_payload(cmd), UCMD_PAYLOAD_SQE64);
	else if (size <= UCMD_PAYLOAD_SQE128 &&
		 (issue_flags & IO_URING_F_SQE128))
		memcpy(payload, ucmd_cmd_payload(cmd), size);
	else
		return ucmd_issue_fail(cmd, NULL, -EINVAL, issue_flags);
	return __ucmd_issue(cmd, issue_flags, inline_issue, payload);
}

static noinline int ucmd_issue_inline_payload(struct io_uring_cmd *cmd,
					      unsigned int issue_flags)
{
	return __ucmd_issue_payload(cmd, issue_flags, true);
}

/* The issues that may sleep (io-wq) and cancellations, out of line. */
static noinline int ucmd_uring_cmd_slow(struct io_uring_cmd *cmd,
					unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_CANCEL)
		return ucmd_cancel(cmd, issue_flags);
	ucmd_req_init(cmd);
	if (_IOC_SIZE(cmd->cmd_op))
		return __ucmd_issue_payload(cmd, issue_flags, false);
	return __ucmd_issue(cmd, issue_flags, false, NULL);
}

/* The issue and cancellation paths, chosen by @issue_flags. */
static __always_inline int __ucmd_uring_cmd(struct io_uring_cmd *cmd,
					    unsigned int issue_flags)
{
	int ret;

	/*
	 * The inline issue runs in one RCU read-side section from the lookup
	 * to its return, without touching the handler's reference unless it
	 * defers (ucmd_req_defer() takes it then).
	 */
	if (likely((issue_flags & (IO_URING_F_NONBLOCK | IO_URING_F_CANCEL)) ==
		   IO_URING_F_NONBLOCK)) {
		ucmd_req_init(cmd);
		rcu_read_lock();
		if (_IOC_SIZE(cmd->cmd_op))
			ret = ucmd_issue_inline_payload(cmd, issue_flags);
		else
			ret = __ucmd_issue(cmd, issue_flags, true, NULL);
		rcu_read_unlock();
		return ret;
	}
	return ucmd_uring_cmd_slow(cmd, issue_flags);
}

/*
 * KCOV remote coverage (Documentation/dev-tools/kcov.rst, "Remote coverage
 * collection"), for the fuzzer's feedback: io-wq workers and the SQPOLL
 * thread are created by the ring's task and inherit its common handle
 * (kcov_task_init()), so the issues they run are recorded in the buffer of
 * the task that asked for them, as vhost's workers do (vhost_worker()).
 * Handle 0 (every task that did not ask) finds no buffer and records
 * nothing; a kernel without CONFIG_KCOV compiles this out.
 */
static noinline int ucmd_uring_cmd_kcov(struct io_uring_cmd *cmd,
					unsigned int issue_flags)
{
	/* u64 up to 6.x, struct kcov_common_handle_id in 7.x */
	__auto_type handle = kcov_common_handle();
	int ret;

	kcov_remote_start_common(handle);
	ret = __ucmd_uring_cmd(cmd, issue_flags);
	kcov_remote_stop();
	return ret;
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
	if (IS_ENABLED(CONFIG_KCOV) && unlikely(current->flags & PF_IO_WORKER))
		return ucmd_uring_cmd_kcov(cmd, issue_flags);
	return __ucmd_uring_cmd(cmd, issue_flags);
}
