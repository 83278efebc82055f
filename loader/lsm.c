// SPDX-License-Identifier: GPL-2.0
/*
 * ucmdctl's side of the LSM policy (bpf/lsm.bpf.c): rules on the
 * uring_cmd of any character device. The names of other drivers' cmd_ops
 * and payload fields come from their UAPI headers (linux/nvme_ioctl.h,
 * linux/ublk_cmd.h), the NVMe opcodes' from the NVMe Base and Command Set
 * specifications (the values of include/linux/nvme.h's enum nvme_opcode
 * and nvme_admin_opcode).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/nvme_ioctl.h>
#include <linux/ublk_cmd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ucmd_progs.h"
#include "main.h"
#include "lsm.h"

struct field {
	const char *name;
	unsigned int offset, size;
};

#define F(type, m) { #m, offsetof(struct type, m), sizeof(((struct type *)0)->m) }
static const struct field nvme_fields[] = {
	F(nvme_uring_cmd, opcode), F(nvme_uring_cmd, flags), F(nvme_uring_cmd, rsvd1),
	F(nvme_uring_cmd, nsid), F(nvme_uring_cmd, cdw2), F(nvme_uring_cmd, cdw3),
	F(nvme_uring_cmd, metadata), F(nvme_uring_cmd, addr),
	F(nvme_uring_cmd, metadata_len), F(nvme_uring_cmd, data_len),
	F(nvme_uring_cmd, cdw10), F(nvme_uring_cmd, cdw11), F(nvme_uring_cmd, cdw12),
	F(nvme_uring_cmd, cdw13), F(nvme_uring_cmd, cdw14), F(nvme_uring_cmd, cdw15),
	F(nvme_uring_cmd, timeout_ms), { 0 }
};

static const struct field ublk_fields[] = {
	F(ublksrv_ctrl_cmd, dev_id), F(ublksrv_ctrl_cmd, queue_id),
	F(ublksrv_ctrl_cmd, len), F(ublksrv_ctrl_cmd, addr),
	F(ublksrv_ctrl_cmd, dev_path_len), { 0 }
};
#undef F

static const struct dev_op {
	const char *name;
	__u32 cmd_op;
	const struct field *fields;
} dev_ops[] = {
	{ "nvme_io", NVME_URING_CMD_IO, nvme_fields },
	{ "nvme_io_vec", NVME_URING_CMD_IO_VEC, nvme_fields },
	{ "nvme_admin", NVME_URING_CMD_ADMIN, nvme_fields },
	{ "nvme_admin_vec", NVME_URING_CMD_ADMIN_VEC, nvme_fields },
	{ "ublk_get_queue_affinity", UBLK_U_CMD_GET_QUEUE_AFFINITY, ublk_fields },
	{ "ublk_get_dev_info", UBLK_U_CMD_GET_DEV_INFO, ublk_fields },
	{ "ublk_add_dev", UBLK_U_CMD_ADD_DEV, ublk_fields },
	{ "ublk_del_dev", UBLK_U_CMD_DEL_DEV, ublk_fields },
	{ "ublk_start_dev", UBLK_U_CMD_START_DEV, ublk_fields },
	{ "ublk_stop_dev", UBLK_U_CMD_STOP_DEV, ublk_fields },
	{ "ublk_set_params", UBLK_U_CMD_SET_PARAMS, ublk_fields },
	{ "ublk_get_params", UBLK_U_CMD_GET_PARAMS, ublk_fields },
	{ "ublk_start_user_recovery", UBLK_U_CMD_START_USER_RECOVERY, ublk_fields },
	{ "ublk_end_user_recovery", UBLK_U_CMD_END_USER_RECOVERY, ublk_fields },
	{ "ublk_get_dev_info2", UBLK_U_CMD_GET_DEV_INFO2, ublk_fields },
	{ "ublk_get_features", UBLK_U_CMD_GET_FEATURES, ublk_fields },
	{ "ublk_del_dev_async", UBLK_U_CMD_DEL_DEV_ASYNC, ublk_fields },
	{ 0 }
};

/* NVMe opcodes: "nvme_io_read" is nvme_io and nvme_io_vec if opcode eq 0x02. */
static const struct nvme_opcode {
	const char *name;
	__u8 opcode;
	bool admin;
} nvme_opcodes[] = {
	{ "flush", 0x00, false }, { "write", 0x01, false }, { "read", 0x02, false },
	{ "write_uncor", 0x04, false }, { "compare", 0x05, false }, { "write_zeroes", 0x08, false },
	{ "dsm", 0x09, false }, { "verify", 0x0c, false }, { "resv_register", 0x0d, false },
	{ "resv_report", 0x0e, false }, { "resv_acquire", 0x11, false }, { "resv_release", 0x15, false },
	{ "zone_mgmt_send", 0x79, false }, { "zone_mgmt_recv", 0x7a, false }, { "zone_append", 0x7d, false },
	{ "delete_sq", 0x00, true }, { "create_sq", 0x01, true },
	{ "get_log_page", 0x02, true }, { "delete_cq", 0x04, true },
	{ "create_cq", 0x05, true }, { "identify", 0x06, true }, { "abort", 0x08, true },
	{ "set_features", 0x09, true }, { "get_features", 0x0a, true },
	{ "async_event", 0x0c, true }, { "ns_mgmt", 0x0d, true },
	{ "activate_fw", 0x10, true }, { "download_fw", 0x11, true },
	{ "dev_self_test", 0x14, true }, { "ns_attach", 0x15, true },
	{ "keep_alive", 0x18, true }, { "directive_send", 0x19, true },
	{ "directive_recv", 0x1a, true }, { "virtual_mgmt", 0x1c, true },
	{ "nvme_mi_send", 0x1d, true }, { "nvme_mi_recv", 0x1e, true },
	{ "dbbuf", 0x7c, true }, { "format", 0x80, true },
	{ "security_send", 0x81, true }, { "security_recv", 0x82, true },
	{ "sanitize", 0x84, true }, { "get_lba_status", 0x86, true },
	{ 0 }
};

