/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ucmd: a pluggable handler framework for io_uring passthrough commands.
 *
 * This header is the one ABI shared by the kernel module (kmod/), BPF
 * programs (bpf/), the loader (loader/) and the tests (tests/).
 *
 * Commands are sent with IORING_OP_URING_CMD on a file descriptor of
 * /dev/ucmd. sqe->cmd_op carries an ioctl-style code built with _IOWR(),
 * as ublk does (include/uapi/linux/ublk_cmd.h): the type byte is 'u', the
 * number selects the handler and the size field is the size in bytes of
 * the payload the command reads from the SQE's command area (sqe->cmd).
 *
 * The command area is 16 bytes on a ring with 64-byte SQEs and 80 bytes on
 * a ring set up with IORING_SETUP_SQE128. A command whose payload does not
 * fit the ring's command area completes with -EINVAL.
 *
 * res2 (the second result of a command) reaches userspace only on rings
 * set up with IORING_SETUP_CQE32, in cqe->big_cqe[0].
 */
#ifndef _UAPI_LINUX_UCMD_H
#define _UAPI_LINUX_UCMD_H

/*
 * BPF programs include vmlinux_ucmd.h (the kernel's and ucmd.ko's BTF)
 * first: it has the fixed-width types and every struct below, which the
 * module emits into its BTF, so they are skipped here.
 */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include <linux/ioctl.h>

/* Path of the misc device. */
#define UCMD_DEV_NAME		"ucmd"

/* ioctl-style type byte of every built-in cmd_op. */
#define UCMD_IOC_TYPE		'u'

/* Size in bytes of the command area of a 64-byte and a 128-byte SQE. */
#define UCMD_PAYLOAD_SQE64	16
#define UCMD_PAYLOAD_SQE128	80

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_echo - payload of UCMD_CMD_ECHO (16 bytes, fits SQE64)
 * @res: the value the command completes with (cqe->res); may be negative,
 *	 -1..-511 (a userspace errno), in which case the request fails with
 *	 it; below -511 (codes the kernel keeps for itself) the command
 *	 fails with -EINVAL
 * @pad: must be zero
 * @res2: the value delivered as res2 (cqe->big_cqe[0] on CQE32 rings)
 */
struct ucmd_echo {
	__s32	res;
	__u32	pad;
	__u64	res2;
};
#endif

/* Longest delay UCMD_CMD_DELAY accepts, in microseconds (10 s). */
#define UCMD_DELAY_MAX_US	10000000ULL

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_delay - payload of UCMD_CMD_DELAY (16 bytes, fits SQE64)
 * @delay_us: time until completion, in microseconds, at most
 *	      UCMD_DELAY_MAX_US; 0 completes as soon as the workqueue runs
 * @res: the value the command completes with, as for struct ucmd_echo
 *	 (below -511: -EINVAL at once)
 * @res2_lo: low 32 bits of res2; res2's upper 32 bits are zero
 */
struct ucmd_delay {
	__u64	delay_us;
	__s32	res;
	__u32	res2_lo;
};
#endif

/* Number of values UCMD_CMD_SUM adds. */
#define UCMD_SUM_MAX		9

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_sum - payload of UCMD_CMD_SUM (80 bytes: needs SQE128)
 * @count: how many entries of @vals to add, 0..UCMD_SUM_MAX
 * @pad: must be zero
 * @vals: the values; their sum (mod 2^64) is res2
 *
 * The command completes with @count as its result.
 */
struct ucmd_sum {
	__u32	count;
	__u32	pad;
	__u64	vals[UCMD_SUM_MAX];
};
#endif

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_features - payload of UCMD_CMD_GET_FEATURES (16 bytes)
 * @addr: user address of a __u64 that receives the feature mask, or 0;
 *	  on CQE32 rings the mask is also res2
 * @reserved: must be zero
 */
struct ucmd_features {
	__u64	addr;
	__u64	reserved;
};
#endif

/* Longest sleep UCMD_CMD_SLEEP accepts, in microseconds (1 s). */
#define UCMD_SLEEP_MAX_US	1000000U

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_sleep - payload of UCMD_CMD_SLEEP (16 bytes, fits SQE64)
 * @sleep_us: how long the handler sleeps, in microseconds, at most
 *	      UCMD_SLEEP_MAX_US
 * @pad: must be zero
 * @res2: unused, must be zero
 *
 * SLEEP is a handler that must block. Issued inline (io_uring's
 * IO_URING_F_NONBLOCK), it returns -EAGAIN so io_uring issues it again from
 * io-wq, where it sleeps. It completes with 0; res2 is the issue_flags of
 * the issue that slept.
 */
