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
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"
#include <json-c/json.h>

#include "main.h"
#include "lsm.h"
#include "trace.skel.h"
#include "trace_all.skel.h"

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	exiting = 1;
}

struct opts {
	__u32 op;
	__u32 pid;
	__u32 dev;		/* --device: kernel dev_t; 0: any */
	bool all;		/* --all (or --device): every device's uring_cmd */
	bool errors;
	bool hist;
	double duration;	/* seconds; 0: until Ctrl-C */
	double interval;	/* top: seconds between refreshes */
	unsigned long long count;	/* top: intervals; 0: until q or Ctrl-C */
	const char *op_arg;	/* --op as given: parsed once --all is known */
};

enum { OPTS_TRACE, OPTS_STATS, OPTS_TOP };
static const char *const opts_cmd[] = { "trace", "stats", "top" };

static const char *const kind_names[] = {
	[UCMD_DONE_SYNC] = "sync", [UCMD_DONE_ASYNC] = "async",
	[UCMD_DONE_CANCELLED] = "cancelled", [UCMD_DONE_DENIED] = "denied",
	[UCMD_DONE_IOCTL] = "ioctl",
};

static const char *kind_name(__u32 k)
{
	return k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

static int parse_opts(int argc, char **argv, struct opts *o, int cmd)
{
	static const struct option lopts[] = {
		{ "op", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'P' },
		{ "errors", no_argument, NULL, 'e' },
		{ "duration", required_argument, NULL, 'D' },
		{ "hist", no_argument, NULL, 'H' },
		{ "all", no_argument, NULL, 'a' },
		{ "device", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ 0 }
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->interval = 1;
	o->all = cmd == OPTS_TOP;
	/*
	 * getopt wants argv[0] to be a program name: argv[-1] is the object
	 * word ("trace"), part of main()'s argv. optind = 0 restarts it.
	 */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc + 1, argv - 1, "", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->op_arg = optarg;
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
		case 'i': {
			double v = strtod(optarg, &end);

			if (*end || !(v > 0) || v > 1e9) {
				p_err("--%s '%s' is not a positive number of seconds",
				      c == 'D' ? "duration" : "interval", optarg);
				return -1;
			}
			*(c == 'D' ? &o->duration : &o->interval) = v;
			if (c == 'i' && cmd != OPTS_TOP) {
				p_err("--interval is for 'top'");
				return -1;
			}
			break;
		}
		case 'c':
			if (cmd != OPTS_TOP) {
				p_err("--count is for 'top'");
				return -1;
			}
			if (parse_u64(optarg, &o->count) || !o->count) {
				p_err("--count '%s' is not a positive number of intervals", optarg);
				return -1;
			}
			break;
		case 'H':
			if (cmd != OPTS_STATS) {
				p_err("--hist is for 'stats'");
				return -1;
			}
			o->hist = true;
			break;
		case 'a':
			o->all = true;
			break;
		case 'd':
			if (lsm_parse_device(optarg, &o->dev))
				return -1;
			o->all = true;
			break;
		default:
			p_err("unknown or incomplete option '%s' (try '%s %s help')",
			      argv[optind - 2], bin_name, opts_cmd[cmd]);
			return -1;
		}
	}
	if (optind - 1 < argc) {
		p_err("unexpected '%s'", argv[optind - 1]);
		return -1;
	}
	if (o->op_arg && o->all) {
		struct lsm_op lop;
		int r = lsm_parse_op(o->op_arg, &lop);

		if (r < 0)
			return -1;
		if (r && (lop.nr_ops != 1 || lop.has_opcode)) {
			p_err("--op '%s' names an NVMe opcode; give the cmd_op (nvme_io, nvme_admin, ...)",
			      o->op_arg);
			return -1;
		}
		if (r)
			o->op = lop.cmd_ops[0];
		else if (parse_cmd_op(o->op_arg, &o->op))
			return -1;
	} else if (o->op_arg && parse_cmd_op(o->op_arg, &o->op)) {
		return -1;
	}
	return 0;
}

