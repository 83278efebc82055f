// SPDX-License-Identifier: GPL-2.0
/*
 * BPF struct_ops for ucmd: per-request policies (->validate) and cmd_ops
 * implemented in BPF (->handle), attached and detached at run time, so a
 * new opcode can be prototyped without rebuilding the module.
 *
 * Patterned on bpf_testmod (tools/testing/selftests/bpf/bpf_testmod/) and
 * HID-BPF (drivers/hid/bpf/hid_bpf_struct_ops.c) of Linux 6.12.
 *
 * Instances live on ucmd_bpf_insts in attach order. Writers (reg, unreg)
 * hold ucmd_bpf_lock; the dispatcher walks the list under RCU. unreg
 * unlinks, unregisters the instance's cmd_ops (which waits for their
 * requests in flight) and waits an RCU grace period for validators still
 * running before it frees the instance. The BPF programs themselves stay
 * alive until unreg returns: the struct_ops map is freed after that.
 *
 * ->handle runs in the issue path and must not sleep; ->handle_sleepable
 * runs where the issue may block (io-wq, ioctl()), with kfuncs that copy
 * from and to user memory. ->release runs when an open file goes away,
 * so a program can free what it keeps per file (ctx->file_id).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/bpf_verifier.h>
#include <linux/cred.h>
#include <linux/io_uring/cmd.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/cfi.h>
#include <linux/cgroup.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uio.h>

#include "ucmd_registry.h"
#include "ucmd_unregister.h"
#include "ucmd_request.h"
#include "ucmd_file.h"
#include "ucmd_bpf.h"
#include "ucmd_compat.h"

/*
 * Most cmd_ops one instance may handle: ->handle serves every cmd_op in
 * [op_first, op_last], each registered like a C handler.
 */
#define UCMD_BPF_MAX_OPS	256

/**
 * struct ucmd_bpf_ctx - what a BPF validator or handler sees of a request
 * @cmd_op: the SQE's cmd_op
 * @payload_len: bytes of payload the cmd_op carries (_IOC_SIZE(cmd_op)),
 *	read with bpf_ucmd_read_payload()
 * @issue_flags: io_uring's IO_URING_F_* for this issue
 * @uid: fsuid of the submitting task, in the initial user namespace
 * @gid: fsgid of the submitting task, in the initial user namespace
 * @pid: tgid of the submitting task
 * @reissue: 1 on the io-wq issue that follows a handler's -EAGAIN, whose
 *	     first issue was validated too (a stateful policy, e.g. a rate
 *	     limit, may count a request once by skipping these); else 0
 * @file_id: id of the open /dev/ucmd file the request was issued on: 1,
 *	     2, ... in open order since the module was loaded, never reused,
 *	     the same on every issue and in ->release of that file
 * @payload: private to ucmd; use bpf_ucmd_read_payload()
 * @res2: private to ucmd; set with bpf_ucmd_set_res2()
 * @req: private to ucmd: the request ->handle serves (NULL in ->validate)
 * @breq: private to ucmd: set once bpf_ucmd_req_defer() deferred @req
 */
struct ucmd_bpf_ctx {
	u32 cmd_op;
	u32 payload_len;
	u32 issue_flags;
	u32 uid;
	u32 gid;
	u32 pid;
	u32 reissue;
	u64 file_id;
	const u8 *payload;
	u64 res2;
	struct ucmd_req *req;
	struct ucmd_bpf_req *breq;
};

/**
 * struct ucmd_bpf_req - a deferred request, as a BPF program holds it
 * @refs: one for the program's reference (a kptr the verifier tracks from
 *	  bpf_ucmd_req_defer() to bpf_ucmd_req_complete() or the map's
 *	  destructor), one for the request until its completion is taken
 * @priv: ucmd_req_defer()'s area of the request while nobody has taken
 *	  its completion; NULL once completed or cancelled. Taken with one
 *	  xchg(), so that whoever takes it - bpf_ucmd_req_complete(), a
 *	  cancel, the map's destructor - needs no lock: the destructor runs
 *	  wherever the map frees the field, on 6.12 inside a hash bucket's
 *	  raw spinlock with IRQs off, or from a tracing program
 * @rcu: frees the object a grace period after the last reference
 *
 * Allocated by bpf_ucmd_req_defer(), charged to the submitter's memcg,
 * freed when both references are gone: a program may complete a request
 * that ring teardown already cancelled (a no-op, reported -ECANCELED).
 *
 * Lifetime against cancel: ucmd_bpf_cancel() reaches the object through
 * the request's area (struct ucmd_bpf_async), which lives until the CQE
 * is posted, but a completing program may drop both references, and so
 * free the object, between ucmd's "still QUEUED" check and the cancel's
 * xchg(). The free waits for an RCU grace period, and ops->cancel runs in
 * the read-side section in which ucmd saw the request QUEUED, which
 * began before any completion could have dropped the last reference.
 */
struct ucmd_bpf_req {
	refcount_t refs;
	void *priv;
	struct rcu_head rcu;
};

/* ucmd_req_defer()'s area of a deferred BPF request. */
struct ucmd_bpf_async {
	struct ucmd_bpf_req *breq;
};

