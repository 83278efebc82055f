// SPDX-License-Identifier: GPL-2.0
/* Test object: swap_allow.bpf.c's validator, denying every request with -EACCES. */
#define SWAP_VERDICT (-13)	/* EACCES */
#include "swap_allow.bpf.c"