static int trace_all(const struct opts *o);
static int stats_all(const struct opts *o);

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

/*
 * Poll the ring buffer @map_fd into @fn until Ctrl-C or --duration, with
 * a header line (@fmt of the column names) and, at the end, a summary
 * of the events seen and the @lost ones. 0, or -1 after an error line.
 */
static int stream(int map_fd, ring_buffer_sample_fn fn, const struct opts *o,
		  const volatile __u64 *lost, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int stream(int map_fd, ring_buffer_sample_fn fn, const struct opts *o,
		  const volatile __u64 *lost, const char *what, const char *fmt, ...)
{
	struct ring_buffer *rb;
	double end;
	va_list ap;
	int err = 0;

	rb = ring_buffer__new(map_fd, fn, NULL, NULL);
	if (!rb) {
		p_err("ring buffer: %s", strerror(errno));
		return -1;
	}
	setup_signals();
	/*
	 * Events are formatted into stdio's buffer and written once per
	 * ring_buffer__poll() batch (at most 100 ms late), not one write()
	 * per event.
	 */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (!json_output) {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "Tracing %s... Hit Ctrl-C to end.\n", what);
	end = o->duration ? now_s() + o->duration : 0;
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
		struct json_object *jo = json_object_new_object();
		struct json_object *sum = json_object_new_object();

		json_object_object_add(sum, "events", json_object_new_uint64(nr_events));
		json_object_object_add(sum, "lost", json_object_new_uint64(*lost));
		json_object_object_add(jo, "summary", sum);
		json_print(jo);
	} else {
		fprintf(stderr, "%llu events, %llu lost\n", nr_events, (unsigned long long)*lost);
	}
	fflush(stdout);
	ring_buffer__free(rb);
	return err ? -1 : 0;
}

int do_trace(int argc, char **argv)
{
	struct trace_bpf *skel;
	struct opts o;
	int err;

	if (argc && is_help(argv[0])) {
		fprintf(stderr,
			"Usage: %s [-j] trace [--all | --device PATH] [--op OP] [--pid PID] [--errors]\n"
			"                    [--duration SEC]\n"
			"  One line per completion of /dev/ucmd: time, pid, comm, op, result\n"
			"  (errno), res2, latency (us), kind (sync|async|cancelled|denied|ioctl),\n"
			"  handler or denying policy. --all: every device's uring_cmd, from\n"
			"  io_uring's tracepoints (no ucmd.ko needed): time, pid, comm, device,\n"
			"  op, NVMe opcode, result, latency from submission; --device PATH: one\n"
			"  device's. Ctrl-C ends it with a summary.\n", bin_name);
		return 0;
	}
	if (parse_opts(argc, argv, &o, OPTS_TRACE))
		return -1;
	if (o.all) {
		cmd_op_names_refresh();
		return trace_all(&o);
	}
	cmd_op_names_refresh();	/* the BPF ops attached now, by name */
	skel = open_trace(&o, true);
	if (!skel)
		return -1;
	err = stream(bpf_map__fd(skel->maps.events), on_event, &o, &skel->bss->lost,
		     "ucmd completions", "%-14s %-7s %-16s %-13s %-18s %-12s %10s %-9s %s\n",
		     "TIME(s)", "PID", "COMM", "OP", "RES", "RES2", "LAT(us)", "KIND", "HANDLER");
	trace_bpf__destroy(skel);
	return err;
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
			"Usage: %s [-j] stats [--all | --device PATH] [--hist] [--op OP] [--pid PID]\n"
			"                    [--errors] [--duration SEC]\n"
			"  Counts completions until Ctrl-C or --duration, then prints per cmd_op\n"
			"  (--all: per device, cmd_op and NVMe opcode, as trace --all):\n"
			"  count, errors, average and p50/p99 latency (log-linear buckets: within\n"
			"  6.25%%) and, with --hist, the latency histogram in log2 rows.\n", bin_name);
		return 0;
	}
	if (parse_opts(argc, argv, &o, OPTS_STATS))
		return -1;
	if (o.all)
		return stats_all(&o);
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

