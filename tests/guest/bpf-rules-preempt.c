// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a rules policy judges each request on its own payload,
 * however its validations are preempted. With `rule add echo deny E2BIG
 * if res gt 100`, two threads pinned to one CPU issue ECHOs for a few
 * seconds each way: one with res 1000 (every one must be denied with
 * -E2BIG), one with res 1 (every one must complete with 1). First with
 * tests/bpf/rules_slow.bpf.o, the same policy with a busy loop between
 * taking the payload and walking the rules (a validation is preempted
 * there at most ticks on a preemptible kernel), then with the shipped
 * rules. Any other result is a wrong verdict (review 3, finding 1: the
 * policy walked a per-CPU copy of the payload that the other thread's
 * validation overwrote; 344 bypasses in 30 s on 7.3). It can only fail
 * on a preemptible kernel: it prints the kernel's preemption mode
 * (7.x's default lazy, 6.12 booted with preempt=full).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include "helpers.h"

#define BATCH 16

static volatile int stop;
static int fd;

struct worker {
	pthread_t thr;
	int res, want;
	long n, wrong;
	int failed;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct io_uring ring;
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
		t_err("sched_setaffinity: %s", strerror(errno));
		w->failed = 1;
		return NULL;
	}
	t_ring_init(&ring, BATCH, 0);
	while (!stop) {
		struct ucmd_echo e = { .res = w->res };
		struct t_cqe cqe[BATCH];

		for (int i = 0; i < BATCH; i++)
			t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), i);
		if (io_uring_submit(&ring) != BATCH ||
		    t_collect(&ring, cqe, BATCH, 5000) != BATCH) {
			t_err("lost CQEs");
			w->failed = 1;
			break;
		}
		for (int i = 0; i < BATCH; i++)
			if (cqe[i].res != w->want && w->wrong++ < 3)
				t_err("res %d: got %d want %d", w->res, cqe[i].res, w->want);
		w->n += BATCH;
	}
	io_uring_queue_exit(&ring);
	return NULL;
}

static int run(const char *policy, int seconds)
{
	struct worker w[2] = {
		{ .res = 1000, .want = -E2BIG },
		{ .res = 1, .want = 1 },
	};
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "ucmdctl policy load %s >/dev/null && ucmdctl rule add echo deny E2BIG if res gt 100",
		 policy);
	T_CHECK(system(cmd) == 0, "%s", cmd);
	stop = 0;
	for (int i = 0; i < 2; i++)
		T_CHECK(pthread_create(&w[i].thr, NULL, work, &w[i]) == 0, "thread");
	sleep(seconds);
	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(w[i].thr, NULL);
	T_CHECK(system("ucmdctl policy unload rules >/dev/null") == 0, "unload rules");
	printf("%s: %ld denied-op requests, %ld wrongly allowed; %ld allowed-op requests, %ld wrongly denied\n",
	       policy, w[0].n, w[0].wrong, w[1].n, w[1].wrong);
	T_CHECK(!w[0].failed && !w[1].failed, "a worker failed");
	T_CHECK(w[0].n && w[1].n, "a worker issued nothing");
	T_CHECK(!w[0].wrong && !w[1].wrong, "%s: %ld wrong verdicts", policy,
		w[0].wrong + w[1].wrong);
	return 0;
}

int main(void)
{
	int secs = 2;	/* each way; 423 bypasses in 4 s before the fix */
	FILE *f;
	char mode[128] = "unknown (no /sys/kernel/debug/sched/preempt)";

	if (access("/sys/kernel/debug/sched", F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	f = fopen("/sys/kernel/debug/sched/preempt", "r");
	if (f) {
		if (!fgets(mode, sizeof(mode), f))
			strcpy(mode, "unreadable");
		fclose(f);
		mode[strcspn(mode, "\n")] = 0;
	}
	printf("preemption: %s\n", mode);
	fd = t_open_dev();
	T_CHECK(run("/tests-bpf/rules_slow.bpf.o", secs) == 0, "rules_slow");
	T_CHECK(run("rules", secs) == 0, "rules");
	close(fd);
	return T_EXIT_PASS;
}
