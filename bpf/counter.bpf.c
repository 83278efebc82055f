// SPDX-License-Identifier: GPL-2.0
/*
 * counter: state per open file. Each open /dev/ucmd file gets its own
 * counter, keyed by ctx->file_id (stable for the file's life, never
 * reused), and the ->release member deletes it when the file is closed,
 * so nothing is left behind by a process that exits.
 *
 * UCMD_COUNTER_ADD adds the payload's amount and completes with the new
 * total as res2; UCMD_COUNTER_INFO completes with the number of files
 * that have a counter and the file's id as res2. Each ucmdctl cmd opens
 * /dev/ucmd anew, so from the shell every counter starts at 0:
 *
 *   ucmdctl handler load counter
 *   ucmdctl cmd counter_add 5               # res 0, res2 5
 *   ucmdctl cmd counter_info                # res 0 (the file above is gone)
 *   ucmdctl handler unload counter
 */
#include "ucmd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);	/* req->file_id */
	__type(value, __u64);	/* the file's total */
} counters SEC(".maps");

/* Entries in counters. */
__s64 nr_files;

SEC("struct_ops/handle")
int BPF_PROG(counter_handle, struct ucmd_bpf_ctx *req)
{
	struct ucmd_counter p = {};
	__u64 id = req->file_id, zero = 0, *v;

	if (bpf_ucmd_read_payload(req, 0, &p, sizeof(p)) < 0 || p.pad)
		return -EINVAL;
	if (req->cmd_op == UCMD_COUNTER_INFO) {
		bpf_ucmd_set_res2(req, id);
		return nr_files;
	}
	v = bpf_map_lookup_elem(&counters, &id);
	if (!v) {
		/* Two requests of one file may race to create it: one wins. */
		if (!bpf_map_update_elem(&counters, &id, &zero, BPF_NOEXIST))
			__sync_fetch_and_add(&nr_files, 1);
		v = bpf_map_lookup_elem(&counters, &id);
		if (!v)
			return -E2BIG;
	}
	bpf_ucmd_set_res2(req, __sync_add_and_fetch(v, p.add));
	return 0;
}

SEC("struct_ops/release")
int BPF_PROG(counter_release, struct ucmd_bpf_ctx *req)
{
	__u64 id = req->file_id;

	if (!bpf_map_delete_elem(&counters, &id))
		__sync_fetch_and_sub(&nr_files, 1);
	return 0;
}

SEC(".struct_ops.link")
struct ucmd_ops ucmd_counter = {
	.name = "counter",
	.op_first = UCMD_COUNTER_ADD,
	.op_last = UCMD_COUNTER_INFO,
	.handle = (void *)counter_handle,
	.release = (void *)counter_release,
};