/*
 * --all: every device's uring_cmd (bpf/trace_all.bpf.c on io_uring's
 * tracepoints), named per device: /dev/ucmd's cmd_ops by ucmd's names,
 * others' by the NVMe and ublk tables of lsm.c.
 */

static __u32 ucmd_dev;	/* /dev/ucmd's kernel dev_t; 0: not loaded */

static void ucmd_dev_refresh(void)
{
	unsigned int maj, min;
	FILE *f = fopen("/sys/class/misc/" UCMD_DEV_NAME "/dev", "r");

	ucmd_dev = 0;
	if (!f)
		return;
	if (fscanf(f, "%u:%u", &maj, &min) == 2)
		ucmd_dev = maj << 20 | min;
	fclose(f);
}

/* /dev/NAME of @dev, cached (a readlink of /sys/dev/char each miss). */
static const char *dev_name(__u32 dev)
{
	static struct { __u32 dev; char name[48]; } cache[32];
	static unsigned int next;
	unsigned int i;

	if (!dev)
		return "-";
	for (i = 0; i < sizeof(cache) / sizeof(cache[0]); i++)
		if (cache[i].dev == dev && cache[i].name[0])
			return cache[i].name;
	i = next++ % (sizeof(cache) / sizeof(cache[0]));
	cache[i].dev = dev;
	lsm_dev_str(dev, cache[i].name, sizeof(cache[i].name));
	return cache[i].name;
}

/* @cmd_op's name on @dev, or 0xHEX. */
static void all_op(__u32 dev, __u32 cmd_op, char *buf, size_t len)
{
	const char *n = NULL;

	if (dev && dev == ucmd_dev)
		n = cmd_op_name(cmd_op);
	if (!n)
		n = lsm_op_name(cmd_op);
	if (!n && !dev)
		n = cmd_op_name(cmd_op);
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "0x%x", cmd_op);
}

/* The NVMe opcode's name (or 0xHEX) of an NVMe cmd_op; "-" for others. */
static void all_opcode(__u32 cmd_op, __u8 opcode, char *buf, size_t len)
{
	const char *n;

	if (!ucmd_all_nvme(cmd_op)) {
		snprintf(buf, len, "-");
		return;
	}
	n = lsm_opcode_name(cmd_op, opcode);
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "0x%02x", opcode);
}

static struct trace_all_bpf *open_trace_all(const struct opts *o, bool events)
{
	struct trace_all_bpf *skel;
	struct btf *vmlinux;
	int err;

	skel = trace_all_bpf__open();
	if (!skel) {
		p_err("cannot open the trace --all program: %s", strerror(errno));
		return NULL;
	}
	skel->rodata->filter_dev = o->dev;
	skel->rodata->filter_op = o->op;
	skel->rodata->filter_pid = o->pid;
	skel->rodata->errors_only = o->errors;
	skel->rodata->emit_events = events;
	/* Without CONFIG_SECURITY the issue hook is an inline: no "in flight". */
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux || btf__find_by_name_kind(vmlinux, "security_uring_cmd", BTF_KIND_FUNC) < 0)
		bpf_program__set_autoload(skel->progs.on_issue, false);
	btf__free(vmlinux);
	libbpf_capture(true);
	err = trace_all_bpf__load(skel);
	libbpf_capture(false);
	if (err) {
		if (!load_privilege_error("the trace --all program"))
			p_err("cannot load the trace --all program: %s (a kernel without io_uring's tracepoints or BTF? -d shows more)",
			      strerror(-err));
		goto err;
	}
	/*
	 * Completion first, submission last: a request submitted while the
	 * others were not attached yet would otherwise never complete here
	 * and stay "in flight". One that completes without a start is not
	 * counted.
	 */
	skel->links.on_complete = bpf_program__attach(skel->progs.on_complete);
	err = -errno;
	if (skel->links.on_complete && bpf_program__autoload(skel->progs.on_issue)) {
		skel->links.on_issue = bpf_program__attach(skel->progs.on_issue);
		err = -errno;
	}
	if (skel->links.on_complete && (skel->links.on_issue ||
					!bpf_program__autoload(skel->progs.on_issue))) {
		skel->links.on_submit = bpf_program__attach(skel->progs.on_submit);
		err = -errno;
	}
	if (!skel->links.on_submit) {
		p_err("cannot attach to io_uring:io_uring_submit_req/io_uring_complete: %s",
		      strerror(-err));
		goto err;
	}
	ucmd_dev_refresh();
	return skel;
