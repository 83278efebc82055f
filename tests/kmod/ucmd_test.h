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

#endif
