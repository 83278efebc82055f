// SPDX-License-Identifier: GPL-2.0
/*
 * ucmdctl: load, attach, pin, list and detach ucmd policies and BPF
 * handlers, and issue commands. Grammar after bpftool's:
 *
 *   ucmdctl [OPTIONS] OBJECT { COMMAND | help }
 *   OBJECT := { policy | handler | rule | trace | stats | top | cmd | feature }
 *   OPTIONS := { -j|--json | -p|--pretty | -d|--debug | -h|--help }
 *
 * Objects and commands may be abbreviated to a prefix; an ambiguous
 * prefix means the first match in table order, as in bpftool.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/capability.h>
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"

#include <json-c/json.h>

#include "main.h"

bool json_output;
bool debug_output;
const char *bin_name = "ucmdctl";

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (json_output) {
		struct json_object *o = json_object_new_object();
		char buf[512];

		vsnprintf(buf, sizeof(buf), fmt, ap);
		json_object_object_add(o, "error", json_object_new_string(buf));
		json_print(o);
	} else {
		fprintf(stderr, "Error: ");
		vfprintf(stderr, fmt, ap);
		fprintf(stderr, "\n");
	}
	va_end(ap);
}

/* errno names from glibc (strerrorname_np(), 2.32+), not a table of ours. */
const char *errno_name(int err)
{
	return err > 0 ? strerrorname_np(err) : NULL;
}

int errno_parse(const char *s)
{
	/* Names glibc knows only as another value's alias. */
	static const struct {
		const char *n;
		int e;
	} aliases[] = {
		{ "EWOULDBLOCK", EWOULDBLOCK }, { "ENOTSUP", ENOTSUP },
		{ "EDEADLOCK", EDEADLOCK },
	};
	unsigned long long v;
	char *end;

	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcasecmp(s, n))
			return e;
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcasecmp(s, aliases[i].n))
			return aliases[i].e;
	v = strtoull(s, &end, 0);
	if (*s && !*end && v > 0 && v < 4096)
		return (int)v;
	return -1;
}

int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	if (*s == '-')
		*v = (unsigned long long)strtoll(s, &end, 0);
	else
		*v = strtoull(s, &end, 0);
	if (errno || !*s || *end) {
		p_err("'%s' is not a number", s);
		return -1;
	}
	return 0;
}

