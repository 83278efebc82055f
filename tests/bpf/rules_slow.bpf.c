// SPDX-License-Identifier: GPL-2.0
/*
 * Test object: the rules policy (same name, maps and rules) with a busy
 * loop between taking the payload and walking the rules, so that a
 * validation is preempted there often on a preemptible kernel
 * (tests/guest/bpf-rules-preempt.c): what made a shared per-CPU copy of
 * the payload judge a request on another's bytes.
 */
#define UCMD_RULES_TEST_DELAY	20000
#include "../../bpf/rules.bpf.c"