/**
 * struct ucmd_ops - BPF struct_ops type for ucmd
 * @name: instance name, unique, NUL-terminated; first member, so that a
 *	  loader can set it in the map's value before load
 * @op_first: first cmd_op served by @handle
 * @op_last: last cmd_op served by @handle (inclusive; same type and
 *	     size as @op_first, at most UCMD_BPF_MAX_OPS of them)
 * @validate: policy, called on every issue of a request that reaches a
 *	      handler, before the handler and on the same payload bytes, in
 *	      attach order: 0 allows, a negative errno -1..-511 denies (it
 *	      becomes the CQE's result as it is, -EAGAIN included: a denial
 *	      is never retried); any other value denies with -EPERM. Runs
 *	      under rcu_read_lock(): sleepable programs are refused at load
 * @handle: implements the cmd_ops in [@op_first, @op_last]: returns the
 *	    CQE's result; res2 through bpf_ucmd_set_res2(). Called in the
 *	    issue path, inline (IO_URING_F_NONBLOCK) or from io-wq; must
 *	    not sleep (sleepable programs are refused at load)
 * @handle_sleepable: like @handle, for handlers that may block: the
 *		      inline issue returns -EAGAIN without calling it, and
 *		      io_uring calls it from io-wq (or ioctl() directly),
 *		      where it may be a sleepable program
 *		      (SEC("struct_ops.s/...")) and copy from and to user
 *		      memory (bpf_ucmd_copy_from_user(),
 *		      bpf_ucmd_copy_to_user()). At most one of @handle and
 *		      @handle_sleepable
 * @release: optional; called once when an open /dev/ucmd file is
 *	     released (its last reference dropped, so no request of it is
 *	     in flight), with ctx->file_id naming it and no payload: the
 *	     place to delete per-file state. Return value ignored; must not
 *	     sleep. Files released while the instance is not attached are
 *	     not reported to it
 *
 * At least one of @validate, @handle and @handle_sleepable must be set.
 * Reg fails with -EEXIST if the name is taken or a cmd_op in the range
 * already has a handler, -EINVAL for a malformed range or both handle
 * members set.
 */
struct ucmd_ops {
	char name[UCMD_NAME_LEN];
	u32 op_first;
	u32 op_last;
	int (*validate)(struct ucmd_bpf_ctx *ctx);
	int (*handle)(struct ucmd_bpf_ctx *ctx);
	int (*handle_sleepable)(struct ucmd_bpf_ctx *ctx);
	int (*release)(struct ucmd_bpf_ctx *ctx);
};

struct ucmd_bpf_op {
	struct ucmd_handler_ops hops;
	struct ucmd_bpf_inst *inst;
	struct ucmd_handler *h;		/* while unregistering */
};

struct ucmd_bpf_inst {
	struct ucmd_ops *ops;		/* the map's kdata */
	struct list_head node;		/* on ucmd_bpf_insts */
	unsigned int nr_ops;
	struct ucmd_bpf_op *bops;	/* nr_ops registered C handlers */
};

/* An instance that serves cmd_ops (either handle member). */
static bool ucmd_ops_handles(const struct ucmd_ops *ops)
{
	return ops->handle || ops->handle_sleepable;
}

static DEFINE_MUTEX(ucmd_bpf_lock);
/*
 * Attached instances with ->validate; the dispatcher skips the validators
 * while it is 0. Written under ucmd_bpf_lock, read locklessly: a request
 * racing with attach may run before or after the new policy, as with any
 * attach. A plain counter rather than a static key: one cache-hot load,
 * and no text patching of the dispatcher while requests run through it
 * (which multi-threaded TCG guests, where the tests run, get wrong:
 * docs/semantics.md, "Static keys and TCG").
 */
int ucmd_bpf_nr_validators;
static LIST_HEAD(ucmd_bpf_insts);
static const struct btf *ucmd_btf;	/* this module's BTF (st_ops .init) */

static void ucmd_bpf_ctx_init(struct ucmd_bpf_ctx *ctx, u32 cmd_op,
			      const void *payload, unsigned int issue_flags,
			      bool reissue, u64 file_id)
{
	const struct cred *cred = current_cred();

	ctx->cmd_op = cmd_op;
	ctx->payload_len = _IOC_SIZE(cmd_op);
	ctx->issue_flags = issue_flags;
	/*
	 * A kuid_t holds the id in the initial user namespace (KUIDT_INIT(),
	 * include/linux/uidgid.h): what from_kuid(&init_user_ns, ...) returns,
	 * without its extent search on every request.
	 */
	ctx->uid = __kuid_val(cred->fsuid);
	ctx->gid = __kgid_val(cred->fsgid);
	ctx->pid = task_tgid_nr(current);
	ctx->reissue = reissue;
	ctx->file_id = file_id;
	ctx->payload = payload;
	ctx->res2 = 0;
	ctx->req = NULL;
	ctx->breq = NULL;
}

static void ucmd_bpf_req_put(struct ucmd_bpf_req *breq)
{
	if (refcount_dec_and_test(&breq->refs))
		kfree_rcu(breq, rcu);	/* a cancel may be about to lock it */
}

/* Take @breq's completion: its request's area, or NULL if already taken. */
static void *ucmd_bpf_req_take(struct ucmd_bpf_req *breq)
{
	void *priv = xchg(&breq->priv, NULL);

	if (priv)
		ucmd_bpf_req_put(breq);	/* the request's reference */
	return priv;
}

