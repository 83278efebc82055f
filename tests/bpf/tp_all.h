/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tp_all.bpf.o's maps, shared with tests/guest/tracepoints.c: counts has
 * one struct tp_count per tracepoint and way (key tp * TP_WAY_NR + way),
 * target[0] the tgid whose events count. The includer provides __u64.
 */
#ifndef UCMD_TESTS_TP_ALL_H
#define UCMD_TESTS_TP_ALL_H

enum { TP_ISSUE, TP_COMPLETE, TP_DENY, TP_NR };
enum { TP_WAY_BTF, TP_WAY_PERF, TP_WAY_NR };

struct tp_count {
	__u64 events;
	__u64 cmd_op_sum;
	__s64 res_sum;
};

#endif
