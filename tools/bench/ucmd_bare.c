// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd_bare.ko: benchmark baselines for ucmd (tools/bench/).
 *
 * /dev/ucmd_bare has a .uring_cmd and an .unlocked_ioctl that return 0
 * and do nothing else: the floor any dispatch framework adds to.
 * nr_handlers=N also registers N no-op handlers with ucmd (types
 * 0x30.., one per number), to show the lookup does not grow with the table.
 *
 * Two more devices measure floors, what no dispatcher doing the same job
 * can avoid (docs/performance.md, "Floors"):
 *  - /dev/ucmd_bare_disp: the least a cmd_op dispatcher does: an RCU
 *    read-side section, ucmd's two-level table lookup, the cmd_op check
 *    and the handler call (INDIRECT_CALL_2, as ucmd's), nothing else;
 *    its UCMD_CMD_NOP returns 0, its UCMD_CMD_ECHO does what ucmd's
 *    does (checks, res and res2 from the SQE) and posts res2 as a CQE32
 *    driver must on 6.12;
 *  - /dev/ucmd_bare_done: the completion a driver needs to set res2 on
 *    6.12 (io_uring_cmd_done() and -EIOCBQUEUED, as ucmd's CQE32 path),
 *    res 0 and res2 2.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/io_uring/cmd.h>
#include <linux/rcupdate.h>
#include <uapi/linux/ucmd.h>
#include "ucmd_handler.h"
#include "ucmd_compat.h"

static unsigned int nr_handlers;
module_param(nr_handlers, uint, 0444);
MODULE_PARM_DESC(nr_handlers, "no-op ucmd handlers to register (0..4096)");

static struct ucmd_handler_ops *bare_ops;

static int bare_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	return 0;
}

/* /dev/ucmd_bare_disp: one handler, NOP's cmd_op, in a table like ucmd's. */
struct bare_handler {
	u32 cmd_op;
	int (*issue)(struct io_uring_cmd *cmd, unsigned int issue_flags);
};

static noinline int bare_disp_nop(struct io_uring_cmd *cmd,
				  unsigned int issue_flags)
{
	return 0;
}

static noinline int bare_disp_echo(struct io_uring_cmd *cmd,
				   unsigned int issue_flags)
{
	const struct ucmd_echo *p = io_uring_sqe_cmd(cmd->sqe);
	s32 res = READ_ONCE(p->res);

	if (READ_ONCE(p->pad) || res < -511)
		return -EINVAL;
	ucmd_cmd_done(cmd, res, READ_ONCE(p->res2),
		      issue_flags & IO_URING_F_CQE32, issue_flags);
	return -EIOCBQUEUED;
}

static struct bare_handler bare_disp_nop_h = {
	.cmd_op = UCMD_CMD_NOP,
	.issue = bare_disp_nop,
};

static struct bare_handler bare_disp_echo_h = {
	.cmd_op = UCMD_CMD_ECHO,
	.issue = bare_disp_echo,
};

static struct bare_handler __rcu *bare_disp_page[256];
static struct bare_handler __rcu **bare_disp_table[256];

static int bare_disp_uring_cmd(struct io_uring_cmd *cmd,
			       unsigned int issue_flags)
{
	u32 cmd_op = cmd->cmd_op;
	struct bare_handler __rcu **page;
	struct bare_handler *h;
	int ret = -EOPNOTSUPP;

	rcu_read_lock();
	page = rcu_dereference(bare_disp_table[_IOC_TYPE(cmd_op)]);
	h = page ? rcu_dereference(page[_IOC_NR(cmd_op)]) : NULL;
	if (h && h->cmd_op == cmd_op)
		ret = INDIRECT_CALL_2(h->issue, bare_disp_nop, bare_disp_echo,
				      cmd, issue_flags);
	rcu_read_unlock();
	return ret;
}

static int bare_done_uring_cmd(struct io_uring_cmd *cmd,
			       unsigned int issue_flags)
{
	ucmd_cmd_done(cmd, 0, 2, issue_flags & IO_URING_F_CQE32, issue_flags);
	return -EIOCBQUEUED;
}

static long bare_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return 0;
}

static const struct file_operations bare_fops = {
	.owner = THIS_MODULE,
	.uring_cmd = bare_uring_cmd,
	.unlocked_ioctl = bare_ioctl,
};

static const struct file_operations bare_disp_fops = {
	.owner = THIS_MODULE,
	.uring_cmd = bare_disp_uring_cmd,
};

static const struct file_operations bare_done_fops = {
	.owner = THIS_MODULE,
	.uring_cmd = bare_done_uring_cmd,
};

static struct miscdevice bare_devs[] = {
	{
		.minor = MISC_DYNAMIC_MINOR,
		.name = "ucmd_bare",
		.fops = &bare_fops,
		.mode = 0666,
	}, {
		.minor = MISC_DYNAMIC_MINOR,
		.name = "ucmd_bare_disp",
		.fops = &bare_disp_fops,
		.mode = 0666,
	}, {
		.minor = MISC_DYNAMIC_MINOR,
		.name = "ucmd_bare_done",
		.fops = &bare_done_fops,
		.mode = 0666,
	},
};

static void bare_misc_deregister(unsigned int n)
{
	while (n--)
		misc_deregister(&bare_devs[n]);
}

static int bare_issue(struct ucmd_req *req, const void *payload,
		      unsigned int issue_flags)
{
	return 0;
}

static void bare_unregister(unsigned int n)
{
	ucmd_unregister_handlers(bare_ops, n);
	kfree(bare_ops);
}

static int __init bare_init(void)
{
	unsigned int i, n;
	int ret;

	if (nr_handlers > 4096)
		return -EINVAL;
	bare_ops = kcalloc(nr_handlers, sizeof(*bare_ops), GFP_KERNEL);
	if (nr_handlers && !bare_ops)
		return -ENOMEM;
	for (i = 0; i < nr_handlers; i++) {
		bare_ops[i].name = "bench";
		bare_ops[i].cmd_op = _IO(0x30 + i / 256, i % 256);
		bare_ops[i].issue = bare_issue;
		bare_ops[i].owner = THIS_MODULE;
		ret = ucmd_register_handler(&bare_ops[i]);
		if (ret)
			goto err;
	}
	RCU_INIT_POINTER(bare_disp_page[_IOC_NR(UCMD_CMD_NOP)], &bare_disp_nop_h);
	RCU_INIT_POINTER(bare_disp_page[_IOC_NR(UCMD_CMD_ECHO)], &bare_disp_echo_h);
	RCU_INIT_POINTER(bare_disp_table[_IOC_TYPE(UCMD_CMD_NOP)], bare_disp_page);
	for (n = 0; n < ARRAY_SIZE(bare_devs); n++) {
		ret = misc_register(&bare_devs[n]);
		if (ret)
			goto err_misc;
	}
	return 0;
err_misc:
	bare_misc_deregister(n);
err:
	bare_unregister(i);
	return ret;
}

static void __exit bare_exit(void)
{
	bare_misc_deregister(ARRAY_SIZE(bare_devs));
	bare_unregister(nr_handlers);
}

module_init(bare_init);
module_exit(bare_exit);

MODULE_DESCRIPTION("ucmd benchmark baselines");
MODULE_LICENSE("GPL");