/*
 * ops->cancel of BPF handlers: ring teardown or instance detach. Whoever
 * takes the completion first wins; a later bpf_ucmd_req_complete() on the
 * program's reference is then a no-op. @a->breq may have lost both its
 * references since ucmd saw the request QUEUED (a completion racing with
 * us): it is freed by RCU, after this call (see struct ucmd_bpf_req).
 */
static bool ucmd_bpf_cancel(struct ucmd_req *req, void *priv)
{
	struct ucmd_bpf_async *a = priv;

	return ucmd_bpf_req_take(a->breq);
}

/**
 * ucmd_bpf_validate() - run every attached validator on a request
 * @cmd_op: the request's cmd_op
 * @payload: the copied payload, _IOC_SIZE(@cmd_op) bytes
 * @issue_flags: io_uring's issue_flags
 * @reissue: this issue follows the handler's -EAGAIN (ctx->reissue)
 * @file_id: the open file's id (ctx->file_id)
 * @who: UCMD_NAME_LEN bytes; receives the denying instance's name
 *
 * Context: issue path; runs the programs under RCU.
 * Return: 0 if every validator allowed, else the first denial's errno
 * (-1..-511; -EPERM for a verdict outside that range).
 */
int ucmd_bpf_validate(u32 cmd_op, const void *payload, unsigned int issue_flags,
		      bool reissue, u64 file_id, char *who)
{
	struct ucmd_bpf_inst *inst;
	struct ucmd_bpf_ctx ctx;
	int ret = 0;

	if (!READ_ONCE(ucmd_bpf_nr_validators))
		return 0;
	ucmd_bpf_ctx_init(&ctx, cmd_op, payload, issue_flags, reissue, file_id);
	rcu_read_lock();
	list_for_each_entry_rcu(inst, &ucmd_bpf_insts, node) {
		if (!inst->ops->validate)
			continue;
		ret = inst->ops->validate(&ctx);
		if (ret) {
			if (ret > 0 || ret <= -ERESTARTSYS)
				ret = -EPERM;
			strscpy(who, inst->ops->name, UCMD_NAME_LEN);
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/**
 * ucmd_bpf_release() - tell attached instances that an open file is gone
 * @file_id: its id (struct ucmd_file.id)
 *
 * Context: the file's ->release; may sleep. Runs the ->release programs
 * under RCU, in attach order.
 */
void ucmd_bpf_release(u64 file_id)
{
	struct ucmd_bpf_inst *inst;
	struct ucmd_bpf_ctx ctx;

	ucmd_bpf_ctx_init(&ctx, 0, NULL, 0, false, file_id);
	rcu_read_lock();
	list_for_each_entry_rcu(inst, &ucmd_bpf_insts, node)
		if (inst->ops->release)
			inst->ops->release(&ctx);
	rcu_read_unlock();
}

int ucmd_bpf_issue(struct ucmd_req *req, const void *payload,
		   unsigned int issue_flags)
{
	struct io_uring_cmd *cmd;
	struct ucmd_bpf_ctx ctx;
	struct ucmd_bpf_op *bop;
	struct ucmd_ops *ops;
	int ret;

	bop = container_of(ucmd_req_handler_ops(req), struct ucmd_bpf_op, hops);
	ops = bop->inst->ops;
	/* A handler that may block runs where blocking is allowed. */
	if (ops->handle_sleepable && (issue_flags & IO_URING_F_NONBLOCK))
		return -EAGAIN;
	cmd = ucmd_req_cmd(req);	/* NULL through ioctl() */
	ucmd_bpf_ctx_init(&ctx, bop->hops.cmd_op, payload, issue_flags,
			  cmd && ucmd_cmd_is_reissue(cmd),
			  ucmd_req_file(req)->id);
	ctx.req = req;
	if (ops->handle_sleepable)
		ret = ops->handle_sleepable(&ctx);
	else
		ret = ops->handle(&ctx);
	/*
	 * Deferred: the program holds the reference (the verifier saw to
	 * it), and the request completes through it, whatever it returned.
	 * Marked cancelable here, not in the kfunc: on io-wq that takes the
	 * ring's uring_lock, a mutex, and the program may not sleep.
	 */
	if (ctx.breq) {
		ucmd_req_mark_cancelable(req, issue_flags);
		return -EIOCBQUEUED;
	}
	/* Not deferred: never let a result look queued. */
	if (ret == -EIOCBQUEUED)
		ret = -EIO;
	ucmd_req_set_res2(req, ctx.res2);
	return ret;
}

__bpf_kfunc_start_defs();

/**
 * bpf_ucmd_read_payload() - copy payload bytes of a request
 * @ctx: the program's context argument
 * @offset: first byte, from the start of the payload
 * @buf: destination
 * @buf__sz: bytes to copy
 *
 * The payload is _IOC_SIZE(cmd_op) bytes (at most 80) copied from the SQE
 * before any program ran; ctx->payload_len has its size.
 *
 * Return: @buf__sz, or -EINVAL (and @buf zeroed) if
 * [@offset, @offset + @buf__sz) is not inside the payload.
 */
__bpf_kfunc int bpf_ucmd_read_payload(struct ucmd_bpf_ctx *ctx, u32 offset,
				      void *buf, u32 buf__sz)
{
	if (offset > ctx->payload_len || buf__sz > ctx->payload_len - offset) {
		memset(buf, 0, buf__sz);
		return -EINVAL;
	}
	memcpy(buf, ctx->payload + offset, buf__sz);
	return buf__sz;
}

/**
 * bpf_ucmd_payload() - the request's payload, read-only, where it is
 * @ctx: the program's context argument
 * @rdonly_buf_size: bytes the program may read through the pointer
 *		     (constant; at most UCMD_PAYLOAD_SQE128, 80)
 *
 * The issue's own copy of the payload, taken from the SQE before any
 * program ran and kept on the issuing task's stack until the issue
 * returns: no other request, validation or program can write it, however
 * the program is preempted, so a policy that reads fields through it
 * judges this request's bytes (no shared per-CPU scratch copy). Only the
 * first ctx->payload_len bytes are the payload; what follows, up to 80,
 * is unspecified and must not be relied on. The verifier tracks the
 * pointer as read-only memory of @rdonly_buf_size bytes, valid for the
 * program's run.
 *
 * Return: the payload, or NULL if @rdonly_buf_size is over 80 or the
 * program has no payload (->release).
 */
__bpf_kfunc const u8 *bpf_ucmd_payload(struct ucmd_bpf_ctx *ctx,
				       u32 rdonly_buf_size)
{
	if (rdonly_buf_size > UCMD_PAYLOAD_SQE128 || !ctx->payload)
		return NULL;
	return ctx->payload;
}

/**
 * bpf_ucmd_set_res2() - set the res2 a handler completes with
 * @ctx: the program's context argument
 * @res2: the value; reaches userspace in cqe->big_cqe[0] on CQE32 rings
 *
 * Meaningful from ->handle; a validator's res2 is ignored.
 */
__bpf_kfunc void bpf_ucmd_set_res2(struct ucmd_bpf_ctx *ctx, u64 res2)
{
	ctx->res2 = res2;
}

/**
 * bpf_ucmd_req_defer() - defer the request ->handle serves
 * @ctx: the program's context argument (->handle only)
 *
 * The request completes when the program passes the returned reference to
 * bpf_ucmd_req_complete(), from this call or a later one (a bpf_timer or
 * bpf_wq callback, another program of the instance, after
 * bpf_kptr_xchg() out of a map). The verifier rejects a program that
 * loses the reference or releases it twice. Ring teardown and instance
 * detach complete the request with -ECANCELED; a reference left in a map
 * when the map is freed completes it with -ECANCELED too. Once deferred,
 * ->handle's return value is ignored.
 *
 * Return: the reference, or NULL (nothing deferred; return an errno) from
 * ->validate, on a second call, through ioctl(), past ucmd.max_inflight,
 * or without memory.
 */
__bpf_kfunc struct ucmd_bpf_req *bpf_ucmd_req_defer(struct ucmd_bpf_ctx *ctx)
{
	struct ucmd_bpf_async *a;
	struct ucmd_bpf_req *breq;

	if (!ctx->req || ctx->breq)
		return NULL;
	breq = kzalloc(sizeof(*breq), GFP_NOWAIT | __GFP_ACCOUNT);
	if (!breq)
		return NULL;
	a = ucmd_req_defer(ctx->req, sizeof(*a), GFP_NOWAIT);
	if (IS_ERR(a)) {
		kfree(breq);
		return NULL;
	}
	refcount_set(&breq->refs, 2);
	breq->priv = a;
	a->breq = breq;
	ctx->breq = breq;	/* ucmd_bpf_issue() marks it cancelable */
	return breq;
}

/**
 * bpf_ucmd_req_complete() - complete a deferred request, release its reference
 * @breq: a reference from bpf_ucmd_req_defer()
 * @res: the CQE's result (>= 0, or -errno; restart codes become -EINTR)
 * @res2: res2 (cqe->big_cqe[0] on CQE32 rings)
 *
 * Callable from any context a ucmd program runs in, timer callbacks
 * included.
 *
 * Return: 0, or -ECANCELED if the request was already completed with
 * -ECANCELED (ring teardown, instance detach): nothing is posted then.
 */
__bpf_kfunc int bpf_ucmd_req_complete(struct ucmd_bpf_req *breq, int res,
				      u64 res2)
{
	void *priv = ucmd_bpf_req_take(breq);

	if (priv)
		ucmd_req_complete(priv, res, res2);
	ucmd_bpf_req_put(breq);		/* the program's reference */
	return priv ? 0 : -ECANCELED;
}

/**
 * bpf_ucmd_ancestor_cgroup_id() - the submitter's cgroup v2 ancestor
 * @ctx: the program's context argument
 * @level: depth below the root (0 is the root)
 *
 * What bpf_get_current_ancestor_cgroup_id() returns, for every kernel
 * ucmd builds on: that helper does not exist without CONFIG_CGROUPS,
 * and a program calling it would not load there. Mirrors
 * bpf_get_current_ancestor_cgroup_id() (kernel/bpf/helpers.c).
 *
 * Return: the id of the current task's default-hierarchy cgroup at
 * @level, or 0 if it is not that deep (or the kernel has no cgroups).
 */
__bpf_kfunc u64 bpf_ucmd_ancestor_cgroup_id(struct ucmd_bpf_ctx *ctx, int level)
{
#ifdef CONFIG_CGROUPS
	struct cgroup *cgrp;
	u64 id = 0;

	rcu_read_lock();
	cgrp = cgroup_ancestor(task_dfl_cgroup(current), level);
	if (cgrp)
		id = cgroup_id(cgrp);
	rcu_read_unlock();
	return id;
#else
	return 0;
#endif
}

/*
 * Copy between @kbuf and @len bytes at user address @uaddr, which is in
 * the request's registered buffer if the SQE has IORING_URING_CMD_FIXED.
 * @dir is ITER_SOURCE (user -> @kbuf) or ITER_DEST (@kbuf -> user).
 */
static int ucmd_bpf_user_copy(struct ucmd_bpf_ctx *ctx, u64 uaddr, void *kbuf,
			      u32 len, int dir)
{
	unsigned int need = dir == ITER_SOURCE ? _IOC_WRITE : _IOC_READ;
	struct io_uring_cmd *cmd;
	struct iov_iter iter;
	size_t done;
	int ret;

	/* Only ->handle_sleepable can call these (KF_SLEEPABLE, .check_member). */
	if (!ctx->req)
		return -EINVAL;
	if (!(_IOC_DIR(ctx->cmd_op) & need))
		return -EPERM;
	if (!len)
		return 0;
	cmd = ucmd_req_cmd(ctx->req);
	if (cmd && (cmd->flags & IORING_URING_CMD_FIXED))
		ret = ucmd_import_fixed(uaddr, len, dir, &iter, cmd,
					ctx->issue_flags);
	else
		ret = import_ubuf(dir, u64_to_user_ptr(uaddr), len, &iter);
	if (ret)
		return ret;
	if (dir == ITER_SOURCE)
		done = copy_from_iter(kbuf, len, &iter);
	else
		done = copy_to_iter(kbuf, len, &iter);
	if (done == len)
		return len;
	if (dir == ITER_SOURCE)
		memset(kbuf, 0, len);	/* nothing half-copied reaches the program */
	return -EFAULT;
}

/**
 * bpf_ucmd_copy_from_user() - copy user memory a request names into a buffer
 * @ctx: the program's context argument (->handle_sleepable only)
 * @dst: destination in the program's memory
 * @dst__sz: bytes to copy (the verifier checks @dst holds them)
 * @uaddr: user address of the first byte, taken from the payload; with
 *	   IORING_URING_CMD_FIXED in the SQE an address inside registered
 *	   buffer sqe->buf_index (io_uring_cmd_import_fixed())
 *
 * The cmd_op must declare that userspace passes data in (_IOW or _IOWR:
 * _IOC_WRITE in its direction bits). Sleepable programs only.
 *
 * Return: @dst__sz (0 copies nothing); -EPERM if the cmd_op lacks
 * _IOC_WRITE; -EFAULT if the range cannot be read or lies outside the
 * registered buffer, with @dst zeroed; -EINVAL outside a request.
 */
__bpf_kfunc int bpf_ucmd_copy_from_user(struct ucmd_bpf_ctx *ctx, void *dst,
					u32 dst__sz, u64 uaddr)
{
	return ucmd_bpf_user_copy(ctx, uaddr, dst, dst__sz, ITER_SOURCE);
}

/**
 * bpf_ucmd_copy_to_user() - copy a buffer to user memory a request names
 * @ctx: the program's context argument (->handle_sleepable only)
 * @uaddr: user address of the first byte, taken from the payload; with
 *	   IORING_URING_CMD_FIXED an address inside the registered buffer
 * @src: source in the program's memory
 * @src__sz: bytes to copy
 *
 * The cmd_op must declare that userspace gets data back (_IOR or _IOWR:
 * _IOC_READ). Sleepable programs only. A fault part way leaves the bytes
 * before it written.
 *
 * Return: @src__sz; -EPERM if the cmd_op lacks _IOC_READ; -EFAULT if the
 * range cannot be written or lies outside the registered buffer; -EINVAL
 * outside a request.
 */
__bpf_kfunc int bpf_ucmd_copy_to_user(struct ucmd_bpf_ctx *ctx, u64 uaddr,
				      void *src, u32 src__sz)
{
	return ucmd_bpf_user_copy(ctx, uaddr, src, src__sz, ITER_DEST);
}

/**
 * bpf_ucmd_req_dtor() - destructor of a ucmd_bpf_req kptr left in a map
 * @p: the reference
 *
 * Completes the request with -ECANCELED unless it is already completed.
 * Takes no lock (struct ucmd_bpf_req): safe with IRQs off and under the
 * map's raw spinlocks, where 6.12 runs it for an element replaced or
 * deleted (bpf_obj_free_fields()), and in hard interrupt context.
 */
__bpf_kfunc void bpf_ucmd_req_dtor(void *p)
{
	bpf_ucmd_req_complete(p, -ECANCELED, 0);
}

CFI_NOSEAL(bpf_ucmd_req_dtor);

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(ucmd_kfunc_ids)
BTF_ID_FLAGS(func, bpf_ucmd_read_payload)
BTF_ID_FLAGS(func, bpf_ucmd_payload, KF_RET_NULL)
BTF_ID_FLAGS(func, bpf_ucmd_set_res2)
BTF_ID_FLAGS(func, bpf_ucmd_req_defer, KF_ACQUIRE | KF_RET_NULL)
BTF_ID_FLAGS(func, bpf_ucmd_req_complete, KF_RELEASE)
BTF_ID_FLAGS(func, bpf_ucmd_ancestor_cgroup_id)
BTF_ID_FLAGS(func, bpf_ucmd_copy_from_user, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_ucmd_copy_to_user, KF_SLEEPABLE)
BTF_KFUNCS_END(ucmd_kfunc_ids)

BTF_ID_LIST(ucmd_dtor_ids)
BTF_ID(struct, ucmd_bpf_req)
BTF_ID(func, bpf_ucmd_req_dtor)

/* ucmd's kfuncs are for ucmd's struct_ops programs only. */
static int ucmd_kfunc_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	if (prog->type != BPF_PROG_TYPE_STRUCT_OPS ||
	    prog->aux->attach_btf != ucmd_btf)
		return -EACCES;
	return 0;
}

static const struct btf_kfunc_id_set ucmd_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &ucmd_kfunc_ids,
	.filter = ucmd_kfunc_filter,
};

static bool ucmd_ops_is_valid_access(int off, int size,
				     enum bpf_access_type type,
				     const struct bpf_prog *prog,
				     struct bpf_insn_access_aux *info)
{
	return bpf_tracing_btf_ctx_access(off, size, type, prog, info);
}

static const struct bpf_verifier_ops ucmd_verifier_ops = {
	.get_func_proto = bpf_base_func_proto,
	.is_valid_access = ucmd_ops_is_valid_access,
};

/*
 * Only ->handle_sleepable may sleep: ->validate and ->release run under
 * rcu_read_lock(), ->handle with IO_URING_F_NONBLOCK. Refuse sleepable
 * programs for them at load, as HID-BPF's hid_bpf_ops_check_member() and
 * sched_ext's bpf_scx_check_member() do. The verifier logs "attach to
 * unsupported member validate of struct ucmd_ops".
 */
static int ucmd_ops_check_member(const struct btf_type *t,
				 const struct btf_member *member,
				 const struct bpf_prog *prog)
{
	u32 moff = __btf_member_bit_offset(t, member) / 8;

	if (prog->sleepable &&
	    moff != offsetof(struct ucmd_ops, handle_sleepable))
		return -EINVAL;
	return 0;
}

static int ucmd_ops_init(struct btf *btf)
{
	ucmd_btf = btf;
	return 0;
}

/* Data members are copied here; the core handles the programs. */
static int ucmd_ops_init_member(const struct btf_type *t,
				const struct btf_member *member,
				void *kdata, const void *udata)
{
	const struct ucmd_ops *uops = udata;
	struct ucmd_ops *kops = kdata;

	switch (__btf_member_bit_offset(t, member) / 8) {
	case offsetof(struct ucmd_ops, name):
		if (!memchr(uops->name, '\0', sizeof(uops->name)) ||
		    !uops->name[0])
			return -EINVAL;
		strscpy(kops->name, uops->name, sizeof(kops->name));
		return 1;
	case offsetof(struct ucmd_ops, op_first):
		kops->op_first = uops->op_first;
		return 1;
	case offsetof(struct ucmd_ops, op_last):
		kops->op_last = uops->op_last;
		return 1;
	}
	return 0;
}

/* ucmd_unregister_handler() for every op, with one RCU grace period. */
static void ucmd_bpf_unregister_ops(struct ucmd_bpf_inst *inst)
{
	unsigned int i;

	for (i = 0; i < inst->nr_ops; i++)
		inst->bops[i].h = ucmd_handler_unpublish(&inst->bops[i].hops);
	synchronize_rcu();
	for (i = 0; i < inst->nr_ops; i++)		/* kills' grace periods overlap */
		if (inst->bops[i].h)
			ucmd_handler_kill(inst->bops[i].h);
	for (i = 0; i < inst->nr_ops; i++)
		if (inst->bops[i].h)
			ucmd_handler_reap(inst->bops[i].h);
	kfree(inst->bops);
}

static int ucmd_bpf_register_ops(struct ucmd_bpf_inst *inst)
{
	struct ucmd_ops *ops = inst->ops;
	unsigned int i, nr;
	int ret;

	if (ops->op_last < ops->op_first ||
	    ops->op_last - ops->op_first >= UCMD_BPF_MAX_OPS ||
	    _IOC_TYPE(ops->op_first) != _IOC_TYPE(ops->op_last) ||
	    _IOC_SIZE(ops->op_first) != _IOC_SIZE(ops->op_last) ||
	    _IOC_DIR(ops->op_first) != _IOC_DIR(ops->op_last))
		return -EINVAL;
	nr = ops->op_last - ops->op_first + 1;
	inst->bops = kcalloc(nr, sizeof(*inst->bops), GFP_KERNEL);
	if (!inst->bops)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct ucmd_bpf_op *bop = &inst->bops[i];

		bop->inst = inst;
		bop->hops.name = ops->name;
		bop->hops.cmd_op = ops->op_first + i;
		bop->hops.issue = ucmd_bpf_issue;
		bop->hops.cancel = ucmd_bpf_cancel;
		bop->hops.owner = THIS_MODULE;
		ret = ucmd_register_handler(&bop->hops);
		if (ret)
			return ret;	/* the caller unregisters, unlocked */
		inst->nr_ops = i + 1;
	}
	return 0;
}

