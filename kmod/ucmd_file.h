/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device (ucmd_main.c): state of an open /dev/ucmd, its module
 * parameters, and the two entries its file_operations name.
 */
#ifndef _UCMD_FILE_H
#define _UCMD_FILE_H

#include <linux/atomic.h>
#include <linux/types.h>

struct file;
struct io_uring_cmd;

/**
 * struct ucmd_file - state of one open /dev/ucmd file (file->private_data)
 * @id: never-reused id of this open file (1, 2, ... since module load),
 *	set at open and constant after: BPF programs key per-file state by
 *	it (ucmd_bpf_ctx.file_id) and free it in ucmd_ops.release
 * @nr_deferred: deferred requests of this file not yet completed; at most
 *		 ucmd_max_inflight (ucmd_req_defer() fails with -EBUSY past it)
 * @buf: UCMD_BUF_SIZE bytes that READ and WRITE address, a separate
 *	 allocation so that it is not rounded up to twice its size; freed
 *	 at release, which cannot happen while a request holds the file
 *
 * Both allocated at open with GFP_KERNEL_ACCOUNT: charged to the opener's
 * memcg.
 */
struct ucmd_file {
	u64 id;
	atomic_t nr_deferred;
	u8 *buf;
};

/* Module parameters (ucmd_main.c). */
extern unsigned int ucmd_max_inflight;

int ucmd_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags);
long ucmd_ioctl(struct file *file, unsigned int cmd_op, unsigned long arg);

#endif /* _UCMD_FILE_H */
