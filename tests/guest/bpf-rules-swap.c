// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a validator never walks a rule set that is being
 * rewritten, nor another cmd_op's. With tests/bpf/rules_slow.bpf.o (the
 * rules policy with a busy loop between finding a cmd_op's set and
 * walking it), a thread on CPU 0 issues ECHOs while a thread on CPU 1
 * rewrites, in a loop, ECHO's set (one rule for anyone, denying with
 * -EACCES or -EPERM by turns) and SUM's (denying with -ENOSPC), each in
 * one update as ucmdctl does. Every ECHO must be denied with -EACCES or
 * -EPERM: an -ENOSPC is SUM's set applied to ECHO, anything else a torn
 * or missing one (review 3, finding 6: the sets were values of a
 * preallocated hash, whose replaced element the next update on that CPU
 * rewrites at once, under a validator still walking it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "ucmd_rules_user.h"

static volatile int stop;
static int rules_fd, fd;
static long writes;

static int pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(0, sizeof(s), &s);
}

/* A set as the running policy's map takes it (HASH_OF_MAPS since the fix). */
static int write_set(__u32 op, int verdict, bool in_map)
{
	struct ucmd_rule_set v = { .nr_rules = 1, .rules[0].verdict = verdict };

	if (in_map)
		return ucmd_rules_write(rules_fd, op, &v);
	return bpf_map_update_elem(rules_fd, &op, &v, BPF_ANY) ? -errno : 0;
}

static void *writer(void *arg)
{
	bool in_map = *(bool *)arg;

	if (pin(1))
		t_err("sched_setaffinity: %s", strerror(errno));
	for (long i = 0; !stop; i++) {
		if (write_set(UCMD_CMD_ECHO, i & 1 ? -EPERM : -EACCES, in_map) ||
		    write_set(UCMD_CMD_SUM, -ENOSPC, in_map)) {
			t_err("rules map update: %s", strerror(errno));
			break;
		}
		writes++;
	}
	return NULL;
}

int main(void)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	long n = 0, wrong = 0, other = 0;
	unsigned long long end;
	struct io_uring ring;
	pthread_t w;
	bool in_map;

	T_CHECK(system("ucmdctl policy load /tests-bpf/rules_slow.bpf.o >/dev/null") == 0,
		"load rules_slow");
	rules_fd = bpf_obj_get("/sys/fs/bpf/ucmd/rules/rules");
	T_CHECK(rules_fd >= 0, "rules map: %s", strerror(errno));
	T_CHECK(bpf_map_get_info_by_fd(rules_fd, &info, &len) == 0, "map info");
	in_map = info.type == BPF_MAP_TYPE_HASH_OF_MAPS;
	T_CHECK(write_set(UCMD_CMD_ECHO, -EACCES, in_map) == 0, "first set");
	T_CHECK(pin(0) == 0, "sched_setaffinity: %s", strerror(errno));
	fd = t_open_dev();
	t_ring_init(&ring, 16, 0);
	T_CHECK(pthread_create(&w, NULL, writer, &in_map) == 0, "thread");
	end = t_now_ns() + t_rounds(8) * 500000000ULL;
	while (t_now_ns() < end) {
		struct ucmd_echo e = { .res = 1 };
		struct t_cqe c[8];

		for (int i = 0; i < 8; i++)
			t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), i);
		T_CHECK(io_uring_submit(&ring) == 8 && t_collect(&ring, c, 8, 5000) == 8,
			"lost CQEs");
		for (int i = 0; i < 8; i++, n++) {
			if (c[i].res == -EACCES || c[i].res == -EPERM)
				continue;
			if (c[i].res == -ENOSPC)
				wrong++;
			else
				other++;
			if (wrong + other <= 3)
				t_err("ECHO: res %d, want -EACCES or -EPERM", c[i].res);
		}
	}
	stop = 1;
	pthread_join(w, NULL);
	io_uring_queue_exit(&ring);
	close(fd);
	close(rules_fd);
	T_CHECK(system("ucmdctl policy unload rules >/dev/null") == 0, "unload rules");
	printf("%ld ECHOs against %ld rewrites of both sets (%s): %ld judged by SUM's set, %ld by no or a torn set\n",
	       n, writes, in_map ? "inner maps swapped" : "hash values rewritten", wrong, other);
	T_CHECK(writes > 0 && n > 0, "nothing ran");
	T_CHECK(!wrong && !other, "%ld wrong verdicts", wrong + other);
	return T_EXIT_PASS;
}