static struct ucmd_bpf_inst *ucmd_bpf_find(const char *name)
{
	struct ucmd_bpf_inst *inst;

	lockdep_assert_held(&ucmd_bpf_lock);
	list_for_each_entry(inst, &ucmd_bpf_insts, node)
		if (!strcmp(inst->ops->name, name))
			return inst;
	return NULL;
}

static int ucmd_ops_reg(void *kdata, struct bpf_link *link)
{
	struct ucmd_ops *ops = kdata;
	struct ucmd_bpf_inst *inst;
	int ret;

	if (!ops->validate && !ucmd_ops_handles(ops))
		return -EINVAL;
	if (ops->handle && ops->handle_sleepable)
		return -EINVAL;
	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	inst->ops = ops;

	mutex_lock(&ucmd_bpf_lock);
	if (ucmd_bpf_find(ops->name)) {
		ret = -EEXIST;
		goto err_unlock;
	}
	if (ucmd_ops_handles(ops)) {
		ret = ucmd_bpf_register_ops(inst);
		if (ret)
			goto err_unregister;
	}
	list_add_tail_rcu(&inst->node, &ucmd_bpf_insts);
	if (ops->validate)
		WRITE_ONCE(ucmd_bpf_nr_validators, ucmd_bpf_nr_validators + 1);
	mutex_unlock(&ucmd_bpf_lock);
	pr_info("attached %s%s%s%s%s\n", ops->name,
		ops->validate ? " validate" : "", ops->handle ? " handle" : "",
		ops->handle_sleepable ? " handle_sleepable" : "",
		ops->release ? " release" : "");
	return 0;

err_unregister:
	/*
	 * Unlocked: the ops registered before the failure may have requests
	 * to wait for, and neither ucmd_bpf_lock nor (in the BPF core)
	 * update_mutex should be held across that.
	 */
	mutex_unlock(&ucmd_bpf_lock);
	ucmd_bpf_unregister_ops(inst);
	kfree(inst);
	return ret;
err_unlock:
	mutex_unlock(&ucmd_bpf_lock);
	kfree(inst);
	return ret;
}

