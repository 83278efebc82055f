// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd_bare.ko: benchmark baselines for ucmd (tools/bench/).
 *
 * /dev/ucmd_bare has a .uring_cmd and an .unlocked_ioctl that return 0
 * and do nothing else: the floor any dispatch framework adds to.
 * nr_handlers=N also registers N no-op handlers with ucmd (types
 * 0x30.., one per number), to show the lookup does not grow with the table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/io_uring/cmd.h>
#include "ucmd_handler.h"

static unsigned int nr_handlers;
module_param(nr_handlers, uint, 0444);
MODULE_PARM_DESC(nr_handlers, "no-op ucmd handlers to register (0..4096)");

static struct ucmd_handler_ops *bare_ops;

static int bare_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags)
{
	return 0;
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

static struct miscdevice bare_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ucmd_bare",
	.fops = &bare_fops,
	.mode = 0666,
};

static int bare_issue(struct ucmd_req *req, const void *payload,
		      unsigned int issue_flags)
{
	return 0;
}

static void bare_unregister(unsigned int n)
{
	while (n--)
		ucmd_unregister_handler(&bare_ops[n]);
	kfree(bare_ops);
}

static int __init bare_init(void)
{
	unsigned int i;
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
	ret = misc_register(&bare_dev);
	if (ret)
		goto err;
	return 0;
err:
	bare_unregister(i);
	return ret;
}

static void __exit bare_exit(void)
{
	misc_deregister(&bare_dev);
	bare_unregister(nr_handlers);
}

module_init(bare_init);
module_exit(bare_exit);

MODULE_DESCRIPTION("ucmd benchmark baselines");
MODULE_LICENSE("GPL");