err:
	trace_all_bpf__destroy(skel);
	return NULL;
}

static int on_all_event(void *ctx, void *data, size_t len)
{
	const struct ucmd_all_event *e = data;
	const char *en = e->res < 0 ? errno_name(-e->res) : NULL;
	char op[32], opc[24];

	all_op(e->dev, e->cmd_op, op, sizeof(op));
	all_opcode(e->cmd_op, e->opcode, opc, sizeof(opc));
	nr_events++;
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "ts_ns", json_object_new_uint64(e->ts_ns));
		json_object_object_add(o, "pid", json_object_new_uint64(e->pid));
		json_object_object_add(o, "tid", json_object_new_uint64(e->tid));
		json_object_object_add(o, "comm", json_object_new_string_len(e->comm,
				       strnlen(e->comm, sizeof(e->comm))));
		json_object_object_add(o, "device", json_object_new_string(dev_name(e->dev)));
		json_object_object_add(o, "dev", json_object_new_uint64(e->dev));
		json_object_object_add(o, "op", json_object_new_string(op));
		json_object_object_add(o, "cmd_op", json_object_new_uint64(e->cmd_op));
		json_object_object_add(o, "opcode", ucmd_all_nvme(e->cmd_op) ?
				       json_object_new_int(e->opcode) : NULL);
		json_object_object_add(o, "opcode_name", ucmd_all_nvme(e->cmd_op) ?
				       json_object_new_string(opc) : NULL);
		json_object_object_add(o, "res", json_object_new_int(e->res));
		json_object_object_add(o, "errno", json_str(en));
		json_object_object_add(o, "latency_ns", json_object_new_uint64(e->latency_ns));
		json_object_object_add(o, "issued", json_object_new_boolean(e->issued));
		json_print(o);
	} else {
		char res[32];

		snprintf(res, sizeof(res), "%d%s%s%s", e->res, en ? " (" : "",
			 en ? en : "", en ? ")" : "");
		printf("%-14.6f %-7u %-16.16s %-12s %-14s %-14s %-18s %10.1f\n",
		       e->ts_ns / 1e9, e->pid, e->comm, dev_name(e->dev), op, opc, res,
		       e->latency_ns / 1e3);
	}
	return 0;
}

static int trace_all(const struct opts *o)
{
	struct trace_all_bpf *skel;
	int err;

	skel = open_trace_all(o, true);
	if (!skel)
		return -1;
	err = stream(bpf_map__fd(skel->maps.events), on_all_event, o, &skel->bss->lost,
		     "every uring_cmd completion", "%-14s %-7s %-16s %-12s %-14s %-14s %-18s %10s\n",
		     "TIME(s)", "PID", "COMM", "DEVICE", "OP", "OPCODE", "RES", "LAT(us)");
	trace_all_bpf__destroy(skel);
	return err;
}

#define MAX_ALL_OPS	4096	/* bpf/trace_all.bpf.c's "stats" max_entries */

struct all_table {
	int n;
	struct ucmd_all_key keys[MAX_ALL_OPS];
	struct ucmd_all_stats st[MAX_ALL_OPS];
};

