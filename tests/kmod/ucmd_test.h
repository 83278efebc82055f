/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* cmd_ops served by the test module ucmd_test.ko (tests/kmod/). */
#ifndef _UCMD_TEST_H
#define _UCMD_TEST_H

#include <linux/ucmd.h>

/*
 * TIMER: like DELAY, with struct ucmd_delay as payload, but completed from
 * an hrtimer callback (hard interrupt context) and cancelable.
 */
#define UCMD_TEST_CMD_TIMER	_IOWR('t', 0x01, struct ucmd_delay)

/*
 * RAW: completes with payload.res and payload.res2 as they are, unchecked
 * (ECHO refuses kernel-internal codes): what ucmd does with any result a
 * handler returns.
 */
#define UCMD_TEST_CMD_RAW	_IOWR('t', 0x04, struct ucmd_echo)

/*
 * STALL: asks for io-wq (-EAGAIN under NONBLOCK); there it defers, marks
 * the request cancelable, sleeps payload.delay_us and fails with
 * payload.res without ever publishing work. Its ->cancel answers true
 * ("never started") and counts its calls in the module parameter
 * stall_cancels.
 */
#define UCMD_TEST_CMD_STALL	_IOWR('t', 0x05, struct ucmd_delay)

/*
 * NOWAIT: defers with GFP_NOWAIT and completes at once with payload.res;
 * if the deferral fails, -EAGAIN under IO_URING_F_NONBLOCK when
 * payload.res2_lo is 1, else payload.res synchronously (the fallbacks a
 * handler writes). Registered with TIMER (the registered parameter).
 */
#define UCMD_TEST_CMD_NOWAIT	_IOWR('t', 0x06, struct ucmd_delay)

/* Write 0 to unregister TIMER and NOWAIT, 1 to register them again. */
#define UCMD_TEST_REGISTERED	"/sys/module/ucmd_test/parameters/registered"

/*
 * BPF_RAW: served by tests/bpf/raw_res.bpf.o, not by ucmd_test.ko: returns
 * payload.res as it is; with payload.res2 == 1 it defers and completes
 * the request with payload.res from ->handle (a BPF handler's
 * bpf_ucmd_req_complete()).
 */
#define UCMD_TEST_CMD_BPF_RAW	_IOWR('t', 0x10, struct ucmd_echo)

/*
 * BPF_PARK: served by tests/bpf/ucopy_park.bpf.o, a ->handle_sleepable
 * (so on io-wq): reads 8 bytes at user address payload.res2 (none if 0),
 * then defers and parks the request in its map, where only a cancel
 * (ring teardown, detach) completes it.
 */
#define UCMD_TEST_CMD_BPF_PARK	_IOWR('t', 0x11, struct ucmd_echo)

/*
 * CTIMER_WAIT, CTIMER_FLUSH: the timer handler's ops (bpf/timer.bpf.c,
 * struct ucmd_timer payload) at other cmd_ops, served by
 * tests/bpf/churn_timer.bpf.o: an instance the fuzzer attaches and
 * detaches while its requests are in flight.
 */
#define UCMD_TEST_CMD_CTIMER_WAIT	_IOWR('t', 0x12, struct ucmd_timer)
#define UCMD_TEST_CMD_CTIMER_FLUSH	_IOWR('t', 0x13, struct ucmd_timer)

/*
 * nr_table=N: N no-op handlers (completing with 0) registered as one table
 * and unregistered with ucmd_unregister_handlers(): _IO(UCMD_TEST_TABLE_TYPE
 * + i / 256, i % 256) for i in 0..N-1, N at most 4096.
 */
#define UCMD_TEST_TABLE_TYPE	0x60

#endif
