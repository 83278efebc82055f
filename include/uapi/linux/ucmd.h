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
 * io-wq, where it sleeps. It completes with 0; res2 says how the issue
 * that slept ran, in UCMD_SLEEP_* bits (0 through ioctl()).
 */
struct ucmd_sleep {
	__u32	sleep_us;
	__u32	pad;
	__u64	res2;
};
#endif

/* res2 of UCMD_CMD_SLEEP: how the issue that slept ran. */
#define UCMD_SLEEP_IOWQ		(1ULL << 0)	/* on an io-wq worker */
#define UCMD_SLEEP_REISSUE	(1ULL << 1)	/* after ucmd's -EAGAIN of the inline issue
						 * (clear: IOSQE_ASYNC, or io_uring's own punt) */
#define UCMD_SLEEP_SQE128	(1ULL << 2)	/* from a 128-byte SQE (80-byte command area) */
#define UCMD_SLEEP_CQE32	(1ULL << 3)	/* its CQE carries res2 (32-byte CQE) */

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

/* Most segments UCMD_CMD_READV and UCMD_CMD_WRITEV accept. */
#define UCMD_RWV_MAX_SEGS	64

#ifndef __VMLINUX_H__	/* BPF: from the module's BTF */
/**
 * struct ucmd_rwv - payload of UCMD_CMD_READV and UCMD_CMD_WRITEV (16 bytes)
 * @iov: user address of an array of @nr_segs struct iovec
 * @nr_segs: segments, 1..UCMD_RWV_MAX_SEGS
 * @offset: byte offset into the open file's buffer (UCMD_BUF_SIZE bytes)
 *	    where the segments' bytes go (WRITEV) or come from (READV), one
 *	    after the other
 *
 * With IORING_URING_CMD_FIXED in sqe->uring_cmd_flags every segment lies
 * in registered buffer sqe->buf_index (io_uring_cmd_import_fixed_vec(),
 * only where UCMD_F_RWV_FIXED is set). Copying the iovec array may fault
 * and allocate, so the inline issue always returns -EAGAIN and the
 * command runs on io-wq. The command completes with the bytes copied,
 * the segments' total.
 *
 * Errors: -EINVAL for @nr_segs 0 or over UCMD_RWV_MAX_SEGS, or a total of
 * 0 bytes or reaching past the buffer; -EFAULT for an iovec array or a
 * segment that cannot be read or written, or a segment outside the
 * registered buffer; -EOPNOTSUPP for IORING_URING_CMD_FIXED without
 * UCMD_F_RWV_FIXED, and through ioctl().
 */
struct ucmd_rwv {
	__u64	iov;
	__u32	nr_segs;
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
#define UCMD_CMD_READV		_IOWR(UCMD_IOC_TYPE, 0x08, struct ucmd_rwv)
#define UCMD_CMD_WRITEV		_IOWR(UCMD_IOC_TYPE, 0x09, struct ucmd_rwv)

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
#define UCMD_F_RWV		(1ULL << 13)	/* READV/WRITEV, plain iovecs */
#define UCMD_F_RWV_FIXED	(1ULL << 14)	/* READV/WRITEV over registered buffers */

/*
 * BPF struct_ops. ucmd.ko defines the BPF struct_ops type "ucmd_ops"
 * (kmod/ucmd_bpf.c): ->validate is a per-request policy, ->handle
 * implements cmd_ops no C handler owns. The maps and events of the
 * example programs in bpf/ are theirs, not the device's: bpf/ucmd_progs.h.
 */

/* ioctl type byte reserved for cmd_ops implemented in BPF. */
#define UCMD_IOC_TYPE_BPF	'b'

/*
 * Tracing. The ucmd:ucmd_complete tracepoint's "kind" argument says how a
 * request completed.
 */
#define UCMD_DONE_SYNC		0	/* result returned from ->issue */
#define UCMD_DONE_ASYNC		1	/* deferred, completed from task work */
#define UCMD_DONE_CANCELLED	2	/* cancelled by ring teardown */
#define UCMD_DONE_DENIED	3	/* denied by a BPF policy */
#define UCMD_DONE_IOCTL		4	/* issued through ioctl(2), returned */

/*
 * Names of handlers and of struct_ops instances (struct ucmd_ops.name),
 * NUL included; the tracepoints carry them.
 */
#define UCMD_NAME_LEN		16

#endif /* _UAPI_LINUX_UCMD_H */
