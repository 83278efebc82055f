// SPDX-License-Identifier: GPL-2.0
/*
 * ucmdctl trace: stream every uring_cmd completion (bpf/trace.bpf.c, a
 * tp_btf program on ucmd:ucmd_complete feeding a ring buffer), one line
 * each, until Ctrl-C or --duration; then a summary. Lost events are
 * counted and reported.
 *
 * ucmdctl stats: per-cmd_op count, errors and latency percentiles from
 * the same program's in-kernel counters, with --hist a histogram in log2 rows
 * drawn as bpftrace draws them.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"
#include <json-c/json.h>

#include "main.h"
#include "trace.skel.h"

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	exiting = 1;
}

struct opts {
	__u32 op;
	__u32 pid;
	bool errors;
	bool hist;
	double duration;	/* seconds; 0: until Ctrl-C */
};

static const char *const kind_names[] = {
	[UCMD_DONE_SYNC] = "sync", [UCMD_DONE_ASYNC] = "async",
	[UCMD_DONE_CANCELLED] = "cancelled", [UCMD_DONE_DENIED] = "denied",
	[UCMD_DONE_IOCTL] = "ioctl",
};

static const char *kind_name(__u32 k)
{
	return k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

static int parse_opts(int argc, char **argv, struct opts *o, bool stats)
{
	static const struct option lopts[] = {
		{ "op", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'P' },
		{ "errors", no_argument, NULL, 'e' },
		{ "duration", required_argument, NULL, 'D' },
		{ "hist", no_argument, NULL, 'H' },
		{ 0 }
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	/*
	 * getopt wants argv[0] to be a program name: argv[-1] is the object
	 * word ("trace"), part of main()'s argv. optind = 0 restarts it.
	 */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc + 1, argv - 1, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (parse_cmd_op(optarg, &o->op))
				return -1;
			break;
		case 'P': {
			__u64 pid;

			if (parse_id("--pid", optarg, &pid))
				return -1;
			if (!pid || pid > 4194304) {	/* PID_MAX_LIMIT */
				p_err("--pid '%s' is not a process id (1..4194304)", optarg);
				return -1;
			}
			o->pid = (__u32)pid;
			break;
		}
		case 'e':
			o->errors = true;
			break;
		case 'D':
			o->duration = strtod(optarg, &end);
			if (*end || o->duration <= 0) {
				p_err("--duration takes a positive number of seconds");
				return -1;
			}
			break;
		case 'H':
			if (!stats) {
				p_err("--hist is for 'stats'");
				return -1;
			}
			o->hist = true;
			break;
		default:
			p_err("unknown or incomplete option '%s' (try '%s %s help')",
			      argv[optind - 2], bin_name, stats ? "stats" : "trace");
			return -1;
		}
	}
	if (optind - 1 < argc) {
		p_err("unexpected '%s'", argv[optind - 1]);
		return -1;
	}
	return 0;
}

static struct trace_bpf *open_trace(const struct opts *o, bool events)
{
	struct trace_bpf *skel;
	int err;

