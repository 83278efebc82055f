// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd_test.ko: a client of the ucmd handler API, as another driver would
 * be. At load it checks the registration errors (-EEXIST for a taken
 * cmd_op, -EINVAL for malformed ops) and fails to load if one is wrong;
 * then it serves UCMD_TEST_CMD_TIMER, completed from hard interrupt
 * context, and RAW and STALL (ucmd_test.h). It cannot be unloaded while
 * a deferred request of it is in flight (ucmd pins it); the parameter
 * "registered" unregisters (0) and registers (1) TIMER at run time, and
 * unregistering cancels TIMER requests in flight.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/hrtimer.h>
#include <linux/err.h>
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/io_uring/cmd.h>
#include "ucmd_handler.h"
#include "ucmd_probes.h"	/* kmod/probes.sh, made by ucmd.ko's build */
#include "ucmd_test.h"

struct ucmd_test_timer {
	struct hrtimer timer;
	int res;
	u32 res2;
};

static enum hrtimer_restart ucmd_test_timer_fn(struct hrtimer *timer)
{
	struct ucmd_test_timer *t =
		container_of(timer, struct ucmd_test_timer, timer);

	ucmd_req_complete(t, t->res, t->res2);
	return HRTIMER_NORESTART;
}

static int ucmd_test_timer_issue(struct ucmd_req *req, const void *payload,
				 unsigned int issue_flags)
{
	const struct ucmd_delay *p = payload;
	struct ucmd_test_timer *t;

	if (p->delay_us > UCMD_DELAY_MAX_US)
		return -EINVAL;
	t = ucmd_req_defer(req, sizeof(*t), issue_flags & IO_URING_F_NONBLOCK ?
			   GFP_NOWAIT : GFP_KERNEL);
	if (IS_ERR(t))
		return PTR_ERR(t);
#ifdef UCMD_HAVE_HRTIMER_SETUP
	hrtimer_setup(&t->timer, ucmd_test_timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);
#else
	hrtimer_init(&t->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	t->timer.function = ucmd_test_timer_fn;
#endif
	t->res = p->res;
	t->res2 = p->res2_lo;
	ucmd_req_mark_cancelable(req, issue_flags);
	hrtimer_start(&t->timer, ns_to_ktime(p->delay_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL);
	return -EIOCBQUEUED;
}

static bool ucmd_test_timer_cancel(struct ucmd_req *req, void *priv)
{
	struct ucmd_test_timer *t = priv;

	/* 1: was queued, now never runs; 0 or -1: has run or is running. */
	return hrtimer_try_to_cancel(&t->timer) == 1;
}

static const struct ucmd_handler_ops ucmd_test_timer_ops = {
	.name = "test_timer",
	.cmd_op = UCMD_TEST_CMD_TIMER,
	.issue = ucmd_test_timer_issue,
	.cancel = ucmd_test_timer_cancel,
	.owner = THIS_MODULE,
};

static int ucmd_test_raw_issue(struct ucmd_req *req, const void *payload,
			       unsigned int issue_flags)
{
	const struct ucmd_echo *p = payload;

	ucmd_req_set_res2(req, p->res2);
	return p->res;
}

static const struct ucmd_handler_ops ucmd_test_raw_ops = {
	.name = "test_raw",
	.cmd_op = UCMD_TEST_CMD_RAW,
	.issue = ucmd_test_raw_issue,
	.owner = THIS_MODULE,
};

/*
 * NOWAIT: what ucmd_handler.h suggests under IO_URING_F_NONBLOCK, with the
 * fallbacks a handler author writes: defer with GFP_NOWAIT whatever the
 * context; if that fails, -EAGAIN (to be issued again from io-wq) under
 * NONBLOCK when payload.res2_lo is 1, else complete synchronously with
 * payload.res. Deferred, it completes at once with payload.res.
 */
static int ucmd_test_nowait_issue(struct ucmd_req *req, const void *payload,
				  unsigned int issue_flags)
{
	const struct ucmd_delay *p = payload;
	void *d = ucmd_req_defer(req, 16, GFP_NOWAIT);

	if (IS_ERR(d)) {
		if ((issue_flags & IO_URING_F_NONBLOCK) && p->res2_lo == 1)
			return -EAGAIN;
		return p->res;
	}
	ucmd_req_complete(d, p->res, 0);
	return -EIOCBQUEUED;
}

static const struct ucmd_handler_ops ucmd_test_nowait_ops = {
	.name = "test_nowait",
	.cmd_op = UCMD_TEST_CMD_NOWAIT,
	.issue = ucmd_test_nowait_issue,
	.owner = THIS_MODULE,
};

static unsigned int nr_table;
module_param(nr_table, uint, 0444);
MODULE_PARM_DESC(nr_table, "no-op handlers registered as one table (0..4096)");
static struct ucmd_handler_ops *ucmd_test_table;

static int ucmd_test_nop_issue(struct ucmd_req *req, const void *payload,
			       unsigned int issue_flags)
{
	return 0;
}

static int ucmd_test_table_register(void)
{
	unsigned int i;
	int ret;

	if (nr_table > 4096)
		return -EINVAL;
	ucmd_test_table = kcalloc(nr_table, sizeof(*ucmd_test_table), GFP_KERNEL);
	if (nr_table && !ucmd_test_table)
		return -ENOMEM;
	for (i = 0; i < nr_table; i++) {
		ucmd_test_table[i] = (struct ucmd_handler_ops) {
			.name = "test_table",
			.cmd_op = _IO(UCMD_TEST_TABLE_TYPE + i / 256, i % 256),
			.issue = ucmd_test_nop_issue,
			.owner = THIS_MODULE,
		};
		ret = ucmd_register_handler(&ucmd_test_table[i]);
		if (ret) {
			ucmd_unregister_handlers(ucmd_test_table, i);
			kfree(ucmd_test_table);
			return ret;
		}
	}
	return 0;
}

static void ucmd_test_table_unregister(void)
{
	ucmd_unregister_handlers(ucmd_test_table, nr_table);
	kfree(ucmd_test_table);
}

static unsigned int stall_cancels;
module_param(stall_cancels, uint, 0444);
MODULE_PARM_DESC(stall_cancels, "calls of STALL's ->cancel");

static int ucmd_test_stall_issue(struct ucmd_req *req, const void *payload,
				 unsigned int issue_flags)
{
	const struct ucmd_delay *p = payload;
	void *priv;

	if (p->delay_us > UCMD_DELAY_MAX_US)
		return -EINVAL;
	if (issue_flags & IO_URING_F_NONBLOCK)
		return -EAGAIN;
	priv = ucmd_req_defer(req, 8, GFP_KERNEL);
	if (IS_ERR(priv))
		return PTR_ERR(priv);
	ucmd_req_mark_cancelable(req, issue_flags);
	fsleep(p->delay_us);
	return p->res;
}

static bool ucmd_test_stall_cancel(struct ucmd_req *req, void *priv)
{
	stall_cancels++;	/* serialised by ucmd */
	return true;
}

static const struct ucmd_handler_ops ucmd_test_stall_ops = {
	.name = "test_stall",
	.cmd_op = UCMD_TEST_CMD_STALL,
	.issue = ucmd_test_stall_issue,
	.cancel = ucmd_test_stall_cancel,
	.owner = THIS_MODULE,
};

static DEFINE_MUTEX(ucmd_test_lock);
static bool ucmd_test_registered;

static int ucmd_test_set_registered(const char *val,
				    const struct kernel_param *kp)
{
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret)
		return ret;
	mutex_lock(&ucmd_test_lock);
	if (on && !ucmd_test_registered) {
		ret = ucmd_register_handler(&ucmd_test_timer_ops);
		if (!ret) {
			ret = ucmd_register_handler(&ucmd_test_nowait_ops);
			if (ret)
				ucmd_unregister_handler(&ucmd_test_timer_ops);
		}
	} else if (!on && ucmd_test_registered) {
		ucmd_unregister_handler(&ucmd_test_nowait_ops);
		ucmd_unregister_handler(&ucmd_test_timer_ops);
	}
	if (!ret)
		ucmd_test_registered = on;
	mutex_unlock(&ucmd_test_lock);
	return ret;
}

static const struct kernel_param_ops ucmd_test_registered_ops = {
	.set = ucmd_test_set_registered,
	.get = param_get_bool,
};
module_param_cb(registered, &ucmd_test_registered_ops, &ucmd_test_registered,
		0644);
MODULE_PARM_DESC(registered, "TIMER's and NOWAIT's handlers are registered (write 0/1)");

/* Registration errors the API documents. */
static const struct ucmd_handler_ops ucmd_test_dup_ops = {
	.name = "test_dup",
	.cmd_op = UCMD_CMD_NOP,
	.issue = ucmd_test_timer_issue,
	.owner = THIS_MODULE,
};

static const struct ucmd_handler_ops ucmd_test_noname_ops = {
	.cmd_op = _IO('t', 0x02),
	.issue = ucmd_test_timer_issue,
	.owner = THIS_MODULE,
};

static const struct ucmd_handler_ops ucmd_test_huge_ops = {
	.name = "test_huge",
	.cmd_op = _IOWR('t', 0x03, char[96]),
	.issue = ucmd_test_timer_issue,
	.owner = THIS_MODULE,
};

static int __init ucmd_test_check(const char *what, int got, int want)
{
	if (got == want)
		return 0;
	pr_err("%s: got %d, want %d\n", what, got, want);
	return -EINVAL;
}

static int __init ucmd_test_init(void)
{
	int ret;

	ret = ucmd_test_check("duplicate cmd_op",
			      ucmd_register_handler(&ucmd_test_dup_ops), -EEXIST);
	ret = ret ?: ucmd_test_check("no name",
				     ucmd_register_handler(&ucmd_test_noname_ops),
				     -EINVAL);
	ret = ret ?: ucmd_test_check("payload over 80 bytes",
				     ucmd_register_handler(&ucmd_test_huge_ops),
				     -EINVAL);
	if (ret)
		return ret;
	/* Not registered: a no-op, and it must not touch NOP's entry. */
	ucmd_unregister_handler(&ucmd_test_dup_ops);
	ret = ucmd_register_handler(&ucmd_test_raw_ops);
	if (ret)
		return ret;
	ret = ucmd_register_handler(&ucmd_test_stall_ops);
	if (ret)
		goto err_raw;
	ret = ucmd_test_set_registered("1", NULL);
	if (ret)
		goto err_stall;
	ret = ucmd_test_table_register();
	if (ret)
		goto err_timer;
	return 0;

err_timer:
	ucmd_test_set_registered("0", NULL);
err_stall:
	ucmd_unregister_handler(&ucmd_test_stall_ops);
err_raw:
	ucmd_unregister_handler(&ucmd_test_raw_ops);
	return ret;
}

static void __exit ucmd_test_exit(void)
{
	ucmd_test_table_unregister();
	ucmd_test_set_registered("0", NULL);
	ucmd_unregister_handler(&ucmd_test_stall_ops);
	ucmd_unregister_handler(&ucmd_test_raw_ops);
}

module_init(ucmd_test_init);
module_exit(ucmd_test_exit);

MODULE_DESCRIPTION("ucmd handler API test client");
MODULE_LICENSE("GPL");