/* Every key's counters, each CPU's copies added up: 0 or -errno. */
static int read_all_stats(struct trace_all_bpf *skel, struct all_table *t)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(skel->maps.stats);
	struct ucmd_all_key key, *prev = NULL;
	struct ucmd_all_stats *pc;

	if (ncpu <= 0)
		return ncpu ? ncpu : -ENOMEM;
	pc = calloc(ncpu, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	t->n = 0;
	while (t->n < MAX_ALL_OPS && !bpf_map_get_next_key(fd, prev, &key)) {
		struct ucmd_all_stats *dst = &t->st[t->n];

		prev = &t->keys[t->n];
		t->keys[t->n] = key;
		if (bpf_map_lookup_elem(fd, &key, pc))
			continue;
		memset(dst, 0, sizeof(*dst));
		for (int c = 0; c < ncpu; c++) {
			add_stats(&dst->st, &pc[c].st);
			dst->issued += pc[c].issued;
			dst->issued_done += pc[c].issued_done;
		}
		t->n++;
	}
	free(pc);
	return 0;
}

static void key_labels(const struct ucmd_all_key *k, char *op, size_t oplen, char *opc,
		       size_t opclen)
{
	all_op(k->dev, k->cmd_op, op, oplen);
	all_opcode(k->cmd_op, (__u8)k->opcode, opc, opclen);
}

static struct json_object *key_json(const struct ucmd_all_key *k)
{
	struct json_object *o = json_object_new_object();
	char op[32], opc[24];

	key_labels(k, op, sizeof(op), opc, sizeof(opc));
	json_object_object_add(o, "device", json_object_new_string(dev_name(k->dev)));
	json_object_object_add(o, "dev", json_object_new_uint64(k->dev));
	json_object_object_add(o, "op", json_object_new_string(op));
	json_object_object_add(o, "cmd_op", json_object_new_uint64(k->cmd_op));
	json_object_object_add(o, "opcode", ucmd_all_nvme(k->cmd_op) ?
			       json_object_new_int(k->opcode) : NULL);
	json_object_object_add(o, "opcode_name", ucmd_all_nvme(k->cmd_op) ?
			       json_object_new_string(opc) : NULL);
	return o;
}

static int stats_all(const struct opts *o)
{
	struct trace_all_bpf *skel;
	struct json_object *arr = NULL;
	struct all_table *t;
	double end;
	int err;

	t = calloc(1, sizeof(*t));
	if (!t) {
		p_err("out of memory");
		return -1;
	}
	skel = open_trace_all(o, false);
	if (!skel) {
		free(t);
		return -1;
	}
	setup_signals();
	fprintf(stderr, "Counting every uring_cmd completion... Hit Ctrl-C to end.\n");
	end = o->duration ? now_s() + o->duration : 0;
	while (!exiting && (!end || now_s() < end))
		usleep(50000);
	cmd_op_names_refresh();
	err = read_all_stats(skel, t);
	if (err) {
		p_err("cannot read the counters: %s", strerror(-err));
		goto out;
	}
	if (json_output)
		arr = json_object_new_array();
	else
		printf("%-12s %-14s %-14s %10s %8s %10s %10s %10s\n", "DEVICE", "OP", "OPCODE",
		       "COUNT", "ERRORS", "AVG(us)", "P50(us)", "P99(us)");
	for (int i = 0; i < t->n; i++) {
		const struct ucmd_op_stats *st = &t->st[i].st;
		char op[32], opc[24];

		key_labels(&t->keys[i], op, sizeof(op), opc, sizeof(opc));
		if (arr) {
			struct json_object *jo = key_json(&t->keys[i]);

			json_object_object_add(jo, "count", json_object_new_uint64(st->count));
			json_object_object_add(jo, "errors", json_object_new_uint64(st->errors));
			json_object_object_add(jo, "avg_ns", json_object_new_uint64(st->count ?
					       st->lat_sum_ns / st->count : 0));
			json_object_object_add(jo, "p50_ns", json_object_new_uint64(quantile(st, 0.5)));
			json_object_object_add(jo, "p99_ns", json_object_new_uint64(quantile(st, 0.99)));
			json_object_array_add(arr, jo);
		} else {
			printf("%-12s %-14s %-14s %10llu %8llu %10.1f %10.1f %10.1f\n",
			       dev_name(t->keys[i].dev), op, opc, (unsigned long long)st->count,
			       (unsigned long long)st->errors,
			       st->count ? st->lat_sum_ns / 1e3 / st->count : 0.0,
			       quantile(st, 0.5) / 1e3, quantile(st, 0.99) / 1e3);
		}
	}
	if (arr)
		json_print(arr);
	else if (!t->n)
		printf("no completions\n");
	if (o->hist && !json_output) {
		printf("\n");
		for (int i = 0; i < t->n; i++) {
			char op[32], opc[24], label[96];

			key_labels(&t->keys[i], op, sizeof(op), opc, sizeof(opc));
			snprintf(label, sizeof(label), "%s,%s%s%s", dev_name(t->keys[i].dev), op,
				 strcmp(opc, "-") ? "," : "", strcmp(opc, "-") ? opc : "");
			print_hist(label, &t->st[i].st);
		}
	}
out:
	trace_all_bpf__destroy(skel);
	free(t);
	return err ? -1 : 0;
}

