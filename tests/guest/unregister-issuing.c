// SPDX-License-Identifier: GPL-2.0
/*
 * Description: a request still inside ->issue on io-wq when unregister
 * starts is cancelled as soon as it turns cancelable, and unregister
 * waits for nothing else. A child attaches tests/bpf/ucopy_park.bpf.o
 * with libbpf and submits its op, whose ->handle_sleepable runs on io-wq
 * and blocks reading a page registered with userfaultfd. While it blocks,
 * one thread detaches the link (BPF_LINK_DETACH, as `ucmdctl handler
 * unload` does) and another runs `ucmdctl handler load
 * kv` (which needs the BPF core's struct_ops update_mutex, held across
 * the detach). 300 ms later the child resolves the fault: the program
 * defers and parks the request where only a cancel completes it. The
 * detach and the load must then return within 1 s (3 on the debug
 * kernel), and the request must complete with -ECANCELED (review 3,
 * finding 5: nothing cancelled it, and the detach, holding update_mutex,
 * waited for good).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "helpers.h"
#include "ucmd_test.h"

static struct bpf_link *park_link;
static unsigned long long detach_end, load_end;
static int load_rc = -1;

/* BPF_LINK_DETACH, as ucmdctl handler unload does: under update_mutex */
static void *detach(void *arg)
{
	if (bpf_link__detach(park_link))
		t_err("bpf_link__detach: %s", strerror(errno));
	bpf_link__destroy(park_link);
	detach_end = t_now_ns();
	return NULL;
}

static void *load_kv(void *arg)
{
	usleep(50000);		/* after the detach took update_mutex */
	load_rc = system("ucmdctl handler load kv >/dev/null");
	load_end = t_now_ns();
	return NULL;
}

static int child(int limit_ms)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zp = { .mode = 0 };
	unsigned long long resolved, dt;
	struct ucmd_echo e = { 0 };
	struct bpf_object *obj;
	pthread_t td, tl;
	struct io_uring ring;
	struct pollfd pfd;
	struct t_cqe cqe;
	long page = sysconf(_SC_PAGESIZE);
	void *addr;
	int uffd, fd;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (uffd < 0) {
		printf("SKIP: userfaultfd: %s\n", strerror(errno));
		return T_EXIT_SKIP;
	}
	T_CHECK(ioctl(uffd, UFFDIO_API, &api) == 0, "UFFDIO_API: %s", strerror(errno));
	addr = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_CHECK(addr != MAP_FAILED, "mmap");
	reg.range.start = (unsigned long)addr;
	reg.range.len = page;
	T_CHECK(ioctl(uffd, UFFDIO_REGISTER, &reg) == 0, "UFFDIO_REGISTER: %s", strerror(errno));

	obj = bpf_object__open_file("/tests-bpf/ucopy_park.bpf.o", NULL);
	T_CHECK(obj && !bpf_object__load(obj), "load ucopy_park.bpf.o");
	park_link = bpf_map__attach_struct_ops(bpf_object__find_map_by_name(obj, "ucmd_park"));
	T_CHECK(park_link, "attach ucmd_park: %s", strerror(errno));

	t_ring_init(&ring, 4, 0);
	fd = t_open_dev();
	e.res2 = (unsigned long)addr;
	t_prep_cmd(&ring, fd, UCMD_TEST_CMD_BPF_PARK, &e, sizeof(e), 1);
	T_CHECK(io_uring_submit(&ring) == 1, "submit");
	pfd.fd = uffd;
	pfd.events = POLLIN;
	T_CHECK(poll(&pfd, 1, 5000) == 1, "the handler's user copy never faulted");

	T_CHECK(pthread_create(&td, NULL, detach, NULL) == 0, "thread");
	T_CHECK(pthread_create(&tl, NULL, load_kv, NULL) == 0, "thread");
	usleep(300000);
	T_CHECK(!detach_end, "the detach returned while ->issue still ran");
	zp.range.start = (unsigned long)addr;
	zp.range.len = page;
	resolved = t_now_ns();
	T_CHECK(ioctl(uffd, UFFDIO_ZEROPAGE, &zp) == 0, "UFFDIO_ZEROPAGE: %s", strerror(errno));
	T_CHECK(t_collect(&ring, &cqe, 1, limit_ms + 2000) == 1, "no CQE after the detach");
	T_CHECK(cqe.res == -ECANCELED, "res %d want -ECANCELED", cqe.res);
	pthread_join(td, NULL);
	pthread_join(tl, NULL);
	dt = (detach_end - resolved) / 1000000;
	T_CHECK(dt < (unsigned long long)limit_ms, "detach returned %llu ms after the copy ended", dt);
	dt = (load_end - resolved) / 1000000;
	T_CHECK(load_rc == 0, "ucmdctl handler load kv failed");
	T_CHECK(dt < (unsigned long long)limit_ms, "load kv returned %llu ms after the copy ended", dt);
	io_uring_queue_exit(&ring);
	close(fd);
	bpf_object__close(obj);
	return T_EXIT_PASS;
}

static int run_child(void *arg)
{
	return child(*(int *)arg);
}

int main(void)
{
	int limit = getenv("UCMD_DEBUG_KERNEL") ? 3000 : 1000;
	int ret;

	libbpf_set_print(NULL);
	ret = t_bounded(run_child, &limit, limit + 8000, "detach while ->issue runs");
	if (system("ucmdctl handler unload kv >/dev/null 2>&1") < 0)
		t_err("system");
	return ret < 0 ? T_EXIT_FAIL : ret;
}
