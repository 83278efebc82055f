/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ucmd_uring.h: preparing /dev/ucmd requests and reading their results
 * with liburing, on any liburing version (2.3 has no
 * io_uring_prep_uring_cmd()). Header-only; include <liburing.h> first.
 *
 *   struct ucmd_echo e = { .res = 7, .res2 = 0x1234 };
 *   struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
 *
 *   ucmd_prep_cmd(&ring, sqe, fd, UCMD_CMD_ECHO, &e, sizeof(e));
 *   io_uring_sqe_set_data64(sqe, 1);
 *   io_uring_submit_and_wait(&ring, 1);
 *   ... cqe->res is 7, ucmd_cqe_res2(&ring, cqe) 0x1234 on a CQE32 ring
 *
 * What the device requires of an SQE (ucmd(4)): opcode
 * IORING_OP_URING_CMD, fd a /dev/ucmd descriptor (or a registered file
 * with IOSQE_FIXED_FILE), cmd_op, the payload at the start of the command
 * area (sqe->cmd: 16 bytes, 80 with IORING_SETUP_SQE128), and every other
 * field zero except flags, user_data, personality and, for a fixed buffer,
 * uring_cmd_flags and buf_index. ucmd_prep_cmd() zeroes the whole SQE
 * first, so only what the caller sets afterwards is nonzero.
 */
#ifndef UCMD_URING_H
#define UCMD_URING_H

#include <errno.h>
#include <string.h>
#include <linux/ucmd.h>

#ifndef IORING_URING_CMD_FIXED
#define IORING_URING_CMD_FIXED	(1U << 0)	/* include/uapi/linux/io_uring.h */
#endif

/**
 * ucmd_cmd_area() - bytes of payload an SQE of @ring carries
 * @ring: the ring
 *
 * Return: UCMD_PAYLOAD_SQE128 (80) on IORING_SETUP_SQE128 rings, else
 * UCMD_PAYLOAD_SQE64 (16).
 */
static inline size_t ucmd_cmd_area(const struct io_uring *ring)
{
	return ring->flags & IORING_SETUP_SQE128 ? UCMD_PAYLOAD_SQE128 :
						   UCMD_PAYLOAD_SQE64;
}

/**
 * ucmd_prep_cmd() - prepare an IORING_OP_URING_CMD SQE for /dev/ucmd
 * @ring: the ring @sqe came from (its SQE size decides how much to zero)
 * @sqe: from io_uring_get_sqe(@ring)
 * @fd: an open /dev/ucmd
 * @cmd_op: the command, e.g. UCMD_CMD_ECHO; the device reads
 *	    _IOC_SIZE(@cmd_op) bytes of payload
 * @payload: @len bytes copied to the command area, or NULL if @len is 0
 * @len: bytes of @payload, at most ucmd_cmd_area(@ring); bytes of the
 *	 command area past @len stay zero
 *
 * Zeroes the whole SQE (64 or 128 bytes), then sets opcode, fd, cmd_op
 * and the payload. user_data, flags and a fixed buffer
 * (ucmd_sqe_set_fixed_buf()) are the caller's to set afterwards.
 *
 * Return: 0, or -EINVAL (and @sqe untouched) if @len exceeds the ring's
 * command area. Mirrors liburing 2.5's io_uring_prep_uring_cmd() plus
 * the payload copy.
 */