/* One line of top: a key's counters over the last interval. */
struct top_row {
	int i;			/* into the current table */
	double rate, err_rate;	/* per second */
	unsigned long long count, p50_ns, p99_ns;
	long long in_flight;
};

static int top_cmp(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;

	return x->rate < y->rate ? 1 : x->rate > y->rate ? -1 : x->i - y->i;
}

/* @cur less @prev (the same key's counters an interval ago, if any). */
static void top_delta(const struct all_table *prev, const struct all_table *cur, int i,
		      double dt, struct top_row *r, struct ucmd_op_stats *d)
{
	const struct ucmd_all_stats *c = &cur->st[i], *p = NULL;

	for (int j = 0; j < prev->n; j++)
		if (!memcmp(&prev->keys[j], &cur->keys[i], sizeof(cur->keys[i]))) {
			p = &prev->st[j];
			break;
		}
	*d = c->st;
	if (p) {
		d->count -= p->st.count;
		d->errors -= p->st.errors;
		d->lat_sum_ns -= p->st.lat_sum_ns;
		for (int b = 0; b < UCMD_HIST_SLOTS; b++)
			d->hist[b] -= p->st.hist[b];
	}
	r->i = i;
	r->count = d->count;
	r->rate = d->count / dt;
	r->err_rate = d->errors / dt;
	r->p50_ns = quantile(d, 0.5);
	r->p99_ns = quantile(d, 0.99);
	r->in_flight = (long long)(c->issued - c->issued_done);
}

static void top_print(const struct all_table *cur, struct top_row *rows, int n, double dt,
		      bool clear)
{
	char op[32], opc[24], tbuf[16];
	time_t now = time(NULL);

	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&now));
	if (json_output) {
		struct json_object *o = json_object_new_object(), *arr = json_object_new_array();

		json_object_object_add(o, "time", json_object_new_int64(now));
		json_object_object_add(o, "interval_s", json_object_new_double(dt));
		for (int k = 0; k < n; k++) {
			struct json_object *jo = key_json(&cur->keys[rows[k].i]);

			json_object_object_add(jo, "count", json_object_new_uint64(rows[k].count));
			json_object_object_add(jo, "rate", json_object_new_double(rows[k].rate));
			json_object_object_add(jo, "errors_rate",
					       json_object_new_double(rows[k].err_rate));
			json_object_object_add(jo, "p50_ns", json_object_new_uint64(rows[k].p50_ns));
			json_object_object_add(jo, "p99_ns", json_object_new_uint64(rows[k].p99_ns));
			json_object_object_add(jo, "in_flight",
					       json_object_new_int64(rows[k].in_flight));
			json_object_array_add(arr, jo);
		}
		json_object_object_add(o, "ops", arr);
		json_print(o);
		fflush(stdout);
		return;
	}
	if (clear)
		printf("\033[H\033[2J");
	printf("%s - uring_cmd on every device, %.2f s interval%s\n", tbuf, dt,
	       clear ? " (q quits)" : "");
	printf("%-12s %-14s %-14s %10s %8s %10s %10s %8s\n", "DEVICE", "OP", "OPCODE",
	       "RATE/s", "ERR/s", "P50(us)", "P99(us)", "INFLIGHT");
	for (int k = 0; k < n; k++) {
		const struct top_row *r = &rows[k];

		key_labels(&cur->keys[r->i], op, sizeof(op), opc, sizeof(opc));
		printf("%-12s %-14s %-14s %10.1f %8.1f %10.1f %10.1f %8lld\n",
		       dev_name(cur->keys[r->i].dev), op, opc, r->rate, r->err_rate,
		       r->p50_ns / 1e3, r->p99_ns / 1e3, r->in_flight);
	}
	if (!n)
		printf("no uring_cmd\n");
	printf("\n");
	fflush(stdout);
}

