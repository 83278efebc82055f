// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: the timer handler (bpf/timer.bpf.c) at cmd_ops of its own,
 * UCMD_TEST_CMD_CTIMER_WAIT and _FLUSH, so that the fuzzer can attach and
 * detach it (as "ctimer", renamed at load) from its submitting threads
 * while requests are in flight, next to the bundled timer it models.
 */
#include "ucmd.bpf.h"
#include "../kmod/ucmd_test.h"

#undef UCMD_TIMER_WAIT
#undef UCMD_TIMER_FLUSH
#define UCMD_TIMER_WAIT		UCMD_TEST_CMD_CTIMER_WAIT
#define UCMD_TIMER_FLUSH	UCMD_TEST_CMD_CTIMER_FLUSH
#include "../../bpf/timer.bpf.c"
