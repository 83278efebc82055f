/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ucmd-fuzz -K / -F: coverage of ucmd.ko seen by the submitting threads
 * (per-thread KCOV, Documentation/dev-tools/kcov.rst), and with -F a
 * corpus of the batches that reached new edges, replayed with mutations.
 *
 * Edges are AFL's: pairs of consecutive basic blocks (trace-pc PCs) of
 * ucmd.ko in one thread's trace, hashed into a 2^20-bit map; PCs outside
 * ucmd.ko's module memory (/proc/modules) are dropped. Two traces per
 * thread: its own (the issue path, task_work completions, release) and,
 * with KCOV's remote mode, what its io-wq workers and SQPOLL thread run
 * in ucmd.ko (ucmd_uring_cmd_kcov(): they inherit the common handle the
 * thread's parent set, kcov_task_init()). Timers, softirqs, kworkers and
 * the churner process stay unseen.
 *
 * A corpus entry is a tape: the random draws one gen_batch() consumed
 * (struct fz_rng's tape). Replaying a mutated tape regenerates the batch
 * through fz_gen() on the thread's current ring and predicts it under the
 * current policy, so the model stays exact whatever the tape says.
 */
#ifndef UCMD_FUZZ_KCOV_H
#define UCMD_FUZZ_KCOV_H

#include <stdbool.h>
#include <stdio.h>
#include "model.h"

#define FZ_TAPE_MAX	4096	/* draws recorded per batch */

struct fz_kcov {
	int fd;
	unsigned long *area;	/* area[0]: PCs recorded; area[1..]: the PCs */
	int rfd;		/* remote mode, or -1 */
	unsigned long *rarea;	/* as @area; kcov_remote_stop() appends */
	unsigned char *hits;	/* one trace's hits per edge slot (saturating) */
	unsigned int *touched;	/* the slots of @hits to clear, @ntouched of them */
	unsigned int ntouched;
};

/* Find ucmd.ko's memory in /proc/modules; 0, or -1 with a message. */
int fz_kcov_setup(void);
/*
 * Enable KCOV's remote mode for the calling thread with common handle
 * @id (unique on the machine): the threads it creates afterwards, and
 * their io-wq workers and SQPOLL threads, inherit the handle. The thread
 * itself then traces nothing: a child calls fz_kcov_open() on the same
 * @k. 0, or -errno.
 */
int fz_kcov_open_remote(struct fz_kcov *k, __u32 id);
void fz_kcov_close_remote(struct fz_kcov *k);
/* Open and enable KCOV for the calling thread; 0, or -errno. */
int fz_kcov_open(struct fz_kcov *k);
void fz_kcov_close(struct fz_kcov *k);
/* Forget what the thread recorded so far. */
void fz_kcov_reset(struct fz_kcov *k);
/*
 * Add the thread's trace since the reset to the maps; new edges found.
 * With @features, also the new features: an edge with its hit count in
 * the trace, in AFL's buckets (1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+).
 */
long fz_kcov_collect(struct fz_kcov *k, long *features);
/* Edges and PCs of ucmd.ko seen so far, by every thread. */
long fz_kcov_edges(void);
long fz_kcov_pcs(void);
/* PCs and edges of ucmd.ko first seen in a remote trace. */
long fz_kcov_remote_pcs(void);
long fz_kcov_remote_edges(void);

/* Write the offsets into ucmd.ko's .text of the PCs seen to @f. */
void fz_kcov_dump_pcs(FILE *f);
/* Each edge found, as FROM>TO offsets into .text (FROM 0: a trace's first PC). */
void fz_kcov_dump_edges(FILE *f);

/*
 * -F: the corpus (shared by all threads). @edges: whether the entry found
 * new edges (kept apart, picked half the time) or only new features.
 */
void fz_corpus_add(const __u64 *tape, unsigned int len, bool edges);
long fz_corpus_size(void);
/*
 * Fill @tape with a mutated corpus entry (@r chooses); its length in
 * *@len. False when the corpus is empty or @r says "fresh".
 */
bool fz_corpus_pick(struct fz_rng *r, __u64 *tape, unsigned int *len);

#endif