static inline int ucmd_prep_cmd(const struct io_uring *ring,
				struct io_uring_sqe *sqe, int fd, __u32 cmd_op,
				const void *payload, size_t len)
{
	if (len > ucmd_cmd_area(ring))
		return -EINVAL;
	memset(sqe, 0, ring->flags & IORING_SETUP_SQE128 ? 128 : sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = cmd_op;
	if (len)
		memcpy(sqe->cmd, payload, len);
	return 0;
}

/**
 * ucmd_sqe_set_fixed_buf() - make READ/WRITE address a registered buffer
 * @sqe: prepared by ucmd_prep_cmd()
 * @buf_index: index of a buffer registered with io_uring_register_buffers()
 *
 * The payload's address then lies inside that buffer (-EFAULT otherwise).
 */
static inline void ucmd_sqe_set_fixed_buf(struct io_uring_sqe *sqe,
					  unsigned int buf_index)
{
	sqe->uring_cmd_flags |= IORING_URING_CMD_FIXED;
	sqe->buf_index = buf_index;
}

/**
 * ucmd_cqe_res2() - a completion's res2
 * @ring: the ring @cqe was reaped from
 * @cqe: the completion
 *
 * Return: cqe->big_cqe[0] on an IORING_SETUP_CQE32 ring, else 0 (a
 * 16-byte CQE has no room for res2: set the ring up with CQE32 to get it).
 */
static inline __u64 ucmd_cqe_res2(const struct io_uring *ring,
				  const struct io_uring_cqe *cqe)
{
	return ring->flags & IORING_SETUP_CQE32 ? cqe->big_cqe[0] : 0;
}

/*
 * Rings whose memory is the caller's (IORING_SETUP_NO_MMAP, Linux 6.5+):
 * their CQ stays readable after the ring is closed. A ring mapped from its
 * fd lives as long as the mapping (the mapping holds the file), so the
 * CQEs io_uring posts when it tears a ring down - each request still in
 * flight completed with -ECANCELED - land in memory nobody can read. On a
 * NO_MMAP ring the kernel writes them into the caller's pages:
 *
 *   struct ucmd_ring_mem mem;
 *
 *   ucmd_queue_init_no_mmap(64, &ring, IORING_SETUP_CQE32, &mem);
 *   ... submit deferred requests ...
 *   ucmd_ring_close(&ring);           the teardown cancels them
 *   while (io_uring_cq_ready(&ring) < n) usleep(1000);    (with a bound)
 *   io_uring_for_each_cqe(&ring, head, cqe) ... cqe->res is -ECANCELED
 *   ucmd_queue_free_no_mmap(&mem);
 *
 * liburing 2.5's io_uring_queue_init_mem() does the set-up (liburing 2.3,
 * Debian 12's, has none); these mirror it (liburing src/setup.c,
 * io_uring_setup_ring_pointers()) with liburing's own io_uring_setup().
 * Only the memory-only calls of liburing (io_uring_cq_ready(),
 * io_uring_for_each_cqe(), io_uring_cq_advance(), io_uring_cqe_seen())
 * may be used on a closed ring; the others return -EBADF.
 */
#include <sys/mman.h>
#include <unistd.h>

#ifndef IORING_SETUP_NO_MMAP
#define IORING_SETUP_NO_MMAP	(1U << 14)	/* include/uapi/linux/io_uring.h */
#define UCMD_OFF_USER_ADDR	resv2		/* its name before 6.5 */
#else
#define UCMD_OFF_USER_ADDR	user_addr
#endif

/**
 * struct ucmd_ring_mem - the memory of a ring set up by ucmd_queue_init_no_mmap()
 * @rings: the SQ and CQ rings (heads, tails, flags, the CQEs, the SQ array)
 * @rings_size: bytes at @rings, a multiple of the page size
 * @sqes: the SQE array
 * @sqes_size: bytes at @sqes, a multiple of the page size
 */
struct ucmd_ring_mem {
	void *rings;
	size_t rings_size;
	void *sqes;
	size_t sqes_size;
};

/**
 * ucmd_queue_free_no_mmap() - free a NO_MMAP ring's memory
 * @mem: filled by ucmd_queue_init_no_mmap(); zeroed here
 *
 * Call after the ring's fd is closed (ucmd_ring_close()) and its CQEs are
 * read: the kernel unpins the pages at teardown, the caller unmaps them.
 */
static inline void ucmd_queue_free_no_mmap(struct ucmd_ring_mem *mem)
{
	if (mem->rings)
		munmap(mem->rings, mem->rings_size);
	if (mem->sqes)
		munmap(mem->sqes, mem->sqes_size);
	memset(mem, 0, sizeof(*mem));
}

/**
 * ucmd_queue_init_no_mmap() - set up an IORING_SETUP_NO_MMAP ring
 * @entries: SQ entries, as for io_uring_queue_init() (the CQ gets twice)
 * @ring: the ring to set up
 * @flags: IORING_SETUP_* flags (CQE32, SQE128, DEFER_TASKRUN, ...);
 *	   IORING_SETUP_NO_MMAP is added; CQSIZE is refused (-EINVAL)
 * @mem: out: the memory the ring lives in, for ucmd_queue_free_no_mmap()
 *
 * Allocates the rings (struct io_rings, at most 4 KiB on every kernel
 * since 6.5, then 2 * @entries CQEs and the SQ array) and the SQEs with
 * anonymous mmap(), page aligned as the kernel requires
 * (io_uring/memmap.c), and calls io_uring_setup() with their addresses
 * in sq_off.user_addr and cq_off.user_addr; then fills @ring as
 * io_uring_queue_init() does, so that every liburing call works on it.
 *
 * Return: 0, or a negative errno: -EINVAL for a kernel before 6.5 (it does
 * not know the flag) or bad @flags, -ENOMEM, or what io_uring_setup()
 * returned.
 */
static inline int ucmd_queue_init_no_mmap(unsigned int entries, struct io_uring *ring,
					  unsigned int flags, struct ucmd_ring_mem *mem)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t sqe_size = flags & IORING_SETUP_SQE128 ? 128 : 64;
	size_t cqe_size = flags & IORING_SETUP_CQE32 ? 32 : 16;
	struct io_uring_params p;
	unsigned char *r;
	int fd;

	memset(mem, 0, sizeof(*mem));
	if (flags & IORING_SETUP_CQSIZE || !entries || entries > 32768)
		return -EINVAL;
	/* What io_uring_setup() rounds @entries up to. */
	while (entries & (entries - 1))
		entries += entries & -entries;
	mem->rings_size = (4096 + 2 * entries * cqe_size + entries * 4 + page - 1) & ~(page - 1);
	mem->sqes_size = (entries * sqe_size + page - 1) & ~(page - 1);
	mem->rings = mmap(NULL, mem->rings_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	mem->sqes = mmap(NULL, mem->sqes_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem->rings == MAP_FAILED || mem->sqes == MAP_FAILED) {
		if (mem->rings == MAP_FAILED)
			mem->rings = NULL;
		if (mem->sqes == MAP_FAILED)
			mem->sqes = NULL;
		ucmd_queue_free_no_mmap(mem);
		return -ENOMEM;
	}
	memset(&p, 0, sizeof(p));
	p.flags = flags | IORING_SETUP_NO_MMAP;
	p.sq_off.UCMD_OFF_USER_ADDR = (unsigned long)mem->sqes;
	p.cq_off.UCMD_OFF_USER_ADDR = (unsigned long)mem->rings;
	fd = io_uring_setup(entries, &p);
	if (fd < 0) {
		ucmd_queue_free_no_mmap(mem);
		return fd;
	}
	memset(ring, 0, sizeof(*ring));
	r = (unsigned char *)mem->rings;
	ring->sq.khead = (unsigned *)(r + p.sq_off.head);
	ring->sq.ktail = (unsigned *)(r + p.sq_off.tail);
	ring->sq.kring_mask = (unsigned *)(r + p.sq_off.ring_mask);
	ring->sq.kring_entries = (unsigned *)(r + p.sq_off.ring_entries);
	ring->sq.kflags = (unsigned *)(r + p.sq_off.flags);
	ring->sq.kdropped = (unsigned *)(r + p.sq_off.dropped);
	ring->sq.array = (unsigned *)(r + p.sq_off.array);
	ring->sq.sqes = (struct io_uring_sqe *)mem->sqes;
	ring->sq.ring_sz = mem->rings_size;
	ring->sq.ring_ptr = mem->rings;
	ring->sq.ring_mask = *ring->sq.kring_mask;
	ring->sq.ring_entries = *ring->sq.kring_entries;
	ring->cq.khead = (unsigned *)(r + p.cq_off.head);
	ring->cq.ktail = (unsigned *)(r + p.cq_off.tail);
	ring->cq.kring_mask = (unsigned *)(r + p.cq_off.ring_mask);
	ring->cq.kring_entries = (unsigned *)(r + p.cq_off.ring_entries);
	ring->cq.koverflow = (unsigned *)(r + p.cq_off.overflow);
	ring->cq.cqes = (struct io_uring_cqe *)(r + p.cq_off.cqes);
	if (p.cq_off.flags)
		ring->cq.kflags = (unsigned *)(r + p.cq_off.flags);
	ring->cq.ring_sz = mem->rings_size;
	ring->cq.ring_ptr = mem->rings;
	ring->cq.ring_mask = *ring->cq.kring_mask;
	ring->cq.ring_entries = *ring->cq.kring_entries;
	/* The SQ array maps slot i to SQE i once, as liburing sets it up. */
	for (unsigned int i = 0; i < ring->sq.ring_entries; i++)
		ring->sq.array[i] = i;
	ring->flags = p.flags;
	ring->features = p.features;
	ring->ring_fd = ring->enter_ring_fd = fd;
	return 0;
}

/**
 * ucmd_ring_close() - close a NO_MMAP ring's fd, keeping its CQ readable
 * @ring: set up by ucmd_queue_init_no_mmap()
 *
 * The last close tears the ring down: io_uring cancels what is in flight
 * and posts those CQEs, from a kernel worker, shortly after (poll
 * io_uring_cq_ready() with a bound). Sets the fds to -1, so that a liburing
 * call that would enter the kernel fails with -EBADF instead of reaching
 * whatever file reuses the number. Never io_uring_queue_exit() such a
 * ring: it would unmap the caller's memory.
 */
static inline void ucmd_ring_close(struct io_uring *ring)
{
	if (ring->ring_fd >= 0)
		close(ring->ring_fd);
	ring->ring_fd = ring->enter_ring_fd = -1;
}

#endif /* UCMD_URING_H */
