// SPDX-License-Identifier: GPL-2.0
/*
 * Description: each of the three tracepoints fires once per event, with
 * its cmd_op and result, for both ways a BPF program attaches to a
 * tracepoint (tp_btf: a BTF-typed raw tracepoint; tracepoint: a perf
 * event, as perf and bpftrace use): an allowed ECHO fires ucmd_issue and
 * ucmd_complete (res the payload's), over io_uring and over ioctl(2); with
 * a policy denying ECHO (deny_all.bpf.o, -EACCES), ECHO fires ucmd_deny
 * and ucmd_complete (-EACCES) and no ucmd_issue, while NOP, which it
 * allows, fires ucmd_issue and ucmd_complete.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "../bpf/tp_all.h"

static const char *const tp_names[] = { "ucmd_issue", "ucmd_complete", "ucmd_deny" };
static const char *const way_names[] = { "tp_btf", "tracepoint" };

static int counts_fd;
static struct tp_count seen[TP_NR * TP_WAY_NR];

/* Checks each tracepoint's events since the last call, on both ways. */
static int expect(const char *what, const struct tp_count want[TP_NR])
{
	for (__u32 k = 0; k < TP_NR * TP_WAY_NR; k++) {
		const struct tp_count *w = &want[k / TP_WAY_NR];
		struct tp_count c, d;

		T_CHECK(!bpf_map_lookup_elem(counts_fd, &k, &c), "read counts");
		d.events = c.events - seen[k].events;
		d.cmd_op_sum = c.cmd_op_sum - seen[k].cmd_op_sum;
		d.res_sum = c.res_sum - seen[k].res_sum;
		seen[k] = c;
		T_CHECK(d.events == w->events && d.cmd_op_sum == w->cmd_op_sum &&
			d.res_sum == w->res_sum,
			"%s: %s via %s: %llu events, cmd_op sum %#llx, res sum %lld; want %llu, %#llx, %lld",
			what, tp_names[k / TP_WAY_NR], way_names[k % TP_WAY_NR],
			(unsigned long long)d.events, (unsigned long long)d.cmd_op_sum,
			(long long)d.res_sum, (unsigned long long)w->events,
			(unsigned long long)w->cmd_op_sum, (long long)w->res_sum);
	}
	return 0;
}

static int echo(struct io_uring *ring, int fd, int res, int want)
{
	struct ucmd_echo e = { .res = res };
	struct t_cqe cqe;

	t_prep_cmd(ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), 1);
	T_CHECK(t_run_one(ring, &cqe) == 0 && cqe.res == want,
		"ECHO %d: res %d, want %d", res, cqe.res, want);
	return 0;
}

int main(void)
{
	struct bpf_link *links[TP_NR * TP_WAY_NR] = {}, *deny;
	struct bpf_object *obj, *deny_obj;
	struct bpf_program *prog;
	int fd = t_open_dev(), n = 0;
	__u32 k = 0, tgid = getpid();
	struct io_uring ring;
	struct t_cqe cqe;

	obj = bpf_object__open_file("/tests-bpf/tp_all.bpf.o", NULL);
	T_CHECK(obj && !bpf_object__load(obj), "load tp_all.bpf.o");
	T_CHECK(!bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "target"),
				     &k, &tgid, 0), "set target");
	counts_fd = bpf_object__find_map_fd_by_name(obj, "counts");
	bpf_object__for_each_program(prog, obj) {
		T_CHECK(n < TP_NR * TP_WAY_NR, "more programs than tracepoints and ways");
		links[n] = bpf_program__attach(prog);
		T_CHECK(links[n], "attach %s: %s", bpf_program__name(prog),
			strerror(errno));
		n++;
	}
	T_CHECK(n == TP_NR * TP_WAY_NR, "%d programs", n);
	t_ring_init(&ring, 8, 0);

	/* allowed: issue and complete, over io_uring and over ioctl(2) */
	T_CHECK(!echo(&ring, fd, 7, 7), "ECHO");
	T_CHECK(!echo(&ring, fd, -EIO, -EIO), "ECHO");
	{
		struct ucmd_echo e = { .res = 3 };

		T_CHECK(ioctl(fd, UCMD_CMD_ECHO, &e) == 3, "ioctl ECHO: %s",
			strerror(errno));
	}
	T_CHECK(!expect("allowed ECHO", (struct tp_count[TP_NR]){
		[TP_ISSUE] = { 3, 3ULL * UCMD_CMD_ECHO, 0 },
		[TP_COMPLETE] = { 3, 3ULL * UCMD_CMD_ECHO, 7 - EIO + 3 },
		[TP_DENY] = { 0, 0, 0 } }), "counts");

	/* denied: deny and complete, no issue; NOP is still allowed */
	deny_obj = bpf_object__open_file("/tests-bpf/deny_all.bpf.o", NULL);
	T_CHECK(deny_obj && !bpf_object__load(deny_obj), "load deny_all.bpf.o");
	deny = bpf_map__attach_struct_ops(bpf_object__find_map_by_name(deny_obj,
								       "ucmd_deny_all"));
	T_CHECK(deny, "attach deny_all: %s", strerror(errno));
	T_CHECK(!echo(&ring, fd, 7, -EACCES), "ECHO");
	T_CHECK(!echo(&ring, fd, 8, -EACCES), "ECHO");
	{
		struct ucmd_echo e = { .res = 3 };

		T_CHECK(ioctl(fd, UCMD_CMD_ECHO, &e) == -1 && errno == EACCES,
			"denied ioctl ECHO: %s", strerror(errno));
	}
	t_prep_cmd(&ring, fd, UCMD_CMD_NOP, NULL, 0, 2);
	T_CHECK(t_run_one(&ring, &cqe) == 0 && cqe.res == 0, "NOP: res %d", cqe.res);
	T_CHECK(!expect("denied ECHO, allowed NOP", (struct tp_count[TP_NR]){
		[TP_ISSUE] = { 1, UCMD_CMD_NOP, 0 },
		[TP_COMPLETE] = { 4, 3ULL * UCMD_CMD_ECHO + UCMD_CMD_NOP, -3 * EACCES },
		[TP_DENY] = { 3, 3ULL * UCMD_CMD_ECHO, -3 * EACCES } }), "counts");

	bpf_link__destroy(deny);
	bpf_object__close(deny_obj);
	for (int i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	io_uring_queue_exit(&ring);
	close(fd);
	return 0;
}
