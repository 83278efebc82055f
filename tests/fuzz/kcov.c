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
#define REMOTE_WORDS	(1UL << 16)	/* PCs per remote section (one issue) */
#define MAP_BITS	20
#define HIT_BITS	16	/* edge slots of one trace's hit counts */
#define PC_SLOTS	(1UL << 14)	/* distinct PCs: ucmd.ko has fewer sites */
#define EDGE_MAX	1024	/* corpus entries that found edges */
#define FEAT_MAX	2048	/* ... that found only new hit counts */
#define RECENT		16

static unsigned long mod_lo, mod_hi, text_lo;
static _Atomic unsigned long long edge_map[(1UL << MAP_BITS) / 64];
static _Atomic unsigned long long feat_map[(1UL << MAP_BITS) / 64];
static _Atomic unsigned long pc_set[PC_SLOTS];	/* open addressing, 0: free */
static atomic_long nr_edges, nr_pcs, nr_remote_pcs, nr_remote_edges;
/* Each new edge's PCs, for the dump: under edge_lock. */
#define EDGE_LOG	(1UL << 14)
static pthread_mutex_t edge_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long edge_log[EDGE_LOG][2];
static unsigned long nr_logged;

struct tape {
	unsigned int len;
	__u64 *v;
};

/* Both classes of entries, and their counts: under corpus_lock. */
static pthread_mutex_t corpus_lock = PTHREAD_MUTEX_INITIALIZER;
static struct corpus {
	struct tape e[FEAT_MAX];
	long n, max;
} by_edge = { .max = EDGE_MAX }, by_feat = { .max = FEAT_MAX };

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
	/* The dump's offsets are into .text, for addr2line -j .text. */
	f = fopen("/sys/module/ucmd/sections/.text", "r");
	if (!f || fscanf(f, "%lx", &text_lo) != 1)
		text_lo = mod_lo;
	if (f)
		fclose(f);
	return 0;
}

int fz_kcov_open_remote(struct fz_kcov *k, __u32 id)
{
	struct kcov_remote_arg arg = {
		.trace_mode = KCOV_TRACE_PC,
		.area_size = REMOTE_WORDS,
		.common_handle = kcov_remote_handle(KCOV_SUBSYSTEM_COMMON, id),
	};
	int err;

	k->rfd = open(KCOV_PATH, O_RDWR | O_CLOEXEC);
	if (k->rfd < 0)
		return -errno;
	if (ioctl(k->rfd, KCOV_INIT_TRACE, KCOV_WORDS))
		goto fail;
	k->rarea = mmap(NULL, KCOV_WORDS * sizeof(unsigned long),
			PROT_READ | PROT_WRITE, MAP_SHARED, k->rfd, 0);
	if (k->rarea == MAP_FAILED)
		goto fail;
	if (ioctl(k->rfd, KCOV_REMOTE_ENABLE, &arg)) {
		err = -errno;
		munmap(k->rarea, KCOV_WORDS * sizeof(unsigned long));
		close(k->rfd);
		k->rfd = -1;
		return err;
	}
	__atomic_store_n(&k->rarea[0], 0, __ATOMIC_RELAXED);
	return 0;
fail:
	err = -errno;
	close(k->rfd);
	k->rfd = -1;
	return err;
}

void fz_kcov_close_remote(struct fz_kcov *k)
{
	if (k->rfd < 0)
		return;
	ioctl(k->rfd, KCOV_DISABLE, 0);
	munmap(k->rarea, KCOV_WORDS * sizeof(unsigned long));
	close(k->rfd);
	k->rfd = -1;
}

int fz_kcov_open(struct fz_kcov *k)
{
	int err;

	k->hits = calloc(1UL << HIT_BITS, 1);
	k->touched = calloc(1UL << HIT_BITS, sizeof(*k->touched));
	k->ntouched = 0;
	if (!k->hits || !k->touched) {
		free(k->hits);
		free(k->touched);
		return -ENOMEM;
	}
	k->fd = open(KCOV_PATH, O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		goto fail_fd;
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
		goto out;
	}
	fz_kcov_reset(k);
	return 0;
fail:
	err = -errno;
	close(k->fd);
	goto out;
fail_fd:
	err = -errno;
out:
	free(k->hits);
	free(k->touched);
	return err;
}

