// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in handlers of /dev/ucmd, registered through the same
 * ucmd_register_handler() API other modules use:
 *
 *   NOP           completes with 0
 *   GET_FEATURES  res2 (and *addr, if given) = the UCMD_F_* feature mask
 *   ECHO          completes with payload.res, res2 = payload.res2
 *   DELAY         completes with payload.res after payload.delay_us from a
 *                 workqueue, through task work; cancelable on ring close
 *   SUM           80-byte payload (SQE128 rings): res2 = sum of the values
 *   SLEEP         must block: -EAGAIN under NONBLOCK, sleeps on io-wq
 *   READ, WRITE   copy to/from the file's buffer (ucmd_rw.c)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io_uring/cmd.h>
#include <linux/workqueue.h>
#include <linux/jiffies.h>
#include <linux/uaccess.h>
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <uapi/linux/ucmd.h>

#include "ucmd_request.h"
#include "ucmd_builtin.h"
#include "ucmd_registry.h"
#include "ucmd_bpf.h"
#include "ucmd_compat.h"

/* Runs DELAY's work; unbound so a delay never waits behind a busy CPU. */
static struct workqueue_struct *ucmd_wq;

int ucmd_nop_issue(struct ucmd_req *req, const void *payload,
		   unsigned int issue_flags)
{
	return __ucmd_nop_issue();
}

u64 ucmd_features(void)
{
	return UCMD_F_NOP | UCMD_F_ECHO | UCMD_F_DELAY | UCMD_F_SUM |
	       UCMD_F_RES2 | UCMD_F_HANDLER_API | UCMD_F_TRACEPOINTS |
	       UCMD_F_SLEEP | UCMD_F_RW | UCMD_F_RWV |
	       (ucmd_bpf_available() ? UCMD_F_BPF : 0) |
	       ucmd_kernel_features();
}

/*
 * Writing *addr may fault. Under IO_URING_F_NONBLOCK try without faulting
 * and ask for the io-wq issue (-EAGAIN) if the page is not present.
 */
static int ucmd_features_issue(struct ucmd_req *req, const void *payload,
			       unsigned int issue_flags)
{
	const struct ucmd_features *p = payload;
	u64 __user *uaddr = u64_to_user_ptr(p->addr);
	u64 features = ucmd_features();

	if (p->reserved)
		return -EINVAL;
	if (p->addr) {
		if (issue_flags & IO_URING_F_NONBLOCK) {
			if (copy_to_user_nofault(uaddr, &features,
						 sizeof(features)))
				return -EAGAIN;
		} else if (copy_to_user(uaddr, &features, sizeof(features))) {
			return -EFAULT;
		}
	}
	ucmd_req_set_res2(req, features);
	return 0;
}

int ucmd_echo_issue(struct ucmd_req *req, const void *payload,
		    unsigned int issue_flags)
{
	return __ucmd_echo_issue(req, payload);
}

struct ucmd_delay_work {
	struct delayed_work dwork;
	int res;
	u32 res2;
};

static void ucmd_delay_fn(struct work_struct *work)
{
	struct ucmd_delay_work *d =
		container_of(to_delayed_work(work), struct ucmd_delay_work, dwork);

	/* @d belongs to ucmd from here on: read nothing after this call. */
	ucmd_req_complete(d, d->res, d->res2);
}

static int ucmd_delay_issue(struct ucmd_req *req, const void *payload,
			    unsigned int issue_flags)
{
	const struct ucmd_delay *p = payload;
	struct ucmd_delay_work *d;
	gfp_t gfp = issue_flags & IO_URING_F_NONBLOCK ? GFP_NOWAIT : GFP_KERNEL;

	if (p->delay_us > UCMD_DELAY_MAX_US)
		return -EINVAL;
	if (!ucmd_res_valid(p->res))
		return -EINVAL;
	d = ucmd_req_defer(req, sizeof(*d), gfp);
	if (IS_ERR(d))
		return PTR_ERR(d);
	INIT_DELAYED_WORK(&d->dwork, ucmd_delay_fn);
	d->res = p->res;
	d->res2 = p->res2_lo;
	ucmd_req_mark_cancelable(req, issue_flags);
	queue_delayed_work(ucmd_wq, &d->dwork, usecs_to_jiffies(p->delay_us));
	return -EIOCBQUEUED;
}

/* True only if the work had not started: it will then never complete. */
static bool ucmd_delay_cancel(struct ucmd_req *req, void *priv)
{
	struct ucmd_delay_work *d = priv;

	return cancel_delayed_work(&d->dwork);
}

