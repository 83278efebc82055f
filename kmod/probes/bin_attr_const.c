// SPDX-License-Identifier: GPL-2.0
/* bin_attribute ->read and attribute_group.bin_attrs are const (6.17+). */
#include <linux/sysfs.h>

static __maybe_unused ssize_t
ucmd_probe_read(struct file *f, struct kobject *k, const struct bin_attribute *a,
		char *buf, loff_t off, size_t count)
{
	return 0;
}

static const struct bin_attribute ucmd_probe_attr = {
	.read = ucmd_probe_read,
};

static const struct bin_attribute *const ucmd_probe_attrs[] = {
	&ucmd_probe_attr, NULL,
};

static const struct attribute_group ucmd_probe_group __maybe_unused = {
	.bin_attrs = ucmd_probe_attrs,
};