/* Wait until @until (now_s()); true if 'q' was typed on the terminal. */
static bool top_wait(double until, bool tty)
{
	double left;

	while (!exiting && (left = until - now_s()) > 0) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		char ch;

		if (!tty) {
			usleep(left > 0.05 ? 50000 : (useconds_t)(left * 1e6));
			continue;
		}
		if (poll(&pfd, 1, (int)(left * 1000) + 1) > 0 &&
		    read(STDIN_FILENO, &ch, 1) == 1 && (ch == 'q' || ch == 'Q'))
			return true;
	}
	return false;
}

int do_top(int argc, char **argv)
{
	struct all_table *tab[2] = { NULL, NULL };
	struct trace_all_bpf *skel = NULL;
	struct top_row *rows = NULL;
	struct termios saved, raw;
	bool tty, clear;
	double t0, t1;
	struct opts o;
	int err = -1;

	if (argc && is_help(argv[0])) {
		fprintf(stderr,
			"Usage: %s [-j] top [--device PATH] [--op OP] [--pid PID] [--errors]\n"
			"                  [--interval SEC] [--count N]\n"
			"  Every device's uring_cmd, refreshed each interval (1 s): per device,\n"
			"  cmd_op and NVMe opcode the rate, errors per second, p50/p99 latency\n"
			"  from submission, requests in flight; sorted by rate. q quits; -j\n"
			"  prints one JSON record per interval.\n", bin_name);
		return 0;
	}
	if (parse_opts(argc, argv, &o, OPTS_TOP))
		return -1;
	tab[0] = calloc(1, sizeof(*tab[0]));
	tab[1] = calloc(1, sizeof(*tab[1]));
	rows = calloc(MAX_ALL_OPS, sizeof(*rows));
	if (!tab[0] || !tab[1] || !rows) {
		p_err("out of memory");
		goto out;
	}
	cmd_op_names_refresh();
	skel = open_trace_all(&o, false);
	if (!skel)
		goto out;
	setup_signals();
	tty = !json_output && isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved);
	clear = !json_output && isatty(STDOUT_FILENO);
	if (tty) {
		raw = saved;
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	t0 = now_s();
	err = 0;
	for (unsigned long long k = 0; !o.count || k < o.count; k++) {
		struct all_table *prev = tab[k & 1], *cur = tab[!(k & 1)];
		int n;

		if (top_wait(t0 + o.interval, tty) || exiting)
			break;
		t1 = now_s();
		err = read_all_stats(skel, cur);
		if (err) {
			p_err("cannot read the counters: %s", strerror(-err));
			break;
		}
		cmd_op_names_refresh();
		for (n = 0; n < cur->n; n++)
			top_delta(prev, cur, n, t1 - t0, &rows[n], &(struct ucmd_op_stats){});
		qsort(rows, n, sizeof(*rows), top_cmp);
		top_print(cur, rows, n, t1 - t0, clear);
		t0 = t1;
	}
	err = err ? -1 : 0;
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
out:
	trace_all_bpf__destroy(skel);
	free(rows);
	free(tab[0]);
	free(tab[1]);
	return err;
}
