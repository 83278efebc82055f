// SPDX-License-Identifier: GPL-2.0
/* ucmd-fuzz's coverage feedback: see kcov.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kcov.h>

#include "kcov.h"

#define KCOV_PATH	"/sys/kernel/debug/kcov"
#define KCOV_WORDS	(1UL << 18)	/* PCs per trace: a 64-SQE batch is ~20k */
#define MAP_BITS	20
#define CORPUS_MAX	2048

static unsigned long mod_lo, mod_hi;
static _Atomic unsigned long long edge_map[(1UL << MAP_BITS) / 64];
static _Atomic unsigned long long pc_map[(1UL << MAP_BITS) / 64];
static atomic_long nr_edges, nr_pcs;

static pthread_mutex_t corpus_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tape {
	unsigned int len;
	__u64 *v;
} corpus[CORPUS_MAX];
static long corpus_n;	/* under corpus_lock */

int fz_kcov_setup(void)
{
	char name[64], line[256];
	unsigned long size, base;
	FILE *f = fopen("/proc/modules", "r");

	if (!f) {
		perror("fuzz: /proc/modules");
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lu %*s %*s %*s %lx", name, &size, &base) == 3 &&
		    !strcmp(name, "ucmd")) {
			mod_lo = base;
			mod_hi = base + size;
		}
	}
	fclose(f);
	if (!mod_lo) {
		fprintf(stderr, "fuzz: -K: ucmd.ko's address is not in /proc/modules (not root, or kptr_restrict?)\n");
		return -1;
	}
	return 0;
}

int fz_kcov_open(struct fz_kcov *k)
{
	int err;

	k->fd = open(KCOV_PATH, O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	if (ioctl(k->fd, KCOV_INIT_TRACE, KCOV_WORDS))
		goto fail;
	k->area = mmap(NULL, KCOV_WORDS * sizeof(unsigned long),
		       PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, 0);
	if (k->area == MAP_FAILED)
		goto fail;
	if (ioctl(k->fd, KCOV_ENABLE, KCOV_TRACE_PC)) {
		err = -errno;
		munmap(k->area, KCOV_WORDS * sizeof(unsigned long));
		close(k->fd);
		return err;
	}
	fz_kcov_reset(k);
	return 0;
fail:
	err = -errno;
	close(k->fd);
	return err;
}

void fz_kcov_close(struct fz_kcov *k)
{
	ioctl(k->fd, KCOV_DISABLE, 0);
	munmap(k->area, KCOV_WORDS * sizeof(unsigned long));
	close(k->fd);
}

void fz_kcov_reset(struct fz_kcov *k)
{
	__atomic_store_n(&k->area[0], 0, __ATOMIC_RELAXED);
}

static bool set_bit(_Atomic unsigned long long *map, __u64 h)
{
	unsigned long long m = 1ULL << (h & 63);

	h = (h >> 6) & ((1UL << (MAP_BITS - 6)) - 1);
	if (atomic_load_explicit(&map[h], memory_order_relaxed) & m)
		return false;
	return !(atomic_fetch_or(&map[h], m) & m);
}

static __u64 mix(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

long fz_kcov_collect(struct fz_kcov *k)
{
	unsigned long n = __atomic_load_n(&k->area[0], __ATOMIC_RELAXED);
	unsigned long prev = 0;
	long new = 0, newpcs = 0;

	if (n > KCOV_WORDS - 1)
		n = KCOV_WORDS - 1;
	for (unsigned long i = 1; i <= n; i++) {
		unsigned long pc = k->area[i];

		if (pc < mod_lo || pc >= mod_hi)
			continue;
		newpcs += set_bit(pc_map, mix(pc));
		new += set_bit(edge_map, mix(prev * 31 + pc));
		prev = pc;
	}
	atomic_fetch_add(&nr_edges, new);
	atomic_fetch_add(&nr_pcs, newpcs);
	fz_kcov_reset(k);
	return new;
}

long fz_kcov_edges(void)
{
	return atomic_load(&nr_edges);
}

long fz_kcov_pcs(void)
{
	return atomic_load(&nr_pcs);
}

void fz_corpus_add(const __u64 *tape, unsigned int len)
{
	__u64 *v = malloc(len * sizeof(*v));
	long i;

	if (!v || !len) {
		free(v);
		return;
	}
	memcpy(v, tape, len * sizeof(*v));
	pthread_mutex_lock(&corpus_lock);
	/* Full: an older entry (not the first, the seed batches) goes. */
	if (corpus_n < CORPUS_MAX)
		i = corpus_n++;
	else
		i = CORPUS_MAX / 2 + (long)(mix(len ^ tape[0]) % (CORPUS_MAX / 2));
	free(corpus[i].v);
	corpus[i].v = v;
	corpus[i].len = len;
	pthread_mutex_unlock(&corpus_lock);
}

long fz_corpus_size(void)
{
	long n;

	pthread_mutex_lock(&corpus_lock);
	n = corpus_n;
	pthread_mutex_unlock(&corpus_lock);
	return n;
}

bool fz_corpus_pick(struct fz_rng *r, __u64 *tape, unsigned int *len)
{
	unsigned int n, muts;

	pthread_mutex_lock(&corpus_lock);
	/* One batch in four is fresh: new ground as well as near the corpus. */
	if (!corpus_n || !fz_below(r, 4)) {
		pthread_mutex_unlock(&corpus_lock);
		return false;
	}
	{
		const struct tape *e = &corpus[fz_below(r, corpus_n)];

		n = e->len;
		memcpy(tape, e->v, n * sizeof(*tape));
	}
	pthread_mutex_unlock(&corpus_lock);
	/*
	 * Mutate: change 1-4 draws (each a choice of fz_gen(): an op, a
	 * flag, a field, a length), or keep a prefix and draw the rest fresh.
	 */
	if (fz_below(r, 4)) {
		muts = 1 + fz_below(r, 4);
		for (unsigned int i = 0; i < muts; i++)
			tape[fz_below(r, n)] = fz_rand(r);
	} else {
		n = fz_below(r, n);
	}
	*len = n;
	return true;
}
