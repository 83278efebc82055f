// SPDX-License-Identifier: GPL-2.0
/* hrtimer_setup() (6.13+; 7.x drops hrtimer_init()). For tests/kmod. */
#include <linux/hrtimer.h>

static enum hrtimer_restart ucmd_probe_fn(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

static __maybe_unused void ucmd_probe(struct hrtimer *t)
{
	hrtimer_setup(t, ucmd_probe_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
}