/* The attached instance of a struct_ops map's kdata, or NULL. */
static struct ucmd_bpf_inst *ucmd_bpf_find_ops(const struct ucmd_ops *ops)
{
	struct ucmd_bpf_inst *inst;

	lockdep_assert_held(&ucmd_bpf_lock);
	list_for_each_entry(inst, &ucmd_bpf_insts, node)
		if (inst->ops == ops)
			return inst;
	return NULL;
}

/*
 * bpf_link_update() of an attached instance's link to a new struct_ops
 * map (BPF_F_LINK): the new instance takes the old one's place in the
 * list in one RCU pointer update, so each validation runs exactly one of
 * the two and none runs neither. Policies only: a handler's cmd_ops
 * would change owner under requests in flight (-EOPNOTSUPP). The new
 * instance keeps the old one's name (-EINVAL otherwise) and must have a
 * validator. Returns once no validator still runs the old programs.
 */
static int ucmd_ops_update(void *kdata, void *old_kdata, struct bpf_link *link)
{
	struct ucmd_ops *ops = kdata, *old_ops = old_kdata;
	struct ucmd_bpf_inst *inst, *old;

	if (ucmd_ops_handles(ops) || ucmd_ops_handles(old_ops))
		return -EOPNOTSUPP;
	if (!ops->validate || strcmp(ops->name, old_ops->name))
		return -EINVAL;
	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	inst->ops = ops;

	mutex_lock(&ucmd_bpf_lock);
	old = ucmd_bpf_find_ops(old_ops);
	if (!old) {
		mutex_unlock(&ucmd_bpf_lock);
		kfree(inst);
		return -ENOENT;
	}
	/* Both have ->validate: ucmd_bpf_nr_validators stays as it is. */
	list_replace_rcu(&old->node, &inst->node);
	mutex_unlock(&ucmd_bpf_lock);

	synchronize_rcu();		/* validate()s still in the old programs */
	pr_info("replaced %s\n", ops->name);
	kfree(old);
	return 0;
}

