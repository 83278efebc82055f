// SPDX-License-Identifier: GPL-2.0
/*
 * Description: `ucmdctl policy replace` swaps an attached policy for
 * another through its pinned link (bpf_link_update(), ucmd_ops.update)
 * under traffic: two threads issue ECHO back to back while an allow-all
 * instance is replaced by a deny-all one. Every request gets exactly one
 * verdict: allowed ones equal the old instance's validations, denied ones
 * (-EACCES) the new one's, none is answered unvalidated; each thread,
 * once denied, is never allowed again; the link pin stays valid and the
 * map pins name the new instance's maps; a handler cannot be replaced
 * (one line, EOPNOTSUPP).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "helpers.h"

#define NR_THREADS 2

static atomic_bool stop;

struct worker {
	pthread_t tid;
	long allowed, denied, bad;
};

static void *run(void *arg)
{
	struct worker *w = arg;
	bool denied_once = false;
	struct io_uring ring;
	int fd = t_open_dev();

	t_ring_init(&ring, 4, 0);
	for (int i = 0; !atomic_load(&stop); i++) {
		struct ucmd_echo e = { .res = i & 0xffff };
		struct t_cqe c;

		t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), i);
		if (t_run_one(&ring, &c)) {
			w->bad++;
			break;
		}
		if (c.res == e.res && !denied_once) {
			w->allowed++;
		} else if (c.res == -EACCES) {
			w->denied++;
			denied_once = true;
		} else {
			t_err("request %d: res %d (allowed after a denial: %d)", i, c.res,
			      denied_once);
			w->bad++;
		}
	}
	io_uring_queue_exit(&ring);
	close(fd);
	return NULL;
}

static long long calls(int fd)
{
	unsigned long long v = 0;
	unsigned int zero = 0;

	return bpf_map_lookup_elem(fd, &zero, &v) ? -1 : (long long)v;
}

int main(void)
{
	struct worker w[NR_THREADS] = { 0 };
	long allowed = 0, denied = 0;
	int old_fd, new_fd, link_fd;

	if (system("ucmdctl policy load /tests-bpf/swap_allow.bpf.o > /dev/null")) {
		t_err("load swap_allow");
		return T_EXIT_FAIL;
	}
	old_fd = bpf_obj_get(UCMD_BPFFS_DIR "/swap/calls");
	T_CHECK(old_fd >= 0, "calls pin: %m");
	for (int i = 0; i < NR_THREADS; i++)
		pthread_create(&w[i].tid, NULL, run, &w[i]);
	usleep(300000);
	T_CHECK(system("ucmdctl policy replace swap /tests-bpf/swap_deny.bpf.o") == 0,
		"replace");
	usleep(300000);
	atomic_store(&stop, true);
	for (int i = 0; i < NR_THREADS; i++) {
		pthread_join(w[i].tid, NULL);
		T_CHECK(!w[i].bad, "thread %d: %ld bad answers", i, w[i].bad);
		T_CHECK(w[i].denied > 0, "thread %d never denied", i);
		allowed += w[i].allowed;
		denied += w[i].denied;
	}
	new_fd = bpf_obj_get(UCMD_BPFFS_DIR "/swap/calls");
	T_CHECK(new_fd >= 0, "calls pin after replace: %m");
	T_CHECK(allowed > 0 && calls(old_fd) == allowed,
		"allowed %ld, old instance validated %lld", allowed, calls(old_fd));
	T_CHECK(calls(new_fd) == denied, "denied %ld, new instance validated %lld",
		denied, calls(new_fd));
	printf("%ld allowed by the old instance, %ld denied by the new one\n", allowed, denied);
	/* Our fds hold the maps: unload waits until its objects are gone. */
	close(old_fd);
	close(new_fd);
	link_fd = bpf_obj_get(UCMD_BPFFS_DIR "/swap/link");
	T_CHECK(link_fd >= 0, "link pin after replace: %m");
	close(link_fd);
	T_CHECK(system("ucmdctl policy list | grep -q '^swap '") == 0, "swap not listed");

	/* Handlers are not replaced in place. */
	T_CHECK(system("ucmdctl handler load kv > /dev/null") == 0, "load kv");
	T_CHECK(system("ucmdctl handler replace kv kv 2>&1 | grep -q EOPNOTSUPP") == 0,
		"replacing a handler");
	T_CHECK(system("ucmdctl handler unload kv > /dev/null") == 0, "unload kv");

	T_CHECK(system("ucmdctl policy unload swap > /dev/null") == 0, "unload");
	{
		struct io_uring ring;
		struct ucmd_echo e = { .res = 5 };
		struct t_cqe c;
		int fd = t_open_dev();

		t_ring_init(&ring, 4, 0);
		t_prep_cmd(&ring, fd, UCMD_CMD_ECHO, &e, sizeof(e), 1);
		T_CHECK(t_run_one(&ring, &c) == 0 && c.res == 5, "after unload: %d", c.res);
		io_uring_queue_exit(&ring);
		close(fd);
	}
	return T_EXIT_PASS;
}
