/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the guest tests, in the manner of liburing's
 * test/helpers.h: exit codes, ring set-up, one call to prepare a uring_cmd
 * and collectors that check every SQE produced exactly one CQE.
 */
#ifndef UCMD_TEST_HELPERS_H
#define UCMD_TEST_HELPERS_H

#include <stddef.h>
#include <stdio.h>
#include <liburing.h>
#include <linux/ucmd.h>
#include <ucmd/ucmd_uring.h>
#include "ucmd_progs.h"

enum {
	T_EXIT_PASS = 0,
	T_EXIT_FAIL = 1,
	T_EXIT_SKIP = 77,
};

/* A ring configuration: name and io_uring_setup() flags. */
struct t_ring_cfg {
	const char *name;
	unsigned int flags;
};

/* SQE64/SQE128 x CQE16/CQE32, the four shapes every op is tried on. */
extern const struct t_ring_cfg t_ring_shapes[];
extern const int t_nr_ring_shapes;

/* A CQE copied out of the ring; res2 is big_cqe[0] on CQE32 rings, else 0. */
struct t_cqe {
	unsigned long long user_data;
	int res;
	unsigned int flags;
	unsigned long long res2;
};

#define t_err(fmt, ...) \
	fprintf(stderr, "%s:%d: " fmt "\n", __FILE__, __LINE__, ##__VA_ARGS__)

/* Fail the test (return T_EXIT_FAIL) with a message unless @cond holds. */
#define T_CHECK(cond, fmt, ...)						\
	do {								\
		if (!(cond)) {						\
			t_err("check '%s' failed: " fmt, #cond,		\
			      ##__VA_ARGS__);				\
			return T_EXIT_FAIL;				\
		}							\
	} while (0)

/* Open /dev/ucmd or exit the test with T_EXIT_FAIL. */
int t_open_dev(void);

/* io_uring_queue_init() that exits with T_EXIT_FAIL and a message on error. */
void t_ring_init(struct io_uring *ring, unsigned int entries,
		 unsigned int flags);

/* Bytes of command area an SQE of @ring holds (16 or 80). */
size_t t_cmd_area(const struct io_uring *ring);

/*
 * Get an SQE and prepare IORING_OP_URING_CMD @cmd_op on @fd with @len
 * bytes of @payload copied into its command area (the rest zeroed).
 * Exits with T_EXIT_FAIL if the SQ ring is full.
 */
struct io_uring_sqe *t_prep_cmd(struct io_uring *ring, int fd,
				unsigned int cmd_op, const void *payload,
				size_t len, unsigned long long user_data);

/*
 * Wait for @nr CQEs, at most @timeout_ms in all, copy them into @out in
 * arrival order and mark them seen. Returns the number collected.
 */
int t_collect(struct io_uring *ring, struct t_cqe *out, int nr,
	      int timeout_ms);

/*
 * One command, synchronously: t_prep_cmd() of @len bytes of @cmd with
 * @sqe_flags, submit, wait for its CQE. 0 with the CQE in @out, or
 * -errno (-EPROTO: a CQE of another user_data, with a message).
 */
int t_cmd_sync(struct io_uring *ring, int fd, unsigned int cmd_op, const void *cmd,
	       size_t len, unsigned int sqe_flags, unsigned long long user_data,
	       struct t_cqe *out);

/* Returns 0 if no CQE arrives within @ms, -1 (with a message) if one does. */
int t_expect_no_cqe(struct io_uring *ring, int ms);

/*
 * Submit everything queued, then collect exactly one CQE for it into @out
 * and confirm no other CQE follows. Returns 0 or -1 with a message.
 */
int t_run_one(struct io_uring *ring, struct t_cqe *out);

/*
 * Submit the @nr SQEs already prepared with user_data 0..@nr-1, collect
 * their CQEs (5 s at most) and check that each user_data came back exactly
 * once and that @ok(user_data, res, @arg) accepts its result. Returns 0, or
 * -1 with a message for each problem.
 */
int t_batch(struct io_uring *ring, int nr,
	    int (*ok)(unsigned long long user_data, int res, void *arg),
	    void *arg);

/* Read a number (any base strtol takes) from the file @path; -1 on error. */
long t_read_long(const char *path);

/* Read a counter from /sys/class/misc/ucmd/@name; -1 on error. */
long t_sysfs_long(const char *name);

/*
 * t_rounds() - @n on a normal kernel, @n / 4 (at least 1) on the debug
 * kernel (UCMD_DEBUG_KERNEL, set by tools/vm/init), where KASAN, lockdep
 * and kmemleak make each round several times slower: for tests that
 * repeat a race many times.
 */
int t_rounds(int n);

/* Poll t_sysfs_long(@name) until it equals @want, at most @ms; returns it. */
long t_sysfs_wait(const char *name, long want, int ms);

/* Write @val to the file @path (sysfs, procfs, cgroupfs); 0 or -1. */
int t_write_file(const char *path, const char *val);

/* finit_module() of @path; 0 or -errno. */
int t_load_module(const char *path);

/* delete_module() of @name with @flags (O_NONBLOCK); 0 or -errno. */
int t_unload_module(const char *name, unsigned int flags);

/*
 * Unload module @name, retrying while it is in use (-EWOULDBLOCK: requests
 * in flight pin it, ring teardown is asynchronous) for up to @ms; 0 or
 * -errno.
 */
int t_unload_module_wait(const char *name, int ms);

/*
 * Run @fn(@arg) in a child process and wait at most @ms for it. Returns
 * its exit status (T_EXIT_*), or -1 after printing what the child's
 * threads are doing (/proc/<pid>/task/<tid>/stack) if it is still running
 * then: a task stuck in the kernel (D state) cannot be waited for, so
 * the test reports it and goes on.
 */
int t_bounded(int (*fn)(void *arg), void *arg, int ms, const char *what);

/* Monotonic clock in nanoseconds. */
unsigned long long t_now_ns(void);

#endif
