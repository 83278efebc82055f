/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucmd handler API: how a kernel module adds a cmd_op to /dev/ucmd.
 *
 * A handler is a const table of callbacks (struct ucmd_handler_ops), the
 * struct_ops style of tcp_congestion_ops or sched_ext: the module fills it
 * in, registers it in its init function and unregisters it in its exit
 * function. ucmd looks the handler up by cmd_op for every IORING_OP_URING_CMD
 * issued on /dev/ucmd and calls ->issue with a copy of the SQE payload.
 *
 * Completion is exactly once by construction:
 *  - ->issue returns a result (>= 0 or -errno): ucmd completes the request
 *    with it, plus the res2 set by ucmd_req_set_res2(), and the handler
 *    never sees the request again;
 *  - or ->issue calls ucmd_req_defer() (an ERR_PTR() on failure, to be
 *    returned as the result), arranges for ucmd_req_complete() to
 *    be called exactly once on the returned private area, from any context,
 *    and returns -EIOCBQUEUED. ucmd delivers the completion from the
 *    submitting task's context (io_uring_cmd_complete_in_task()), where
 *    io_uring_cmd_done() is legal, and frees the private area after it.
 *  - -EAGAIN returned while @issue_flags has IO_URING_F_NONBLOCK asks
 *    io_uring to issue the request again from io-wq, where it may sleep.
 */
#ifndef _UCMD_HANDLER_H
#define _UCMD_HANDLER_H

#include <linux/types.h>
#include <linux/gfp.h>

struct module;
struct ucmd_req;

/**
 * struct ucmd_handler_ops - a cmd_op implementation
 * @name: short name shown in tracepoints and the loader, at most 15 chars
 * @cmd_op: the cmd_op served, built with _IO()/_IOWR(); its _IOC_SIZE() is
 *	the payload size in bytes copied from the SQE (at most 80)
 * @issue: called once per issue of a request, in the submitter's context
 *	or from io-wq (IO_URING_F_UNLOCKED in @issue_flags); @payload is a
 *	copy of the SQE's command area, _IOC_SIZE(@cmd_op) bytes (NULL if
 *	that is 0), valid only during the call. Must not sleep if @issue_flags has
 *	IO_URING_F_NONBLOCK. Returns a result, -EIOCBQUEUED after
 *	ucmd_req_defer(), or -EAGAIN (see above).
 * @cancel: optional; asks the handler to stop a deferred request it
 *	marked with ucmd_req_mark_cancelable(), when the ring is torn down
 *	(IO_URING_F_CANCEL) or the handler is unregistered. Called with a
 *	spinlock of ucmd's held, never twice at once for one handler: must
 *	not sleep. Returns true if the handler stopped its work before it
 *	called ucmd_req_complete() and never will (ucmd then completes the
 *	request with -ECANCELED), false if that call has happened or is
 *	about to (ucmd then leaves the request alone; io_uring asks again
 *	later). Whatever it answers, the request completes exactly once.
 *	Runs in an RCU read-side section that began before ucmd saw the
 *	request still queued: memory the completing side frees with
 *	kfree_rcu() after its ucmd_req_complete() is still valid here.
 * @owner: THIS_MODULE of the module that implements the callbacks; pinned
 *	while a deferred request of the handler is in flight
 */
struct ucmd_handler_ops {
	const char *name;
	u32 cmd_op;
	int (*issue)(struct ucmd_req *req, const void *payload,
		     unsigned int issue_flags);
	bool (*cancel)(struct ucmd_req *req, void *priv);
	struct module *owner;
};

int ucmd_register_handler(const struct ucmd_handler_ops *ops);
void ucmd_unregister_handler(const struct ucmd_handler_ops *ops);
void ucmd_unregister_handlers(const struct ucmd_handler_ops *ops,
			      unsigned int n);

struct io_uring_cmd *ucmd_req_cmd(struct ucmd_req *req);
void ucmd_req_set_res2(struct ucmd_req *req, u64 res2);
void *ucmd_req_defer(struct ucmd_req *req, size_t priv_size, gfp_t gfp);
void ucmd_req_mark_cancelable(struct ucmd_req *req, unsigned int issue_flags);
void ucmd_req_complete(void *priv, int res, u64 res2);

#endif /* _UCMD_HANDLER_H */
