/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counting one completion into a struct ucmd_op_stats: shared by
 * bpf/trace.bpf.c (ucmd's cmd_ops) and bpf/trace_all.bpf.c (every device's).
 */
#ifndef UCMD_STATS_BPF_H
#define UCMD_STATS_BPF_H

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

/* One completion with result @res after @latency_ns; @st is this CPU's. */
static __always_inline void ucmd_stats_add(struct ucmd_op_stats *st, int res, __u64 latency_ns)
{
	__u32 slot = ucmd_hist_slot(latency_ns, log2_u64(latency_ns));

	st->count++;
	if (res < 0)
		st->errors++;
	st->lat_sum_ns += latency_ns;
	if (slot >= UCMD_HIST_SLOTS)
		slot = UCMD_HIST_SLOTS - 1;
	st->hist[slot]++;
}

#endif