static void ucmd_ops_unreg(void *kdata, struct bpf_link *link)
{
	struct ucmd_ops *ops = kdata;
	struct ucmd_bpf_inst *inst;

	mutex_lock(&ucmd_bpf_lock);
	inst = ucmd_bpf_find_ops(ops);
	if (!inst) {
		mutex_unlock(&ucmd_bpf_lock);
		return;
	}
	list_del_rcu(&inst->node);
	if (ops->validate)
		WRITE_ONCE(ucmd_bpf_nr_validators, ucmd_bpf_nr_validators - 1);
	mutex_unlock(&ucmd_bpf_lock);

	ucmd_bpf_unregister_ops(inst);	/* waits for handle()s in flight */
	synchronize_rcu();		/* and for validate()s */
	pr_info("detached %s\n", ops->name);
	kfree(inst);
}

static int ucmd_ops__validate(struct ucmd_bpf_ctx *ctx)
{
	return 0;
}

static int ucmd_ops__handle(struct ucmd_bpf_ctx *ctx)
{
	return -EOPNOTSUPP;
}

static int ucmd_ops__handle_sleepable(struct ucmd_bpf_ctx *ctx)
{
	return -EOPNOTSUPP;
}

static int ucmd_ops__release(struct ucmd_bpf_ctx *ctx)
{
	return 0;
}

