/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Built-in handlers (ucmd_builtin.c, ucmd_rw.c) and the feature mask.
 */
#ifndef _UCMD_BUILTIN_H
#define _UCMD_BUILTIN_H

#include <linux/errno.h>
#include <linux/types.h>
#include <uapi/linux/ucmd.h>
#include "ucmd_request.h"

int ucmd_builtin_init(void);
void ucmd_builtin_exit(void);
u64 ucmd_features(void);

/*
 * ECHO and DELAY complete with a result userspace chose: a length-like
 * value or a userspace errno (-1..-511), never a code the kernel keeps
 * for itself (-ERESTARTSYS, -EIOCBQUEUED, ...).
 */
static inline bool ucmd_res_valid(s32 res)
{
	return res > -ERESTARTSYS;
}

/*
 * The bodies of NOP's and ECHO's ->issue, which the dispatcher runs
 * inline when a request's handler is theirs (__ucmd_issue()).
 */
static __always_inline int __ucmd_nop_issue(void)
{
	return 0;
}

static __always_inline int __ucmd_echo_issue(struct ucmd_req *req,
					     const void *payload)
{
	const struct ucmd_echo *p = payload;

	if (p->pad || !ucmd_res_valid(p->res))
		return -EINVAL;
	req->res2 = p->res2;	/* ucmd_req_set_res2() */
	return p->res;
}

/* Compared with struct ucmd_handler.issue by the dispatcher (__ucmd_issue()). */
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
