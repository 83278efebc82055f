// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd: a pluggable handler framework for io_uring passthrough commands.
 *
 * Registers the misc device /dev/ucmd, whose .uring_cmd (ucmd_dispatch.c)
 * hands each IORING_OP_URING_CMD to the handler registered for its cmd_op
 * (ucmd_registry.c). Counters for tests and operators are in
 * /sys/class/misc/ucmd/.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <uapi/linux/ucmd.h>

#include "ucmd_internal.h"

/* Deferred requests not yet completed (struct ucmd_async alive). */
atomic_long_t ucmd_nr_async = ATOMIC_LONG_INIT(0);
/* Requests completed with -ECANCELED by ring teardown, since load. */
atomic_long_t ucmd_nr_cancelled = ATOMIC_LONG_INIT(0);

static ssize_t inflight_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&ucmd_nr_async));
}
static DEVICE_ATTR_RO(inflight);

static ssize_t cancelled_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&ucmd_nr_cancelled));
}
static DEVICE_ATTR_RO(cancelled);

static ssize_t features_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", ucmd_features());
}
static DEVICE_ATTR_RO(features);

/* Attached BPF struct_ops instances: "NAME validate=. handle=. first= last=". */
static ssize_t bpf_ops_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return ucmd_bpf_show(buf);
}
static DEVICE_ATTR_RO(bpf_ops);

static struct attribute *ucmd_attrs[] = {
	&dev_attr_bpf_ops.attr,
	&dev_attr_inflight.attr,
	&dev_attr_cancelled.attr,
	&dev_attr_features.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ucmd);

static int ucmd_open(struct inode *inode, struct file *file)
{
	struct ucmd_file *uf;

	uf = kvzalloc(sizeof(*uf), GFP_KERNEL);
	if (!uf)
		return -ENOMEM;
	file->private_data = uf;
	return nonseekable_open(inode, file);
}

static int ucmd_release(struct inode *inode, struct file *file)
{
	kvfree(file->private_data);
	return 0;
}

static const struct file_operations ucmd_fops = {
	.owner = THIS_MODULE,
	.open = ucmd_open,
	.release = ucmd_release,
	.uring_cmd = ucmd_uring_cmd,
	.unlocked_ioctl = ucmd_ioctl,
};

static struct miscdevice ucmd_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = UCMD_DEV_NAME,
	.fops = &ucmd_fops,
	.groups = ucmd_groups,
	.mode = 0666,
};

static int __init ucmd_init(void)
{
	int ret;

	ret = ucmd_registry_init();
	if (ret)
		return ret;
	ret = ucmd_builtin_init();
	if (ret)
		goto err_registry;
	/* struct_ops and kfuncs go away with the module's BTF at unload. */
	ret = ucmd_bpf_init();
	if (ret)
		goto err_builtin;
	ret = misc_register(&ucmd_miscdev);
	if (ret)
		goto err_builtin;
	pr_info("loaded, features 0x%llx\n", ucmd_features());
	return 0;

err_builtin:
	ucmd_builtin_exit();
err_registry:
	ucmd_registry_exit();
	return ret;
}

static void __exit ucmd_exit(void)
{
	/* No request is in flight: each holds a file of the device open. */
	misc_deregister(&ucmd_miscdev);
	ucmd_builtin_exit();
	ucmd_registry_exit();
}

module_init(ucmd_init);
module_exit(ucmd_exit);

MODULE_DESCRIPTION("Pluggable handlers for io_uring passthrough commands");
MODULE_LICENSE("GPL");
