/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Built-in handlers (ucmd_builtin.c, ucmd_rw.c) and the feature mask.
 */
#ifndef _UCMD_BUILTIN_H
#define _UCMD_BUILTIN_H

#include <linux/types.h>

struct ucmd_req;

int ucmd_builtin_init(void);
void ucmd_builtin_exit(void);
u64 ucmd_features(void);

/* Called directly by the dispatcher (ucmd_call_issue()). */
int ucmd_nop_issue(struct ucmd_req *req, const void *payload,
		   unsigned int issue_flags);
int ucmd_echo_issue(struct ucmd_req *req, const void *payload,
		    unsigned int issue_flags);
int ucmd_read_issue(struct ucmd_req *req, const void *payload,
		    unsigned int issue_flags);
int ucmd_write_issue(struct ucmd_req *req, const void *payload,
		     unsigned int issue_flags);
int ucmd_readv_issue(struct ucmd_req *req, const void *payload,
		     unsigned int issue_flags);
int ucmd_writev_issue(struct ucmd_req *req, const void *payload,
		      unsigned int issue_flags);

#endif /* _UCMD_BUILTIN_H */
