/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF side (ucmd_bpf.c): the ucmd_ops struct_ops and its kfuncs, as
 * the dispatcher and the device see them.
 */
#ifndef _UCMD_BPF_H
#define _UCMD_BPF_H

#include <linux/types.h>

struct ucmd_req;

/*
 * Attached instances with ->validate; the dispatcher skips the validators
 * while it is 0 (ucmd_bpf.c says why it is not a static key).
 */
extern int ucmd_bpf_nr_validators;
void ucmd_bpf_init(void);
bool ucmd_bpf_available(void);
ssize_t ucmd_bpf_status(char *buf);
int ucmd_bpf_validate(u32 cmd_op, const void *payload, unsigned int issue_flags,
		      bool reissue, u64 file_id, char *who);
void ucmd_bpf_release(u64 file_id);
/* ->issue of every BPF handler (called directly by the dispatcher). */
int ucmd_bpf_issue(struct ucmd_req *req, const void *payload,
		   unsigned int issue_flags);
ssize_t ucmd_bpf_read(char *buf, loff_t off, size_t count);

#endif /* _UCMD_BPF_H */
