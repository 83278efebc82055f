// SPDX-License-Identifier: GPL-2.0
/*
 * ucmd: a pluggable handler framework for io_uring passthrough commands.
 *
 * Registers the misc device /dev/ucmd, whose .uring_cmd (ucmd_uring_cmd.c)
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

#include "ucmd_file.h"
#include "ucmd_request.h"
#include "ucmd_registry.h"
#include "ucmd_unregister.h"
#include "ucmd_builtin.h"
#include "ucmd_bpf.h"
#include "ucmd_compat.h"

/*
 * Who may open /dev/ucmd. Root only by default, as for other devices that
 * reach kernel handlers (/dev/ublk-control); a distribution grants a group
 * with a udev rule (KERNEL=="ucmd", GROUP="ucmd", MODE="0660"), or a
 * site sets mode=0666 to let every local user in: ucmd's policies then
 * decide per cmd_op and uid.
 */
static ushort mode = 0600;
module_param(mode, ushort, 0444);
MODULE_PARM_DESC(mode, "permission bits of /dev/ucmd (default 0600)");

/*
 * Deferred requests one open file may have in flight. Each pins a few
 * hundred bytes, charged to the submitter's memcg; past the cap
 * ucmd_req_defer() fails and the request completes with -EBUSY.
 */
unsigned int ucmd_max_inflight = 4096;
module_param_named(max_inflight, ucmd_max_inflight, uint, 0644);
MODULE_PARM_DESC(max_inflight,
		 "deferred requests in flight per open file (default 4096)");

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

/* Open /dev/ucmd files: each holds a reference on the module (fops). */
static atomic_long_t ucmd_nr_open = ATOMIC_LONG_INIT(0);

/*
 * References on ucmd.ko held by neither an open file nor a deferred
 * request: one per module that uses ucmd's symbols (a handler module;
 * they are listed in /sys/module/ucmd/holders/), and those of BPF
 * objects (a ucmd_ops struct_ops map, attached or not; a program calling
 * ucmd kfuncs; a map whose values hold ucmd kptrs), which the BPF core
 * drops in stages after the objects' last fd, pin or link is gone (RCU
 * grace periods, workqueues). rmmod succeeds once this is 0 and no file
 * is open. An open() or close() in progress may count for an instant.
 */
static ssize_t module_refs_show(struct device *dev, struct device_attribute *attr,
				char *buf)
{
	long refs = 0;

#if defined(MODULE) && defined(CONFIG_MODULE_UNLOAD)
	refs = module_refcount(THIS_MODULE) - atomic_long_read(&ucmd_nr_open) -
	       atomic_long_read(&ucmd_nr_self_pins);
#endif
	return sysfs_emit(buf, "%ld\n", max(refs, 0L));
}
static DEVICE_ATTR_RO(module_refs);

/* "available", or "unavailable: REASON" (no module BTF, ...). */
static ssize_t bpf_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return ucmd_bpf_status(buf);
}
static DEVICE_ATTR_RO(bpf);

/*
 * Attached BPF struct_ops instances, one line each, "NAME validate=0|1
 * handle=0|1 first=0xOP last=0xOP": a binary attribute, so that any
 * number of instances can be listed (read in chunks at any offset).
 */
static ssize_t bpf_ops_read(struct file *file, struct kobject *kobj,
			    UCMD_BIN_ATTR_CONST struct bin_attribute *attr,
			    char *buf, loff_t off,
			    size_t count)
{
	return ucmd_bpf_read(buf, off, count);
}
static UCMD_BIN_ATTR_CONST BIN_ATTR_RO(bpf_ops, 0);

static struct attribute *ucmd_attrs[] = {
	&dev_attr_inflight.attr,
	&dev_attr_cancelled.attr,
	&dev_attr_features.attr,
	&dev_attr_bpf.attr,
	&dev_attr_module_refs.attr,
	NULL,
};

static UCMD_BIN_ATTR_CONST struct bin_attribute *UCMD_BIN_ATTR_CONST ucmd_bin_attrs[] = {
	&bin_attr_bpf_ops,
	NULL,
};

static const struct attribute_group ucmd_group = {
	.attrs = ucmd_attrs,
	.bin_attrs = ucmd_bin_attrs,
};

static const struct attribute_group *ucmd_groups[] = {
	&ucmd_group,
	NULL,
};

/* Last id given to an open file (struct ucmd_file.id). */
static atomic64_t ucmd_last_file_id = ATOMIC64_INIT(0);

static int ucmd_open(struct inode *inode, struct file *file)
{
	struct ucmd_file *uf;

	uf = kzalloc(sizeof(*uf), GFP_KERNEL_ACCOUNT);
	if (!uf)
		return -ENOMEM;
	uf->buf = kvzalloc(UCMD_BUF_SIZE, GFP_KERNEL_ACCOUNT);
	if (!uf->buf)
		goto err_free_uf;
	uf->id = atomic64_inc_return(&ucmd_last_file_id);
	file->private_data = uf;
	atomic_long_inc(&ucmd_nr_open);
	return nonseekable_open(inode, file);

err_free_uf:
	kfree(uf);
	return -ENOMEM;
}

static int ucmd_release(struct inode *inode, struct file *file)
{
	struct ucmd_file *uf = file->private_data;

	/* No request holds the file any more: its per-file BPF state goes. */
	ucmd_bpf_release(uf->id);
	kvfree(uf->buf);
	kfree(uf);
	atomic_long_dec(&ucmd_nr_open);
	return 0;
}

static const struct file_operations ucmd_fops = {
	.owner = THIS_MODULE,
	.open = ucmd_open,
	.release = ucmd_release,
	.uring_cmd = ucmd_uring_cmd,
	.unlocked_ioctl = ucmd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,	/* the argument is a pointer */
};

static struct miscdevice ucmd_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = UCMD_DEV_NAME,
	.fops = &ucmd_fops,
	.groups = ucmd_groups,
};

static int __init ucmd_init(void)
{
	int ret;

	if (!mode || mode & ~0777) {
		pr_err("mode=%#o: want permission bits 01..0777\n", mode);
		return -EINVAL;
	}
	ucmd_miscdev.mode = mode;
	ret = ucmd_unregister_init();
	if (ret)
		return ret;
	ret = ucmd_builtin_init();
	if (ret)
		goto err_registry;
	/*
	 * struct_ops and kfuncs go away with the module's BTF at unload;
	 * without them ucmd serves C handlers only (sysfs "bpf" says why).
	 */
	ucmd_bpf_init();
	ret = misc_register(&ucmd_miscdev);
	if (ret)
		goto err_builtin;
	pr_info("loaded, features 0x%llx\n", ucmd_features());
	return 0;

err_builtin:
	ucmd_builtin_exit();
err_registry:
	ucmd_unregister_exit();
	ucmd_registry_exit();
	return ret;
}

static void __exit ucmd_exit(void)
{
	/* No request is in flight: each holds a file of the device open. */
	misc_deregister(&ucmd_miscdev);
	ucmd_builtin_exit();
	ucmd_unregister_exit();
	ucmd_registry_exit();
}

module_init(ucmd_init);
module_exit(ucmd_exit);

MODULE_DESCRIPTION("Pluggable handlers for io_uring passthrough commands");
MODULE_LICENSE("GPL");