static const struct dev_op *dev_op_by_cmd_op(__u32 cmd_op)
{
	for (const struct dev_op *o = dev_ops; o->name; o++)
		if (o->cmd_op == cmd_op)
			return o;
	return NULL;
}

const char *lsm_op_name(__u32 cmd_op)
{
	const struct dev_op *o = dev_op_by_cmd_op(cmd_op);

	return o ? o->name : NULL;
}

int lsm_parse_op(const char *s, struct lsm_op *op)
{
	const char *rest;

	memset(op, 0, sizeof(*op));
	for (const struct dev_op *o = dev_ops; o->name; o++) {
		if (!strcmp(s, o->name)) {
			op->cmd_ops[op->nr_ops++] = o->cmd_op;
			return 1;
		}
	}
	if (strncmp(s, "nvme_io_", 8) && strncmp(s, "nvme_admin_", 11))
		return 0;
	op->admin = !strncmp(s, "nvme_admin_", 11);
	rest = s + (op->admin ? 11 : 8);
	for (const struct nvme_opcode *n = nvme_opcodes; n->name; n++) {
		if (n->admin != op->admin || strcmp(rest, n->name))
			continue;
		op->cmd_ops[0] = op->admin ? NVME_URING_CMD_ADMIN : NVME_URING_CMD_IO;
		op->cmd_ops[1] = op->admin ? NVME_URING_CMD_ADMIN_VEC : NVME_URING_CMD_IO_VEC;
		op->nr_ops = 2;
		op->opcode = n->opcode;
		op->has_opcode = true;
		return 1;
	}
	{
		char names[1024] = "";

		for (const struct nvme_opcode *n = nvme_opcodes; n->name; n++)
			if (n->admin == op->admin)
				snprintf(names + strlen(names), sizeof(names) - strlen(names),
					 "%s%s", *names ? " " : "", n->name);
		p_err("'%s': no NVMe %s opcode '%s' (%s)", s, op->admin ? "admin" : "I/O",
		      rest, names);
	}
	return -1;
}

const char *lsm_opcode_name(__u32 cmd_op, __u8 opcode)
{
	bool admin = cmd_op == NVME_URING_CMD_ADMIN || cmd_op == NVME_URING_CMD_ADMIN_VEC;

	if (!admin && cmd_op != NVME_URING_CMD_IO && cmd_op != NVME_URING_CMD_IO_VEC)
		return NULL;
	for (const struct nvme_opcode *n = nvme_opcodes; n->name; n++)
		if (n->admin == admin && n->opcode == opcode)
			return n->name;
	return NULL;
}

int lsm_field(__u32 cmd_op, const char *s, struct ucmd_rule_cond *c)
{
	const struct dev_op *o = dev_op_by_cmd_op(cmd_op);
	char names[512] = "";

	if (!o)
		return 0;
	for (const struct field *f = o->fields; f->name; f++) {
		if (!strcmp(f->name, s)) {
			c->offset = f->offset;
			c->size = f->size;
			return 1;
		}
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 *names ? " " : "", f->name);
	}
	p_err("'%s' is not a field of %s's payload (%s)", s, o->name, names);
	return -1;
}

bool lsm_field_name(__u32 cmd_op, const struct ucmd_rule_cond *c, char *buf, size_t len)
{
	const struct dev_op *o = dev_op_by_cmd_op(cmd_op);

	for (const struct field *f = o ? o->fields : NULL; f && f->name; f++) {
		if (f->offset == c->offset && f->size == c->size) {
			snprintf(buf, len, "%s", f->name);
			return true;
		}
	}
	return false;
}

int lsm_parse_device(const char *path, __u32 *dev)
{
	struct stat st;

	if (stat(path, &st)) {
		p_err("device '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISCHR(st.st_mode)) {
		p_err("device '%s' is not a character device (uring_cmd goes to char devices: /dev/ng0n1, /dev/nvme0, /dev/ublkc0, /dev/ucmd)",
		      path);
		return -1;
	}
	/* The kernel's dev_t, include/linux/kdev_t.h: MAJOR << 20 | MINOR. */
	*dev = major(st.st_rdev) << 20 | minor(st.st_rdev);
	return 0;
}

void lsm_dev_str(__u32 dev, char *buf, size_t len)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	snprintf(buf, len, "%u:%u", dev >> 20, dev & 0xfffff);
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u", dev >> 20, dev & 0xfffff);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		snprintf(buf, len, "/dev/%s", strrchr(target, '/') + 1);
	}
}

bool obj_is_lsm(struct bpf_object *obj)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		if (bpf_program__type(p) == BPF_PROG_TYPE_LSM)
			return true;
	return false;
}

bool lsm_check_active(void)
{
	char why[512];

	if (bpf_lsm_active(why, sizeof(why)))
		return true;
	p_err("BPF LSM is not usable, so policies on any device's uring_cmd cannot run: %s",
	      why);
	return false;
}