static struct ucmd_ops __ucmd_ops_cfi_stubs = {
	.validate = ucmd_ops__validate,
	.handle = ucmd_ops__handle,
	.handle_sleepable = ucmd_ops__handle_sleepable,
	.release = ucmd_ops__release,
};

static struct bpf_struct_ops bpf_ucmd_ops = {
	.verifier_ops = &ucmd_verifier_ops,
	.init = ucmd_ops_init,
	.init_member = ucmd_ops_init_member,
	.check_member = ucmd_ops_check_member,
	.reg = ucmd_ops_reg,
	.unreg = ucmd_ops_unreg,
	.update = ucmd_ops_update,
	.cfi_stubs = &__ucmd_ops_cfi_stubs,
	.name = "ucmd_ops",
	.owner = THIS_MODULE,
};

/**
 * ucmd_bpf_read() - list attached instances (sysfs bpf_ops)
 * @buf: destination, @count bytes
 * @off: byte offset into the listing
 * @count: bytes wanted
 *
 * One line per instance, in attach order:
 * "NAME validate=0|1 handle=0|1 first=0xOP last=0xOP sleepable=0|1
 * release=0|1\n" (one line; handle=1 for either handle member,
 * sleepable=1 for ->handle_sleepable). The listing is
 * made again for each read, so a reader that reads while instances come
 * and go may see a line twice or miss one, as with any sysfs file.
 *
 * Return: bytes copied into @buf (0 past the end).
 */
