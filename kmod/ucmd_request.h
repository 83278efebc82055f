/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Requests (ucmd_request.c): the state a request keeps in its PDU, the
 * state of a deferred request, and the one completion path every request
 * leaves through, shared by the io_uring entry (ucmd_uring_cmd.c) and
 * the ioctl entry (ucmd_ioctl.c).
 */
#ifndef _UCMD_REQUEST_H
#define _UCMD_REQUEST_H

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/io_uring/cmd.h>
#include <linux/list.h>
#include <linux/types.h>
#include <uapi/linux/ucmd.h>
#include "ucmd_registry.h"

struct ucmd_file;

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

/**
 * struct ucmd_async - state of a deferred request, allocated by
 * ucmd_req_defer() (charged to the submitter's memcg) and freed after its
 * completion has been posted
 * @cmd: the io_uring request
 * @uf: the open file the request counts against (ucmd_file.nr_deferred)
 * @state: UCMD_ASYNC_*, changed only with atomic_try_cmpxchg()
 * @res: result passed to ucmd_req_complete(), or -ECANCELED
 * @kind: UCMD_DONE_ASYNC or UCMD_DONE_CANCELLED, for the tracepoint
 * @cancelable: ucmd_req_mark_cancelable() ran: ops->cancel() may be
 *		called, and the CQE must go through io_uring_cmd_done()
 * @cqe32: the ring has IORING_SETUP_CQE32 (from the issue's issue_flags:
 *	   7.x task work and cancel calls do not say it)
 * @held: 1 while the request holds what it took of its handler at
 *	  ucmd_req_defer() - a reference on it, a pin on its module, its
 *	  place on ucmd_handler.deferred - and 0 once someone has dropped
 *	  them: the completion (ucmd_done()) or unregister
 *	  (ucmd_req_detach_all()), whichever changes it first (atomic_xchg()).
 *	  A completion that finds it 0 touches ucmd's memory only.
 * @node: entry on ucmd_handler.deferred, under its lock, while @held
 * @res2: res2 passed to ucmd_req_complete()
 * @hname: the handler's name, copied by unregister before it takes @held
 *	   (ucmd_req_detach_all()), for the tracepoint of a completion that
 *	   finds @held 0 and may no longer read the handler
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
	atomic_t held;
	struct list_head node;
	u64 res2;
	char hname[UCMD_NAME_LEN];
	u8 priv[] __aligned(8);
};

/**
 * struct ucmd_req - per-request state kept in the io_uring_cmd PDU (32 bytes)
 * @h: the handler, with a reference held from lookup to completion
 * @start_ns: ktime_get_ns() at the first issue if tracing was on, else 0
 *	      (61 bits: 73 years of uptime)
 * @ref: the issue holds a reference on @h (percpu_ref), taken by the
 *	 lookup of an issue that may sleep (io-wq) and of ioctl(), and
 *	 dropped when that issue returns. The inline issue
 *	 (IO_URING_F_NONBLOCK) holds none: it runs in one RCU read-side
 *	 section, which unregister waits for before it kills the reference.
 *	 A deferred request holds its own (struct ucmd_async.held)
 * @ioctl: the request came through ioctl(): there is no io_uring request
 *	   (ucmd_req_cmd() is NULL) and it cannot be deferred
 * @defer_refused: ucmd_req_defer() refused an ioctl() request, whose
 *		   result is then -EOPNOTSUPP whatever ->issue returns
 * @start_word: @start_ns and the three flags as one word, so that the
 *		first issue sets @start_ns and clears the flags in one store
 * @res2: res2 of a synchronous completion (ucmd_req_set_res2())
 * @async: set by ucmd_req_defer(), NULL for a synchronous request
 *
 * The PDU lives as long as the io_uring request and is not zeroed by
 * io_uring: every field is set at each issue (ucmd_uring_cmd()), but
 * @start_ns, which a re-issue from io-wq keeps.
 */
struct ucmd_req {
	struct ucmd_handler *h;
	union {
		struct {
			u64 start_ns : 61;
			u64 ref : 1;
			u64 ioctl : 1;
			u64 defer_refused : 1;
		};
		u64 start_word;	/* start_ns with the flags clear, in one store */
	};
	u64 res2;
	struct ucmd_async *async;
};

/**
 * struct ucmd_ioctl_req - a request that came through ioctl()
 * @req: the request ->issue gets (@req.ioctl set)
 * @uf: its open file, which an io_uring request finds through cmd->file
 *
 * Lives on ucmd_ioctl()'s stack for the call.
 */
struct ucmd_ioctl_req {
	struct ucmd_req req;
	struct ucmd_file *uf;
};

struct ucmd_file *ucmd_req_file(struct ucmd_req *req);

/* The handler ops a request was dispatched to. */
static inline const struct ucmd_handler_ops *
ucmd_req_handler_ops(struct ucmd_req *req)
{
	return req->h->ops;
}

static inline struct ucmd_req *ucmd_cmd_req(struct io_uring_cmd *cmd)
{
	return io_uring_cmd_to_pdu(cmd, struct ucmd_req);
}

/*
 * The result userspace gets, from any handler on any path (io_uring and
 * ioctl()): a value >= 0 or a userspace errno (-1..-511) as it is; the
 * restart codes become -EINTR, as io_issue_sqe() maps a plain return
 * (io_fixup_restart_res(), io_uring/io_uring.h) and as the signal code
 * would for a syscall; every other value below -511 - the codes the
 * kernel keeps for itself (-ENOIOCTLCMD, -EPROBE_DEFER, -ENOTSUPP,
 * -EIOCBQUEUED, ...) and values below -MAX_ERRNO, which a CQE or a
 * syscall cannot tell from a result - becomes -EIO. io_uring_cmd_done()
 * posts what it is given, so every completion passes here. Inline: every
 * synchronous completion does.
 */
static inline int ucmd_fixup_res(int res)
{
	if (likely(res > -ERESTARTSYS))
		return res;
	switch (res) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return -EINTR;
	}
	return -EIO;
}

void ucmd_trace_done(struct io_uring_cmd *cmd, struct ucmd_req *req, int res,
		     u64 res2, int kind, const char *name);
void ucmd_done(struct io_uring_cmd *cmd, int res, u64 res2,
	       unsigned int issue_flags, int kind, const char *name);
void ucmd_async_free(struct ucmd_handler *h, struct ucmd_async *async,
		     bool held);
bool ucmd_async_claim(struct ucmd_async *async);
bool ucmd_async_try_cancel(struct ucmd_req *req, struct ucmd_async *async);
void ucmd_req_detach_all(struct ucmd_handler *h);

/* Counters exposed in /sys/class/misc/ucmd/ (ucmd_main.c). */
extern atomic_long_t ucmd_nr_async;
extern atomic_long_t ucmd_nr_cancelled;
/* Module references deferred requests hold on ucmd itself. */
extern atomic_long_t ucmd_nr_self_pins;

#endif /* _UCMD_REQUEST_H */
