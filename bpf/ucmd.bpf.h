/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every ucmd BPF program includes: the kernel's and ucmd.ko's types
 * (vmlinux_ucmd.h, generated from the module's BTF at build time), the
 * UAPI, the example programs' types (ucmd_progs.h), libbpf's helpers and
 * ucmd's kfuncs.
 */
#ifndef UCMD_BPF_H
#define UCMD_BPF_H

#include "vmlinux_ucmd.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"	/* the example programs' maps and events */

#ifndef EPERM
#define EPERM		1
#define ENOENT		2
#define E2BIG		7
#define EINVAL		22
#define ERANGE		34
#define EOPNOTSUPP	95
#define EOVERFLOW	75
#define ENOMEM		12
#define EEXIST		17
#define ECANCELED	125
#define EFAULT		14
#endif

/* kmod/ucmd_bpf.c; only ucmd's struct_ops programs may call them. */
extern int bpf_ucmd_read_payload(struct ucmd_bpf_ctx *ctx, __u32 offset,
				 void *buf, __u32 buf__sz) __ksym;
extern const __u8 *bpf_ucmd_payload(struct ucmd_bpf_ctx *ctx,
				    __u32 rdonly_buf_size) __ksym;
extern void bpf_ucmd_set_res2(struct ucmd_bpf_ctx *ctx, __u64 res2) __ksym;
extern struct ucmd_bpf_req *bpf_ucmd_req_defer(struct ucmd_bpf_ctx *ctx) __ksym;
extern int bpf_ucmd_req_complete(struct ucmd_bpf_req *breq, int res, __u64 res2) __ksym;
extern __u64 bpf_ucmd_ancestor_cgroup_id(struct ucmd_bpf_ctx *ctx, int level) __ksym;
/* Sleepable programs (SEC("struct_ops.s/handle_sleepable")) only. */
extern int bpf_ucmd_copy_from_user(struct ucmd_bpf_ctx *ctx, void *dst,
				   __u32 dst__sz, __u64 uaddr) __ksym;
extern int bpf_ucmd_copy_to_user(struct ucmd_bpf_ctx *ctx, __u64 uaddr,
				 void *src, __u32 src__sz) __ksym;

#endif