void fz_kcov_close(struct fz_kcov *k)
{
	ioctl(k->fd, KCOV_DISABLE, 0);
	munmap(k->area, KCOV_WORDS * sizeof(unsigned long));
	close(k->fd);
	free(k->hits);
	free(k->touched);
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

/* Add @pc to the set of PCs seen; true if it is new. */
static bool pc_add(unsigned long pc)
{
	for (unsigned long i = mix(pc), n = 0; n < PC_SLOTS; i++, n++) {
		_Atomic unsigned long *slot = &pc_set[i % PC_SLOTS];
		unsigned long cur = atomic_load_explicit(slot, memory_order_relaxed);

		if (cur == pc)
			return false;
		if (!cur && atomic_compare_exchange_strong(slot, &cur, pc))
			return true;
		if (cur == pc)
			return false;
	}
	return false;	/* full: not counted */
}

/* AFL's hit-count classes: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+. */
static unsigned int bucket(unsigned int hits)
{
	return hits < 4 ? hits - 1 : hits < 8 ? 3 : hits < 16 ? 4 :
	       hits < 32 ? 5 : hits < 128 ? 6 : 7;
}

/*
 * Add one trace's edges to the maps and its hit counts to @k's; new edges.
 * A remote trace is the remote sections one after another (the edge
 * from one's last PC to the next's first is counted like any other).
 */
static long trace_collect(struct fz_kcov *k, unsigned long *area, long *newpcs)
{
	unsigned long n = __atomic_load_n(&area[0], __ATOMIC_RELAXED);
	unsigned long prev = 0;
	long new = 0;

	if (n > KCOV_WORDS - 1)
		n = KCOV_WORDS - 1;
	for (unsigned long i = 1; i <= n; i++) {
		unsigned long pc = area[i];
		__u64 e;
		unsigned int slot;

		if (pc < mod_lo || pc >= mod_hi)
			continue;
		*newpcs += pc_add(pc);
		e = mix(prev * 31 + pc);
		if (set_bit(edge_map, e)) {
			new++;
			pthread_mutex_lock(&edge_lock);
			if (nr_logged < EDGE_LOG) {
				edge_log[nr_logged][0] = prev;
				edge_log[nr_logged++][1] = pc;
			}
			pthread_mutex_unlock(&edge_lock);
		}
		prev = pc;
		slot = e & ((1UL << HIT_BITS) - 1);
		if (!k->hits[slot]++)
			k->touched[k->ntouched++] = slot;
		else if (!k->hits[slot])
			k->hits[slot] = 255;	/* saturate */
	}
	/*
	 * A remote section that ends now is lost or counted twice: the kernel
	 * appends under its lock, this store does not take it.
	 */
	__atomic_store_n(&area[0], 0, __ATOMIC_RELAXED);
	return new;
}

long fz_kcov_collect(struct fz_kcov *k, long *features)
{
	long new, newpcs = 0, newfeat = 0;

	new = trace_collect(k, k->area, &newpcs);
	if (k->rfd >= 0) {
		long rpcs = 0, redges = trace_collect(k, k->rarea, &rpcs);

		new += redges;
		newpcs += rpcs;
		atomic_fetch_add(&nr_remote_edges, redges);
		atomic_fetch_add(&nr_remote_pcs, rpcs);
	}
	for (unsigned int i = 0; i < k->ntouched; i++) {
		unsigned int slot = k->touched[i];

		newfeat += set_bit(feat_map, mix((__u64)slot << 3 | bucket(k->hits[slot])));
		k->hits[slot] = 0;
	}
	k->ntouched = 0;
	atomic_fetch_add(&nr_edges, new);
	atomic_fetch_add(&nr_pcs, newpcs);
	if (features)
		*features = newfeat;
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

long fz_kcov_remote_pcs(void)
{
	return atomic_load(&nr_remote_pcs);
}

long fz_kcov_remote_edges(void)
{
	return atomic_load(&nr_remote_edges);
}

void fz_kcov_dump_pcs(FILE *f)
{
	unsigned int n = 0;

	for (unsigned long i = 0; i < PC_SLOTS; i++) {
		unsigned long pc = atomic_load(&pc_set[i]);

		if (!pc)
			continue;
		fprintf(f, "%s%lx", n % 16 ? " " : "fuzz: kcov pcs ", pc - text_lo);
		if (++n % 16 == 0)
			fputc('\n', f);
	}
	if (n % 16)
		fputc('\n', f);
}

void fz_kcov_dump_edges(FILE *f)
{
	pthread_mutex_lock(&edge_lock);
	for (unsigned long i = 0; i < nr_logged; i++) {
		unsigned long from = edge_log[i][0];

		/* 0: the first PC of a trace */
		fprintf(f, "%s%lx>%lx", i % 8 ? " " : "fuzz: kcov edges ",
			from ? from - text_lo : 0, edge_log[i][1] - text_lo);
		if (i % 8 == 7)
			fputc('\n', f);
	}
	if (nr_logged % 8)
		fputc('\n', f);
	pthread_mutex_unlock(&edge_lock);
}

void fz_corpus_add(const __u64 *tape, unsigned int len, bool edges)
{
	struct corpus *c = edges ? &by_edge : &by_feat;
	__u64 *v = malloc(len * sizeof(*v));
	long i;

	if (!v || !len) {
		free(v);
		return;
	}
	memcpy(v, tape, len * sizeof(*v));
	pthread_mutex_lock(&corpus_lock);
	/* Full: an older entry (not of the first half, the first finds) goes. */
	if (c->n < c->max)
		i = c->n++;
	else
		i = c->max / 2 + (long)(mix(len ^ tape[0]) % (c->max / 2));
	free(c->e[i].v);
	c->e[i].v = v;
	c->e[i].len = len;
	pthread_mutex_unlock(&corpus_lock);
}

long fz_corpus_size(void)
{
	long n;

	pthread_mutex_lock(&corpus_lock);
	n = by_edge.n + by_feat.n;
	pthread_mutex_unlock(&corpus_lock);
	return n;
}

/* An entry of @c (not empty), the newest RECENT of them half the time. */
static const struct tape *corpus_entry(struct fz_rng *r, const struct corpus *c)
{
	if (c->n > RECENT && fz_below(r, 2))
		return &c->e[c->n - 1 - fz_below(r, RECENT)];
	return &c->e[fz_below(r, c->n)];
}

bool fz_corpus_pick(struct fz_rng *r, __u64 *tape, unsigned int *len)
{
	const struct tape *e, *o;
	const struct corpus *c;
	unsigned int n, muts, cut;

	pthread_mutex_lock(&corpus_lock);
	/* One batch in four is fresh: new ground as well as near the corpus. */
	if (!(by_edge.n + by_feat.n) || !fz_below(r, 4)) {
		pthread_mutex_unlock(&corpus_lock);
		return false;
	}
	c = !by_feat.n || (by_edge.n && fz_below(r, 2)) ? &by_edge : &by_feat;
	e = corpus_entry(r, c);
	n = e->len;
	memcpy(tape, e->v, n * sizeof(*tape));
	/*
	 * Mutate. A draw is one choice of fz_gen() (an op, a flag, a field, a
	 * length: fz_below() takes it modulo the choices): change 1-4 draws,
	 * to anything or to a small value (the first choices: often the
	 * malformed case); keep a prefix and draw the rest fresh; splice a
	 * prefix of this entry to the rest of another; or drop or repeat a
	 * draw, which shifts what every later draw decides.
	 */
	switch (fz_below(r, 8)) {
	case 0:
		o = corpus_entry(r, fz_below(r, 2) && by_feat.n ? &by_feat :
				 by_edge.n ? &by_edge : &by_feat);
		cut = fz_below(r, n + 1);
		if (o->len > cut) {
			memcpy(tape + cut, o->v + cut, (o->len - cut) * sizeof(*tape));
			n = o->len;
		} else {
			n = cut;
		}
		break;
	case 1:
		cut = fz_below(r, n);
		if (fz_below(r, 2)) {
			memmove(tape + cut, tape + cut + 1, (n - cut - 1) * sizeof(*tape));
			n--;
		} else if (n < FZ_TAPE_MAX) {
			memmove(tape + cut + 1, tape + cut, (n - cut) * sizeof(*tape));
			n++;
		}
		break;
	case 2:
	case 3:
		n = fz_below(r, n);
		break;
	default:
		muts = 1 + fz_below(r, 4);
		for (unsigned int i = 0; i < muts; i++)
			tape[fz_below(r, n)] = fz_below(r, 3) ? fz_rand(r) : fz_below(r, 4);
	}
	pthread_mutex_unlock(&corpus_lock);
	*len = n;
	return true;
}