ssize_t ucmd_bpf_read(char *buf, loff_t off, size_t count)
{
	struct ucmd_bpf_inst *inst;
	char line[UCMD_NAME_LEN + 96];
	loff_t pos = 0;
	size_t done = 0;

	mutex_lock(&ucmd_bpf_lock);
	list_for_each_entry(inst, &ucmd_bpf_insts, node) {
		int len = scnprintf(line, sizeof(line),
				    "%s validate=%d handle=%d first=0x%x last=0x%x sleepable=%d release=%d\n",
				    inst->ops->name, !!inst->ops->validate,
				    ucmd_ops_handles(inst->ops),
				    inst->ops->op_first, inst->ops->op_last,
				    !!inst->ops->handle_sleepable,
				    !!inst->ops->release);
		loff_t skip = off + done - pos;

		if (skip < len) {
			size_t n = min_t(size_t, len - skip, count - done);

			memcpy(buf + done, line + skip, n);
			done += n;
			if (done == count)
				break;
		}
		pos += len;
	}
	mutex_unlock(&ucmd_bpf_lock);
	return done;
}

/*
 * 0 once the struct_ops is registered; else why not, as a -errno. Written
 * once by ucmd_bpf_init(), before /dev/ucmd exists.
 */
static int ucmd_bpf_err = -ENOENT;

/**
 * ucmd_bpf_available() - can BPF policies and handlers attach?
 *
 * Return: true if ucmd_ops is a registered struct_ops type (UCMD_F_BPF).
 */
bool ucmd_bpf_available(void)
{
	return !ucmd_bpf_err;
}

/**
 * ucmd_bpf_status() - the sysfs "bpf" line: "available" or why not
 * @buf: sysfs buffer (PAGE_SIZE)
 *
 * Return: bytes written.
 */
ssize_t ucmd_bpf_status(char *buf)
{
	if (!ucmd_bpf_err)
		return sysfs_emit(buf, "available\n");
	if (ucmd_bpf_err == -ENOENT && !ucmd_btf)
		return sysfs_emit(buf, "unavailable: %s\n",
				  "ucmd.ko has no BTF (built without pahole, or the kernel lacks CONFIG_DEBUG_INFO_BTF_MODULES)");
	return sysfs_emit(buf, "unavailable: %s (%d)\n",
			  "registering the ucmd_ops struct_ops failed",
			  ucmd_bpf_err);
}

/**
 * ucmd_bpf_init() - register ucmd's kfuncs, the destructor of
 * struct ucmd_bpf_req kptrs and the ucmd_ops struct_ops
 *
 * Never fails the module: without BPF, C handlers and tracepoints still
 * work and UCMD_F_BPF is clear. A module without BTF is the quiet case:
 * register_btf_kfunc_id_set() and register_bpf_struct_ops() return 0
 * having registered nothing (check_btf_kconfigs(), kernel/bpf/btf.c of
 * 6.12 and 7.3), which shows as ucmd_ops_init() never having run.
 */
void ucmd_bpf_init(void)
{
	const struct btf_id_dtor_kfunc dtors[] = {
		{ .btf_id = ucmd_dtor_ids[0], .kfunc_btf_id = ucmd_dtor_ids[1] },
	};
	int ret;

	/* BPF programs take the device's UAPI types from this module's BTF. */
	BTF_TYPE_EMIT(struct ucmd_echo);
	BTF_TYPE_EMIT(struct ucmd_delay);
	BTF_TYPE_EMIT(struct ucmd_sum);
	BTF_TYPE_EMIT(struct ucmd_features);
	BTF_TYPE_EMIT(struct ucmd_sleep);
	BTF_TYPE_EMIT(struct ucmd_rw);
	BTF_TYPE_EMIT(struct ucmd_rwv);

	ret = register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS, &ucmd_kfunc_set);
	ret = ret ?: register_btf_id_dtor_kfuncs(dtors, ARRAY_SIZE(dtors), THIS_MODULE);
	ret = ret ?: register_bpf_struct_ops(&bpf_ucmd_ops, ucmd_ops);
	if (!ret && !ucmd_btf)
		ret = -ENOENT;
	ucmd_bpf_err = ret;
	if (ret)
		pr_warn("BPF policies and handlers unavailable (%d%s)\n", ret,
			ucmd_btf ? "" : ", no module BTF");
}
