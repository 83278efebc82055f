/* SPDX-License-Identifier: GPL-2.0 */
/* ucmdctl: the LSM policy's device names, ops and fields (lsm.c). */
#ifndef UCMDCTL_LSM_H
#define UCMDCTL_LSM_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct bpf_object;
struct ucmd_rule_cond;

/*
 * An OP of another driver: one cmd_op, or (a named NVMe opcode) the
 * plain and vectored cmd_op with the condition "opcode eq OPCODE".
 */
struct lsm_op {
	__u32 cmd_ops[2];
	int nr_ops;
	bool admin, has_opcode;
	__u8 opcode;
};

/* 1 and @op filled, 0 if @s is no other driver's op, -1 after an error line. */
int lsm_parse_op(const char *s, struct lsm_op *op);
/* Another driver's name of @cmd_op, or NULL. */
const char *lsm_op_name(__u32 cmd_op);
/* The name of NVMe @opcode for @cmd_op (an NVMe cmd_op), or NULL. */
const char *lsm_opcode_name(__u32 cmd_op, __u8 opcode);
/* FIELD of another driver's @cmd_op: 1, 0 if not such a cmd_op, -1 (error line). */
int lsm_field(__u32 cmd_op, const char *s, struct ucmd_rule_cond *c);
bool lsm_field_name(__u32 cmd_op, const struct ucmd_rule_cond *c, char *buf, size_t len);
/* PATH of a character device -> the kernel's dev_t; 0, or -1 (error line). */
int lsm_parse_device(const char *path, __u32 *dev);
/* /dev/NAME of a kernel dev_t, or MAJOR:MINOR. */
void lsm_dev_str(__u32 dev, char *buf, size_t len);
/* Does @obj hold a BPF LSM program (then it is loaded as one)? */
bool obj_is_lsm(struct bpf_object *obj);
/* BPF LSM runs here; else false after one error line naming the fix. */
bool lsm_check_active(void);

#endif