struct ucmd_sleep {
	__u32	sleep_us;
	__u32	pad;
	__u64	res2;
};
#endif

/* Size in bytes of the per-open-file buffer READ and WRITE address. */
#define UCMD_BUF_SIZE		65536U

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_rw - payload of UCMD_CMD_READ and UCMD_CMD_WRITE (16 bytes)
 * @addr: user address of the data; with IORING_URING_CMD_FIXED in
 *	  sqe->uring_cmd_flags, an address inside the registered buffer
 *	  sqe->buf_index
 * @len: bytes to copy, 1..UCMD_BUF_SIZE
 * @offset: byte offset into the file's buffer; @offset + @len must not
 *	    exceed UCMD_BUF_SIZE
 *
 * WRITE copies process memory into the buffer of the /dev/ucmd file the
 * command is issued on, READ copies it back. Both complete with @len.
 * Errors: -EINVAL for a length or range outside the buffer, -EFAULT for an
 * address that cannot be read or written (or, from io_uring itself, a
 * buf_index that names no registered buffer), and a fixed-buffer range
 * outside the registered buffer.
 */
struct ucmd_rw {
	__u64	addr;
	__u32	len;
	__u32	offset;
};
#endif

/* Built-in cmd_ops. */
#define UCMD_CMD_NOP		_IO(UCMD_IOC_TYPE, 0x00)
#define UCMD_CMD_GET_FEATURES	_IOWR(UCMD_IOC_TYPE, 0x01, struct ucmd_features)
#define UCMD_CMD_ECHO		_IOWR(UCMD_IOC_TYPE, 0x02, struct ucmd_echo)
#define UCMD_CMD_DELAY		_IOWR(UCMD_IOC_TYPE, 0x03, struct ucmd_delay)
#define UCMD_CMD_SUM		_IOWR(UCMD_IOC_TYPE, 0x04, struct ucmd_sum)
#define UCMD_CMD_SLEEP		_IOWR(UCMD_IOC_TYPE, 0x05, struct ucmd_sleep)
#define UCMD_CMD_READ		_IOWR(UCMD_IOC_TYPE, 0x06, struct ucmd_rw)
#define UCMD_CMD_WRITE		_IOWR(UCMD_IOC_TYPE, 0x07, struct ucmd_rw)

/* Feature mask returned by UCMD_CMD_GET_FEATURES: one bit per capability. */
#define UCMD_F_NOP		(1ULL << 0)
#define UCMD_F_ECHO		(1ULL << 1)
#define UCMD_F_DELAY		(1ULL << 2)	/* async, cancelable on ring close */
#define UCMD_F_SUM		(1ULL << 3)	/* 80-byte payload on SQE128 */
#define UCMD_F_RES2		(1ULL << 4)	/* res2 on CQE32, sync and async */
#define UCMD_F_HANDLER_API	(1ULL << 5)	/* ucmd_register_handler() */
#define UCMD_F_TRACEPOINTS	(1ULL << 6)	/* ucmd:ucmd_issue, ucmd:ucmd_complete */
#define UCMD_F_SLEEP		(1ULL << 7)	/* blocking handler, io-wq re-issue */
#define UCMD_F_RW		(1ULL << 8)	/* READ/WRITE, plain and fixed buffers */
/*
 * What depends on how ucmd.ko was built and on the kernel it was built for
 * (kmod/ucmd_compat.h); without a bit, the thing it names is refused:
 */
#define UCMD_F_BPF		(1ULL << 9)	/* struct_ops ucmd_ops registered (module BTF) */
#define UCMD_F_SQE_MIXED	(1ULL << 10)	/* IORING_OP_URING_CMD128 on IORING_SETUP_SQE_MIXED rings */
#define UCMD_F_CQE_MIXED	(1ULL << 11)	/* res2 on IORING_SETUP_CQE_MIXED rings */
#define UCMD_F_IOPOLL		(1ULL << 12)	/* cmd_ops on IORING_SETUP_IOPOLL rings */

/*
 * BPF side (bpf/, loader/). ucmd.ko defines the BPF struct_ops type
 * "ucmd_ops" (kmod/ucmd_bpf.c): ->validate is a per-request policy,
 * ->handle implements cmd_ops no C handler owns. The loader pins each
 * instance under UCMD_BPFFS_DIR/<name>/.
 */
#define UCMD_BPFFS_DIR		"/sys/fs/bpf/ucmd"
#define UCMD_OPS_NAME_LEN	16	/* struct ucmd_ops.name, NUL included */