	if (!module_loaded()) {
		p_err("the ucmd module is not loaded (no /sys/class/misc/%s)", UCMD_DEV_NAME);
		return NULL;
	}
	skel = trace_bpf__open();
	if (!skel) {
		p_err("cannot open the trace program: %s", strerror(errno));
		return NULL;
	}
	skel->rodata->filter_op = o->op;
	skel->rodata->filter_pid = o->pid;
	skel->rodata->errors_only = o->errors;
	skel->rodata->emit_events = events;
	libbpf_capture(true);
	err = trace_bpf__load(skel);
	libbpf_capture(false);
	if (err) {
		if (load_privilege_error("the trace program"))
			goto err;
		if (err == -EACCES || err == -EINVAL)
			p_err("the verifier rejected the trace program: %s (-d shows the log)",
			      strerror(-err));
		else
			p_err("cannot load the trace program: %s (kernel too old, or ucmd.ko without BTF? -d shows more)",
			      strerror(-err));
		goto err;
	}
	err = trace_bpf__attach(skel);
	if (err) {
		p_err("cannot attach to ucmd:ucmd_complete: %s", strerror(-err));
		goto err;
	}
	return skel;
err:
	trace_bpf__destroy(skel);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static unsigned long long nr_events;

static int on_event(void *ctx, void *data, size_t len)
{
	const struct ucmd_trace_event *e = data;
	const char *op = cmd_op_name(e->cmd_op);
	char hname[sizeof(e->name) + 1];

	/*
	 * A BPF op whose instance came and went between two reads of
	 * bpf_ops: its handler's name, which the event carries (a denial's
	 * is the policy's).
	 */
	if (!op && e->kind != UCMD_DONE_DENIED && e->name[0] && strcmp(e->name, "-")) {
		snprintf(hname, sizeof(hname), "%.*s", (int)sizeof(e->name), e->name);
		op = hname;
	}
	const char *en = e->res < 0 ? errno_name(-e->res) : NULL;

	nr_events++;
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "ts_ns", json_object_new_uint64(e->ts_ns));
		json_object_object_add(o, "pid", json_object_new_uint64(e->pid));
		json_object_object_add(o, "comm", json_object_new_string_len(e->comm,
				       strnlen(e->comm, sizeof(e->comm))));
		json_object_object_add(o, "op", json_object_new_string(op ? op : ""));
		json_object_object_add(o, "cmd_op", json_object_new_uint64(e->cmd_op));
		json_object_object_add(o, "res", json_object_new_int(e->res));
		json_object_object_add(o, "errno", json_str(en));
		json_object_object_add(o, "res2", json_object_new_uint64(e->res2));
		json_object_object_add(o, "latency_ns", json_object_new_uint64(e->latency_ns));
		json_object_object_add(o, "kind", json_object_new_string(kind_name(e->kind)));
		json_object_object_add(o, "name", json_object_new_string_len(e->name,
				       strnlen(e->name, sizeof(e->name))));
		json_print(o);
	} else {
		char res[32];

		snprintf(res, sizeof(res), "%d%s%s%s", e->res, en ? " (" : "",
			 en ? en : "", en ? ")" : "");
		printf("%-14.6f %-7u %-16.16s %-13s %-18s 0x%-10llx %10.1f %-9s %.16s\n",
		       e->ts_ns / 1e9, e->pid, e->comm, op ? op : "-", res,
		       (unsigned long long)e->res2, e->latency_ns / 1e3,
		       kind_name(e->kind), e->name);
	}
	return 0;	/* flushed once per batch (do_trace()) */
}

int do_trace(int argc, char **argv)
{
	struct ring_buffer *rb;
	struct trace_bpf *skel;
	struct opts o;
	double end;
	int err = 0;

	if (argc && is_help(argv[0])) {
		fprintf(stderr,
			"Usage: %s [-j] trace [--op OP] [--pid PID] [--errors] [--duration SEC]\n"
			"  One line per completion: time, pid, comm, op, result (errno),\n"
			"  res2, latency (us), kind (sync|async|cancelled|denied|ioctl), handler\n"
			"  or denying policy. Ctrl-C ends it with a summary.\n", bin_name);
		return 0;
	}
	if (parse_opts(argc, argv, &o, false))
		return -1;
	cmd_op_names_refresh();	/* the BPF ops attached now, by name */
	skel = open_trace(&o, true);
	if (!skel)
		return -1;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	if (!rb) {
		p_err("ring buffer: %s", strerror(errno));
		trace_bpf__destroy(skel);
		return -1;
	}
	setup_signals();
	/*
	 * Events are formatted into stdio's buffer and written once per
	 * ring_buffer__poll() batch (at most 100 ms late), not one write()
	 * per event.
	 */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (!json_output)
		printf("%-14s %-7s %-16s %-13s %-18s %-12s %10s %-9s %s\n", "TIME(s)",
		       "PID", "COMM", "OP", "RES", "RES2", "LAT(us)", "KIND", "HANDLER");
	fprintf(stderr, "Tracing ucmd completions... Hit Ctrl-C to end.\n");
	end = o.duration ? now_s() + o.duration : 0;
	while (!exiting && (!end || now_s() < end)) {
		err = ring_buffer__poll(rb, 100);
		cmd_op_names_refresh();	/* at most every 200 ms */
		fflush(stdout);
		if (err == -EINTR) {
			err = 0;
			break;
		}
		if (err < 0) {
			p_err("ring buffer poll: %s", strerror(-err));
			break;
		}
		err = 0;
	}
	ring_buffer__consume(rb);	/* what arrived before we stopped */
	if (json_output) {
		struct json_object *o = json_object_new_object();
		struct json_object *sum = json_object_new_object();

		json_object_object_add(sum, "events", json_object_new_uint64(nr_events));
		json_object_object_add(sum, "lost", json_object_new_uint64(skel->bss->lost));
		json_object_object_add(o, "summary", sum);
		json_print(o);
	} else
		fprintf(stderr, "%llu events, %llu lost\n", nr_events,
			(unsigned long long)skel->bss->lost);
	ring_buffer__free(rb);
	trace_bpf__destroy(skel);
	return err ? -1 : 0;
}

/*
 * The q-quantile, in ns: the midpoint of the bucket holding it, within
 * 6.25% of every latency in that bucket (see UCMD_HIST_SUB).
 */
