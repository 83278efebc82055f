/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a BPF LSM program on uring_cmd needs of io_uring that no API
 * gives, read with CO-RE from the kernel's own structs. Mirrors
 * io_uring/io_uring.h and include/linux/io_uring_types.h of 6.12 and 7.x:
 * the request starts with its command (cmd_to_io_kiocb() is a cast), and
 * struct io_ring_ctx keeps the SQ ring's SQE array in sq_sqes, its size in
 * sq_entries and the IORING_SETUP_* flags in flags.
 */
#ifndef UCMD_IO_URING_COMPAT_BPF_H
#define UCMD_IO_URING_COMPAT_BPF_H

#include <bpf/bpf_core_read.h>

#define UCMD_IORING_SETUP_SQE128	(1U << 10)	/* include/uapi/linux/io_uring.h */

static __always_inline bool ucmd_ring_sqe128(struct io_uring_cmd *ioucmd)
{
	struct io_kiocb *req = (void *)ioucmd;

	return BPF_CORE_READ(req, ctx, flags) & UCMD_IORING_SETUP_SQE128;
}

/*
 * Bytes of sqe->cmd the driver may read: 16, or 80 on an SQE128 ring (a
 * 7.x IORING_SETUP_SQE_MIXED ring's URING_CMD128 counts as 16 here).
 */
static __always_inline __u32 ucmd_cmd_len(struct io_uring_cmd *ioucmd)
{
	return ucmd_ring_sqe128(ioucmd) ? UCMD_PAYLOAD_SQE128 : UCMD_PAYLOAD_SQE64;
}

/*
 * Whether ioucmd->sqe lies in the ring's shared SQE array (the submitter can
 * still write it) rather than in a copy io_uring made (async_data: at
 * prep for IOSQE_ASYNC on 6.12, when the request goes async on 7.x).
 */
static __always_inline bool ucmd_sqe_in_ring(struct io_uring_cmd *ioucmd)
{
	struct io_kiocb *req = (void *)ioucmd;
	/* a scalar: the verifier allows no arithmetic on the BTF pointer */
	unsigned long sqe = (unsigned long)BPF_CORE_READ(ioucmd, sqe);
	unsigned long base = (unsigned long)BPF_CORE_READ(req, ctx, sq_sqes);
	unsigned long size = (unsigned long)BPF_CORE_READ(req, ctx, sq_entries) <<
			     (ucmd_ring_sqe128(ioucmd) ? 7 : 6);

	return sqe - base < size;
}

#endif