/* ioctl type byte reserved for cmd_ops implemented in BPF. */
#define UCMD_IOC_TYPE_BPF	'b'

/* Any uid, in struct ucmd_rule_key. */
#define UCMD_RULE_ANY_UID	0xffffffffU

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_rule_key - key of the rules policy's "rules" map
 * @cmd_op: the cmd_op the rule applies to
 * @uid: submitter's fsuid (initial user namespace), or UCMD_RULE_ANY_UID
 *
 * A rule for the exact uid wins over one for UCMD_RULE_ANY_UID.
 */
struct ucmd_rule_key {
	__u32	cmd_op;
	__u32	uid;
};
#endif

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_rule - value of the rules policy's "rules" map
 * @verdict: 0 allows; a negative errno denies with that result
 * @pad: zero
 * @hits: requests this rule decided (counted by the policy)
 */
struct ucmd_rule {
	__s32	verdict;
	__u32	pad;
	__u64	hits;
};
#endif

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_kv - payload of the key-value handler's ops (bpf/kv.bpf.c)
 * @key: the key
 * @value: PUT: the value to store; unused otherwise
 *
 * PUT completes with 0 (-E2BIG when the store is full), GET with 0 and the
 * value as res2 (-ENOENT if absent), DEL with 0 (-ENOENT if absent).
 */
struct ucmd_kv {
	__u64	key;
	__u64	value;
};
#endif

#define UCMD_KV_PUT		_IOWR(UCMD_IOC_TYPE_BPF, 0x01, struct ucmd_kv)
#define UCMD_KV_GET		_IOWR(UCMD_IOC_TYPE_BPF, 0x02, struct ucmd_kv)
#define UCMD_KV_DEL		_IOWR(UCMD_IOC_TYPE_BPF, 0x03, struct ucmd_kv)

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_arith - payload of the arithmetic handler (bpf/arith.bpf.c)
 * @a: first operand
 * @b: second operand
 *
 * ADD and MUL complete with 0 and the result as res2; MUL overflowing 64
 * bits completes with -EOVERFLOW.
 */
struct ucmd_arith {
	__u64	a;
	__u64	b;
};
#endif

#define UCMD_ARITH_ADD		_IOWR(UCMD_IOC_TYPE_BPF, 0x10, struct ucmd_arith)
#define UCMD_ARITH_MUL		_IOWR(UCMD_IOC_TYPE_BPF, 0x11, struct ucmd_arith)

/*
 * Tracing. The ucmd:ucmd_complete tracepoint's "kind" argument and
 * struct ucmd_trace_event's @kind say how a request completed.
 */
#define UCMD_DONE_SYNC		0	/* result returned from ->issue */
#define UCMD_DONE_ASYNC		1	/* deferred, completed from task work */
#define UCMD_DONE_CANCELLED	2	/* cancelled by ring teardown */
#define UCMD_DONE_DENIED	3	/* denied by a BPF policy */

#define UCMD_NAME_LEN		16	/* handler and policy names, NUL included */

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_trace_event - one completion, from bpf/trace.bpf.c to ucmdctl
 * @ts_ns: CLOCK_MONOTONIC time of the completion, in nanoseconds
 * @latency_ns: nanoseconds from the request's first issue to completion
 *		(0 if tracing was enabled after the issue)
 * @res2: res2 (delivered only on CQE32 rings)
 * @cmd_op: the cmd_op
 * @res: cqe->res
 * @pid: tgid of the submitting task
 * @kind: UCMD_DONE_*
 * @comm: the submitting task's comm
 * @name: the handler's name; for UCMD_DONE_DENIED the denying policy's
 */
struct ucmd_trace_event {
	__u64	ts_ns;
	__u64	latency_ns;
	__u64	res2;
	__u32	cmd_op;
	__s32	res;
	__u32	pid;
	__u32	kind;
	char	comm[16];
	char	name[UCMD_NAME_LEN];
};
#endif

/* log2 latency buckets: bucket i counts latencies in [2^i, 2^(i+1)) ns. */
#define UCMD_HIST_SLOTS		40

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_op_stats - per-cmd_op counters kept by bpf/trace.bpf.c
 * @count: completions
 * @errors: completions with a negative result
 * @lat_sum_ns: sum of their latencies, in nanoseconds
 * @hist: log2 histogram of latencies (UCMD_HIST_SLOTS buckets, ns)
 */
struct ucmd_op_stats {
	__u64	count;
	__u64	errors;
	__u64	lat_sum_ns;
	__u64	hist[UCMD_HIST_SLOTS];
};
#endif

#endif /* _UAPI_LINUX_UCMD_H */