static unsigned long long quantile(const struct ucmd_op_stats *st, double q)
{
	unsigned long long want = (unsigned long long)(q * st->count + 0.999999), seen = 0;

	for (int i = 0; i < UCMD_HIST_SLOTS; i++) {
		seen += st->hist[i];
		if (seen >= want && st->hist[i]) {
			unsigned long long lo = ucmd_hist_lo(i);

			return i == UCMD_HIST_SLOTS - 1 ? lo : (lo + ucmd_hist_lo(i + 1)) / 2;
		}
	}
	return 0;
}

/* Latencies in [2^e, 2^(e+1)) ns: the sum of that power's buckets. */
static unsigned long long log2_count(const struct ucmd_op_stats *st, int e)
{
	unsigned long long n = 0;

	for (int i = 0; i < UCMD_HIST_SLOTS; i++) {
		unsigned long long lo = ucmd_hist_lo(i);

		if (!lo)
			lo = 1;	/* 0 ns: drawn with [1, 2) */
		if (lo >= (1ULL << e) && lo < (2ULL << e))
			n += st->hist[i];
	}
	return n;
}

static void fmt_ns(char *buf, size_t len, unsigned long long v)
{
	static const char *const units[] = { "", "K", "M", "G", "T" };
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu%s", v, units[u]);
}

/* bpftrace's hist() layout, log2 rows: [lo, hi)  count |@@@@...| */
static void print_hist(const char *op, const struct ucmd_op_stats *st)
{
	unsigned long long max = 0, c[UCMD_HIST_MAX_EXP + 1];
	int first = -1, last = -1;

	for (int e = 0; e <= UCMD_HIST_MAX_EXP; e++) {
		c[e] = log2_count(st, e);
		if (!c[e])
			continue;
		if (first < 0)
			first = e;
		last = e;
		if (c[e] > max)
			max = c[e];
	}
	printf("@latency_ns[%s]:\n", op);
	for (int i = first; i >= 0 && i <= last; i++) {
		char lo[24], hi[24], bar[53];
		int w = max ? (int)(c[i] * 52 / max) : 0;

		fmt_ns(lo, sizeof(lo), 1ULL << i);
		fmt_ns(hi, sizeof(hi), 1ULL << (i + 1));
		memset(bar, '@', w);
		memset(bar + w, ' ', 52 - w);
		bar[52] = '\0';
		printf("[%s, %s)%*s%8llu |%s|\n", lo, hi,
		       (int)(16 - (int)strlen(lo) - (int)strlen(hi)), "", c[i], bar);
	}
	printf("\n");
}

/* Add one CPU's copy of an op's counters to @dst. */
static void add_stats(struct ucmd_op_stats *dst, const struct ucmd_op_stats *one)
{
	dst->count += one->count;
	dst->errors += one->errors;
	dst->lat_sum_ns += one->lat_sum_ns;
	for (int i = 0; i < UCMD_HIST_SLOTS; i++)
		dst->hist[i] += one->hist[i];
}

/* the hash's max_entries, plus the array's slots */
#define MAX_OPS (1024 + UCMD_STATS_SLOTS)

/*
 * The counters of @cmd_op in @keys/@st (@n of them), added if new. NULL if
 * the table is full (it holds every op either map can).
 */
static struct ucmd_op_stats *op_stats(__u32 *keys, struct ucmd_op_stats *st, int *n,
				      __u32 cmd_op)
{
	int i;

	for (i = 0; i < *n; i++)
		if (keys[i] == cmd_op)
			return &st[i];
	if (*n == MAX_OPS)
		return NULL;
	keys[*n] = cmd_op;
	memset(&st[*n], 0, sizeof(st[*n]));
	return &st[(*n)++];
}

/*
 * Read every cmd_op's counters once: each CPU's copy of each array slot
 * (the op that CPU gave it to), then the hash (ops whose slot another op
 * held on some CPU); an op may be in both, on different CPUs.
 */
static int read_stats(struct trace_bpf *skel, __u32 *keys, struct ucmd_op_stats *st)
{
	int ncpu = libbpf_num_possible_cpus(), fd, n = 0;
	__u32 key, *prev = NULL;
	struct ucmd_stats_slot *sl;
	struct ucmd_op_stats *pc, *dst;

	if (ncpu <= 0)
		return ncpu ? ncpu : -ENOMEM;
	sl = calloc(ncpu, sizeof(*sl));
	pc = calloc(ncpu, sizeof(*pc));
	if (!sl || !pc) {
		n = -ENOMEM;
		goto out;
	}
	fd = bpf_map__fd(skel->maps.stats_slots);
	for (key = 0; key < UCMD_STATS_SLOTS; key++) {
		if (bpf_map_lookup_elem(fd, &key, sl))
			continue;
		for (int c = 0; c < ncpu; c++) {
			if (!sl[c].cmd_op)
				continue;
			dst = op_stats(keys, st, &n, sl[c].cmd_op);
			if (dst)
				add_stats(dst, &sl[c].st);
		}
	}
	fd = bpf_map__fd(skel->maps.stats);
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, pc))
			continue;
		dst = op_stats(keys, st, &n, key);
		for (int c = 0; dst && c < ncpu; c++)
			add_stats(dst, &pc[c]);
	}