/* Decimal id 0..4294967294: no sign, no base prefix, no overflow. */
int parse_id(const char *what, const char *s, __u64 *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *s == '-' || *s == '+' || *end || errno || v >= 0xffffffffULL) {
		p_err("%s '%s' is not an id (0..4294967294)", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* ucmd.ko's BTF (split on vmlinux), loaded once. */
struct btf *module_btf(void)
{
	static struct btf *vm, *mod;

	if (mod)
		return mod;
	vm = btf__load_vmlinux_btf();
	if (!vm)
		return NULL;
	mod = btf__load_module_btf("ucmd", vm);
	return mod;
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/*
 * A word selects the first command in @cmds it is a prefix of, as
 * bpftool's cmd_select() does (so "p l" is "policy load"): tables list
 * the most used command first where two share a prefix.
 */
int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int, char **))
{
	if (argc < 1) {
		help(argc, argv);
		return -1;
	}
	if (is_help(argv[0]))
		return help(argc - 1, argv + 1);
	for (const struct cmd *c = cmds; c->name; c++)
		if (!strncmp(c->name, argv[0], strlen(argv[0])))
			return c->fn(argc - 1, argv + 1);
	p_err("unknown command '%s' (try '%s ... help')", argv[0], bin_name);
	return -1;
}

int open_dev(void)
{
	int fd = open("/dev/" UCMD_DEV_NAME, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		p_err("cannot open /dev/%s: %s%s", UCMD_DEV_NAME, strerror(errno),
		      errno == ENOENT ? " (is the ucmd module loaded?)" : "");
	return fd;
}

bool pretty_output;

/* One JSON document per line, or indented with -p (bpftool's --pretty). */
void json_print(struct json_object *o)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= pretty_output ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
				 JSON_C_TO_STRING_PLAIN;
	puts(json_object_to_json_string_ext(o, flags));
	json_object_put(o);
}

struct json_object *json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

bool module_loaded(void)
{
	return access("/sys/class/misc/" UCMD_DEV_NAME, F_OK) == 0;
}

/* CLOCK_MONOTONIC in milliseconds. */
long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool bpf_available(char *why, size_t len)
{
	FILE *f = fopen("/sys/class/misc/" UCMD_DEV_NAME "/bpf", "r");
	char line[256] = "";

	if (!f || !fgets(line, sizeof(line), f))
		snprintf(line, sizeof(line), "unavailable: cannot read /sys/class/misc/%s/bpf",
			 UCMD_DEV_NAME);
	if (f)
		fclose(f);
	line[strcspn(line, "\n")] = '\0';
	snprintf(why, len, "%s", line);
	return !strcmp(line, "available");
}

/*
 * Whether BPF LSM programs run on this kernel, for policies on any
 * device's uring_cmd (the lsm/uring_cmd hook, security_uring_cmd()): the
 * kernel must be built with CONFIG_BPF_LSM (vmlinux BTF has
 * bpf_lsm_uring_cmd()) and boot with "bpf" among its active LSMs
 * (securityfs' lsm file, the order of the lsm= boot parameter or
 * CONFIG_LSM). @why gets "active", or why not and what to change.
 */
bool bpf_lsm_active(char *why, size_t len)
{
	char lsms[512] = "", *tok, *save;
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool built, on = false;
	FILE *f;

	built = vmlinux && btf__find_by_name_kind(vmlinux, "bpf_lsm_uring_cmd", BTF_KIND_FUNC) > 0;
	btf__free(vmlinux);
	if (!built) {
		snprintf(why, len, "unavailable: the kernel has no BPF LSM uring_cmd hook (CONFIG_BPF_LSM, 5.19+)");
		return false;
	}
	f = fopen("/sys/kernel/security/lsm", "r");
	if (!f || !fgets(lsms, sizeof(lsms), f)) {
		if (f)
			fclose(f);
		snprintf(why, len, "unknown: cannot read /sys/kernel/security/lsm (mount -t securityfs securityfs /sys/kernel/security; a kernel without CONFIG_SECURITYFS cannot say)");
		return false;
	}
	fclose(f);
	lsms[strcspn(lsms, "\n")] = '\0';
	snprintf(why, len, "inactive: the active LSMs are %s; boot with lsm=%s,bpf", lsms, lsms);
	for (tok = strtok_r(lsms, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		on |= !strcmp(tok, "bpf");
	if (on)
		snprintf(why, len, "active");
	return on;
}

/*
 * libbpf's messages (the verifier's log among them), kept from
 * libbpf_capture(true) on so that a failed load can say why without -d
 * (load_diagnosis() in bpfobj.c); the first LOG_CAP bytes only.
 */
#define LOG_CAP	(1 << 20)
static char *log_buf;
static size_t log_len;
static bool log_on;

void libbpf_capture(bool on)
{
	log_on = on;
	if (!on)
		return;		/* what was kept stays until the next start */
	log_len = 0;
	if (log_buf)
		log_buf[0] = '\0';
}

const char *libbpf_captured(void)
{
	return log_buf && log_len ? log_buf : "";
}

/*
 * Loading BPF into ucmd (policies, handlers, the tracer) needs
 * CAP_SYS_ADMIN: libbpf finds ucmd.ko's BTF, where struct ucmd_ops, the
 * kfuncs and the tracepoints are, with BPF_BTF_GET_NEXT_ID and
 * BPF_BTF_GET_FD_BY_ID, which only CAP_SYS_ADMIN may call (6.12 and 7.x
 * kernel/bpf/syscall.c: bpf_obj_get_next_id(), bpf_btf_get_fd_by_id());
 * CAP_SYS_ADMIN also stands in for CAP_BPF and CAP_PERFMON
 * (bpf_token_capable(), perfmon_capable()), so it is the one capability
 * needed, and CAP_BPF with CAP_PERFMON is not enough. Without it libbpf
 * skips the module BTFs (a debug message) and the load fails later with
 * EINVAL or ENOTSUP that names neither.
 */
bool load_privilege_error(const char *what)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();
	const char *log;

	if (!caps)
		return false;
	cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &v);
	cap_free(caps);
	if (v == CAP_SET)
		return false;
	log = strstr(libbpf_captured(), "missing privileges") ?
	      "; libbpf: \"skipping module BTFs loading, missing privileges\"" : "";
	p_err("%s: loading BPF into ucmd needs CAP_SYS_ADMIN, which this process lacks (CAP_BPF and CAP_PERFMON are not enough: only CAP_SYS_ADMIN may read ucmd.ko's BTF)%s",
	      what, log);
	return true;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (log_on && log_len < LOG_CAP - 1) {
		va_list aq;
		int n;

		if (!log_buf)
			log_buf = malloc(LOG_CAP);
		if (log_buf) {
			va_copy(aq, ap);
			n = vsnprintf(log_buf + log_len, LOG_CAP - log_len, fmt, aq);
			va_end(aq);
			if (n > 0)
				log_len += (size_t)n < LOG_CAP - log_len ? (size_t)n : LOG_CAP - 1 - log_len;
		}
	}
	if (!debug_output)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int do_help(int argc, char **argv)
{
	fprintf(stderr,
		"Usage: %s [OPTIONS] OBJECT { COMMAND | help }\n"
		"       OBJECT := { policy | handler | rule | trace | stats | top | cmd | feature }\n"
		"       OPTIONS := { -j|--json | -p|--pretty | -d|--debug | -h|--help }\n"
		"\n"
		"  policy  load|list|show|unload   BPF validators (struct ucmd_ops.validate)\n"
		"  handler load|list|show|unload   cmd_ops implemented in BPF (.handle)\n"
		"  rule    add|del|list            the rules policy's per-cmd_op verdicts\n"
		"  trace   [--all | --device PATH] [--op OP] [--pid PID] [--errors] [--duration SEC]\n"
		"                                  stream completions with latency\n"
		"  stats   [--all | --device PATH] [--hist] [--duration SEC]\n"
		"                                  per-op counts, p50/p99, histograms\n"
		"  top     [--device PATH] [--interval SEC] [--count N]\n"
		"                                  every device's uring_cmd, live, by rate\n"
		"  cmd     OP [ARG...]             issue one uring_cmd, print its CQE\n"
		"  feature                         what kernel, module and libbpf support\n",
		bin_name);
	return 0;
}

static const struct cmd objects[] = {
	{ "policy", do_policy },
	{ "handler", do_handler },
	{ "rule", do_rule },
	{ "trace", do_trace },
	{ "stats", do_stats },
	{ "top", do_top },
	{ "cmd", do_cmd },
	{ "feature", do_feature },
	{ "help", do_help },
	{ 0 }
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "+jpdh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pretty_output = true;
			json_output = true;
			break;
		case 'j':
			json_output = true;
			break;
		case 'd':
			debug_output = true;
			break;
		case 'h':
			return do_help(0, NULL);
		default:
			do_help(0, NULL);
			return 1;
		}
	}
	libbpf_set_print(libbpf_print);
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		do_help(0, NULL);
		return 1;
	}
	/* Commands on the objects and their arguments are matched by prefix. */
	if (is_help(argv[0]))
		return do_help(0, NULL);
	return cmd_select(objects, argc, argv, do_help) ? 1 : 0;
}