static int ucmd_sum_issue(struct ucmd_req *req, const void *payload,
			  unsigned int issue_flags)
{
	const struct ucmd_sum *p = payload;
	u64 sum = 0;
	u32 i;

	if (p->pad || p->count > UCMD_SUM_MAX)
		return -EINVAL;
	for (i = 0; i < p->count; i++)
		sum += p->vals[i];
	ucmd_req_set_res2(req, sum);
	return p->count;
}

/* SLEEP's res2: the UAPI's UCMD_SLEEP_* bits, not io_uring's IO_URING_F_*. */
static u64 ucmd_sleep_res2(struct ucmd_req *req, unsigned int issue_flags)
{
	struct io_uring_cmd *cmd = ucmd_req_cmd(req);
	u64 r = 0;

	if (!cmd)
		return 0;	/* ioctl() */
	if (issue_flags & IO_URING_F_IOWQ)
		r |= UCMD_SLEEP_IOWQ;
	if (ucmd_cmd_is_reissue(cmd))
		r |= UCMD_SLEEP_REISSUE;
	if (issue_flags & IO_URING_F_SQE128)
		r |= UCMD_SLEEP_SQE128;
	if (issue_flags & IO_URING_F_CQE32)
		r |= UCMD_SLEEP_CQE32;
	return r;
}

/*
 * A handler that has to sleep. The inline issue (IO_URING_F_NONBLOCK) must
 * not block, so it asks io_uring for the io-wq issue, which may.
 */
static int ucmd_sleep_issue(struct ucmd_req *req, const void *payload,
			    unsigned int issue_flags)
{
	const struct ucmd_sleep *p = payload;

	if (p->pad || p->res2 || p->sleep_us > UCMD_SLEEP_MAX_US)
		return -EINVAL;
	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	might_sleep();
	fsleep(p->sleep_us);
	ucmd_req_set_res2(req, ucmd_sleep_res2(req, issue_flags));
	return 0;
}

static const struct ucmd_handler_ops ucmd_builtins[] = {
	{
		.name = "nop",
		.cmd_op = UCMD_CMD_NOP,
		.issue = ucmd_nop_issue,
		.owner = THIS_MODULE,
	}, {
		.name = "get_features",
		.cmd_op = UCMD_CMD_GET_FEATURES,
		.issue = ucmd_features_issue,
		.owner = THIS_MODULE,
	}, {
		.name = "echo",
		.cmd_op = UCMD_CMD_ECHO,
		.issue = ucmd_echo_issue,
		.owner = THIS_MODULE,
	}, {
		.name = "delay",
		.cmd_op = UCMD_CMD_DELAY,
		.issue = ucmd_delay_issue,
		.cancel = ucmd_delay_cancel,
		.owner = THIS_MODULE,
	}, {
		.name = "sum",
		.cmd_op = UCMD_CMD_SUM,
		.issue = ucmd_sum_issue,
		.owner = THIS_MODULE,
	}, {
		.name = "sleep",
		.cmd_op = UCMD_CMD_SLEEP,
		.issue = ucmd_sleep_issue,
		.owner = THIS_MODULE,
	}, {
		.name = "read",
		.cmd_op = UCMD_CMD_READ,
		.issue = ucmd_read_issue,
		.owner = THIS_MODULE,
	}, {
		.name = "write",
		.cmd_op = UCMD_CMD_WRITE,
		.issue = ucmd_write_issue,
		.owner = THIS_MODULE,
	}, {
		.name = "readv",
		.cmd_op = UCMD_CMD_READV,
		.issue = ucmd_readv_issue,
		.owner = THIS_MODULE,
	}, {
		.name = "writev",
		.cmd_op = UCMD_CMD_WRITEV,
		.issue = ucmd_writev_issue,
		.owner = THIS_MODULE,
	},
};

int ucmd_builtin_init(void)
{
	int i, ret;

	ucmd_wq = alloc_workqueue("ucmd", WQ_UNBOUND, 0);
	if (!ucmd_wq)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(ucmd_builtins); i++) {
		ret = ucmd_register_handler(&ucmd_builtins[i]);
		if (ret)
			goto err_unregister;
	}
	return 0;

err_unregister:
	ucmd_unregister_handlers(ucmd_builtins, i);
	destroy_workqueue(ucmd_wq);
	return ret;
}

void ucmd_builtin_exit(void)
{
	ucmd_unregister_handlers(ucmd_builtins, ARRAY_SIZE(ucmd_builtins));
	destroy_workqueue(ucmd_wq);
}