out:
	free(sl);
	free(pc);
	return n;
}

static void op_label(__u32 cmd_op, char *buf, size_t len)
{
	const char *name = cmd_op_name(cmd_op);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "0x%x", cmd_op);
}

int do_stats(int argc, char **argv)
{
	static struct ucmd_op_stats st[MAX_OPS];
	static __u32 keys[MAX_OPS];
	struct json_object *arr = NULL;
	struct trace_bpf *skel;
	struct opts o;
	double end;
	int n;

	if (argc && is_help(argv[0])) {
		fprintf(stderr,
			"Usage: %s [-j] stats [--hist] [--op OP] [--pid PID] [--errors] [--duration SEC]\n"
			"  Counts completions until Ctrl-C or --duration, then prints per cmd_op:\n"
			"  count, errors, average and p50/p99 latency (log-linear buckets: within\n"
			"  6.25%%) and, with --hist, the latency histogram in log2 rows.\n", bin_name);
		return 0;
	}
	if (parse_opts(argc, argv, &o, true))
		return -1;
	cmd_op_names_refresh();
	skel = open_trace(&o, false);
	if (!skel)
		return -1;
	setup_signals();
	fprintf(stderr, "Counting ucmd completions... Hit Ctrl-C to end.\n");
	end = o.duration ? now_s() + o.duration : 0;
	while (!exiting && (!end || now_s() < end))
		usleep(50000);

	n = read_stats(skel, keys, st);
	if (n < 0) {
		p_err("cannot read the counters: %s", strerror(-n));
		trace_bpf__destroy(skel);
		return -1;
	}
	if (json_output)
		arr = json_object_new_array();
	else
		printf("%-13s %-10s %10s %8s %10s %10s %10s\n", "OP", "CMD_OP", "COUNT",
		       "ERRORS", "AVG(us)", "P50(us)", "P99(us)");
	for (int i = 0; i < n; i++) {
		char op[16];

		op_label(keys[i], op, sizeof(op));
		if (arr) {
			struct json_object *o = json_object_new_object();
			struct json_object *h = json_object_new_array();

			json_object_object_add(o, "op", json_object_new_string(op));
			json_object_object_add(o, "cmd_op", json_object_new_uint64(keys[i]));
			json_object_object_add(o, "count", json_object_new_uint64(st[i].count));
			json_object_object_add(o, "errors", json_object_new_uint64(st[i].errors));
			json_object_object_add(o, "avg_ns", json_object_new_uint64(st[i].count ?
					       st[i].lat_sum_ns / st[i].count : 0));
			json_object_object_add(o, "p50_ns",
					       json_object_new_uint64(quantile(&st[i], 0.5)));
			json_object_object_add(o, "p99_ns",
					       json_object_new_uint64(quantile(&st[i], 0.99)));
			/* the buckets that counted something: [lo_ns, hi_ns) */
			for (int b = 0; b < UCMD_HIST_SLOTS; b++) {
				struct json_object *bo;

				if (!st[i].hist[b])
					continue;
				bo = json_object_new_object();
				json_object_object_add(bo, "lo_ns",
						       json_object_new_uint64(ucmd_hist_lo(b)));
				json_object_object_add(bo, "hi_ns", b == UCMD_HIST_SLOTS - 1 ? NULL :
						       json_object_new_uint64(ucmd_hist_lo(b + 1)));
				json_object_object_add(bo, "count",
						       json_object_new_uint64(st[i].hist[b]));
				json_object_array_add(h, bo);
			}
			json_object_object_add(o, "hist", h);
			json_object_array_add(arr, o);
		} else {
			printf("%-13s 0x%08x %10llu %8llu %10.1f %10.1f %10.1f\n", op, keys[i],
			       (unsigned long long)st[i].count, (unsigned long long)st[i].errors,
			       st[i].count ? st[i].lat_sum_ns / 1e3 / st[i].count : 0.0,
			       quantile(&st[i], 0.5) / 1e3, quantile(&st[i], 0.99) / 1e3);
		}
	}
	if (arr)
		json_print(arr);
	else if (!n)
		printf("no completions\n");
	if (o.hist && !json_output) {
		printf("\n");
		for (int i = 0; i < n; i++) {
			char op[16];

			op_label(keys[i], op, sizeof(op));
			print_hist(op, &st[i]);
		}
	}
	trace_bpf__destroy(skel);
	return 0;
}
