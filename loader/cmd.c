// SPDX-License-Identifier: GPL-2.0
/*
 * ucmdctl cmd OP [ARG...]: issue one IORING_OP_URING_CMD on /dev/ucmd (on
 * an SQE128 + CQE32 ring, so every payload fits and res2 is seen) and
 * print its CQE. The quickest way to try an opcode a BPF handler adds.
 *
 * ucmdctl feature: what the kernel, the module and libbpf support.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <liburing.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"
#include <json-c/json.h>

#include "main.h"

enum payload_kind { P_NONE, P_ECHO, P_DELAY, P_SUM, P_SLEEP, P_PAIR, P_TEXT, P_RW };

/* Ops ucmdctl knows by name: built-ins and the bpf/ examples. */
static const struct op_desc {
	const char *name;
	__u32 cmd_op;
	enum payload_kind kind;
	int min_args, max_args;
	const char *args;
	const char *type;	/* payload struct in ucmd.ko's BTF, for rules */
} ops[] = {
	{ "nop", UCMD_CMD_NOP, P_NONE, 0, 0, "", NULL },
	{ "get_features", UCMD_CMD_GET_FEATURES, P_NONE, 0, 0, "", "ucmd_features" },
	{ "echo", UCMD_CMD_ECHO, P_ECHO, 1, 2, "RES [RES2]", "ucmd_echo" },
	{ "delay", UCMD_CMD_DELAY, P_DELAY, 1, 3, "USEC [RES [RES2]]", "ucmd_delay" },
	{ "sum", UCMD_CMD_SUM, P_SUM, 0, UCMD_SUM_MAX, "[VAL...]", "ucmd_sum" },
	/* LEN bytes between a zeroed buffer of ucmdctl's and the file's */
	{ "read", UCMD_CMD_READ, P_RW, 1, 2, "LEN [OFFSET]", "ucmd_rw" },
	{ "write", UCMD_CMD_WRITE, P_RW, 1, 2, "LEN [OFFSET]", "ucmd_rw" },
	{ "sleep", UCMD_CMD_SLEEP, P_SLEEP, 1, 1, "USEC", "ucmd_sleep" },
	{ "kv_put", UCMD_KV_PUT, P_PAIR, 2, 2, "KEY VALUE", NULL },
	{ "kv_get", UCMD_KV_GET, P_PAIR, 1, 1, "KEY", NULL },
	{ "kv_del", UCMD_KV_DEL, P_PAIR, 1, 1, "KEY", NULL },
	{ "arith_add", UCMD_ARITH_ADD, P_PAIR, 2, 2, "A B", NULL },
	{ "arith_mul", UCMD_ARITH_MUL, P_PAIR, 2, 2, "A B", NULL },
	/* struct ucmd_timer has struct ucmd_delay's layout */
	{ "timer_wait", UCMD_TIMER_WAIT, P_DELAY, 1, 3, "USEC [RES [RES2]]", NULL },
	{ "timer_flush", UCMD_TIMER_FLUSH, P_DELAY, 1, 3, "0 [RES [RES2]]", NULL },
	/* the bytes of TEXT (no NUL), as struct ucmd_csum */
	{ "csum", UCMD_CSUM, P_TEXT, 1, 1, "TEXT", NULL },
	{ "counter_add", UCMD_COUNTER_ADD, P_PAIR, 1, 1, "N", NULL },
	{ "counter_info", UCMD_COUNTER_INFO, P_PAIR, 0, 0, "", NULL },
};

#define NR_OPS (sizeof(ops) / sizeof(ops[0]))

static const struct op_desc *op_by_name(const char *s)
{
	for (size_t i = 0; i < NR_OPS; i++)
		if (!strcasecmp(s, ops[i].name))
			return &ops[i];
	return NULL;
}

/*
 * The cmd_ops attached BPF handlers serve, from sysfs bpf_ops ("NAME
 * validate=V handle=1 first=0xOP last=0xOP ..."), so that trace, stats
 * and rules name a user's ops by their instance's name ("myop", or
 * "myop+2" for the third of a range). Read again at most every 200 ms
 * when an op is not found; kept once seen, so that a request an unload
 * cancelled is still named after its handler is gone.
 */
#define BPF_INSTS_MAX	64
#define BPF_LABELS_MAX	256
static struct bpf_inst_ops {
	__u32 first, last;
	char name[UCMD_NAME_LEN];
} bpf_insts[BPF_INSTS_MAX];
static int nr_bpf_insts;
static struct {
	__u32 cmd_op;
	char label[UCMD_NAME_LEN + 12];
} bpf_labels[BPF_LABELS_MAX];
static int nr_bpf_labels;

void cmd_op_names_refresh(void)
{
	static long last_ms = -1000;
	char line[256], name[UCMD_NAME_LEN];
	unsigned int first, last;
	int handle, i;
	FILE *f;

	if (now_ms() - last_ms < 200)
		return;
	last_ms = now_ms();
	f = fopen("/sys/class/misc/" UCMD_DEV_NAME "/bpf_ops", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s validate=%*d handle=%d first=%x last=%x",
			   name, &handle, &first, &last) != 4 || !handle)
			continue;
		for (i = 0; i < nr_bpf_insts; i++)
			if (bpf_insts[i].first == first && bpf_insts[i].last == last &&
			    !strcmp(bpf_insts[i].name, name))
				break;
		if (i < nr_bpf_insts || nr_bpf_insts == BPF_INSTS_MAX)
			continue;
		bpf_insts[i].first = first;
		bpf_insts[i].last = last;
		snprintf(bpf_insts[i].name, sizeof(bpf_insts[i].name), "%s", name);
		nr_bpf_insts++;
	}
	fclose(f);
}

/* The newest instance seen serving @cmd_op, or NULL. */
static const struct bpf_inst_ops *bpf_inst_of(__u32 cmd_op)
{
	for (int i = nr_bpf_insts - 1; i >= 0; i--)
		if (cmd_op >= bpf_insts[i].first && cmd_op <= bpf_insts[i].last)
			return &bpf_insts[i];
	return NULL;
}

static const char *bpf_op_name(__u32 cmd_op)
{
	const struct bpf_inst_ops *in;
	int i;

	for (i = 0; i < nr_bpf_labels; i++)
		if (bpf_labels[i].cmd_op == cmd_op)
			return bpf_labels[i].label;
	in = bpf_inst_of(cmd_op);
	if (!in) {
		cmd_op_names_refresh();
		in = bpf_inst_of(cmd_op);
	}
	if (!in || nr_bpf_labels == BPF_LABELS_MAX)
		return NULL;
	i = nr_bpf_labels++;
	bpf_labels[i].cmd_op = cmd_op;
	if (cmd_op == in->first)
		snprintf(bpf_labels[i].label, sizeof(bpf_labels[i].label), "%s", in->name);
	else
		snprintf(bpf_labels[i].label, sizeof(bpf_labels[i].label), "%s+%u",
			 in->name, cmd_op - in->first);
	return bpf_labels[i].label;
}

int parse_cmd_op(const char *s, __u32 *cmd_op)
{
	const struct op_desc *op = op_by_name(s);
	unsigned long long v;
	char *end;

	if (op) {
		*cmd_op = op->cmd_op;
		return 0;
	}
	/* An attached BPF handler's name: its cmd_op (NAME+K: the K-th next). */
	cmd_op_names_refresh();
	for (int i = nr_bpf_insts - 1; i >= 0; i--) {
		size_t n = strlen(bpf_insts[i].name);
		unsigned long k = 0;

		if (strncmp(s, bpf_insts[i].name, n) || (s[n] && s[n] != '+'))
			continue;
		if (s[n] == '+') {
			k = strtoul(s + n + 1, &end, 10);
			if (!s[n + 1] || *end)
				continue;
		}
		if (k > bpf_insts[i].last - bpf_insts[i].first) {
			p_err("'%s': handler %s serves %u cmd_op%s (%s to %s+%u)", s,
			      bpf_insts[i].name, bpf_insts[i].last - bpf_insts[i].first + 1,
			      bpf_insts[i].last == bpf_insts[i].first ? "" : "s",
			      bpf_insts[i].name, bpf_insts[i].name,
			      bpf_insts[i].last - bpf_insts[i].first);
			return -1;
		}
		*cmd_op = bpf_insts[i].first + k;
		return 0;
	}
	v = strtoull(s, &end, 0);
	if (!*s || *end || v > 0xffffffffULL) {
		p_err("unknown op '%s' (a name such as 'echo', or a cmd_op number)", s);
		return -1;
	}
	*cmd_op = (__u32)v;
	return 0;
}

const char *cmd_op_type(__u32 cmd_op)
{
	for (size_t i = 0; i < NR_OPS; i++)
		if (ops[i].cmd_op == cmd_op)
			return ops[i].type;
	return NULL;
}

const char *cmd_op_name(__u32 cmd_op)
{
	for (size_t i = 0; i < NR_OPS; i++)
		if (ops[i].cmd_op == cmd_op)
			return ops[i].name;
	return bpf_op_name(cmd_op);
}

static int build_payload(const struct op_desc *op, int argc, char **argv,
			 unsigned char *buf)
{
	unsigned long long v[UCMD_SUM_MAX] = { 0 };

	if (argc < op->min_args || argc > op->max_args) {
		p_err("%s takes %s", op->name, *op->args ? op->args : "no arguments");
		return -1;
	}
	for (int i = 0; i < argc && op->kind != P_TEXT; i++)
		if (parse_u64(argv[i], &v[i]))
			return -1;
	switch (op->kind) {
	case P_NONE:
		break;
	case P_ECHO: {
		struct ucmd_echo e = { .res = (int)v[0], .res2 = v[1] };

		memcpy(buf, &e, sizeof(e));
		break;
	}
	case P_DELAY: {
		struct ucmd_delay d = { .delay_us = v[0], .res = (int)v[1],
					.res2_lo = (__u32)v[2] };

		memcpy(buf, &d, sizeof(d));
		break;
	}
	case P_SUM: {
		struct ucmd_sum s = { .count = argc };

		memcpy(s.vals, v, sizeof(s.vals));
		memcpy(buf, &s, sizeof(s));
		break;
	}
	case P_SLEEP: {
		struct ucmd_sleep s = { .sleep_us = (__u32)v[0] };

		memcpy(buf, &s, sizeof(s));
		break;
	}
	case P_PAIR:
		memcpy(buf, v, 2 * sizeof(v[0]));
		break;
	case P_RW: {
		static unsigned char data[UCMD_BUF_SIZE];
		struct ucmd_rw rw = { .addr = (unsigned long)data,
				      .len = (__u32)v[0], .offset = (__u32)v[1] };

		memcpy(buf, &rw, sizeof(rw));
		break;
	}
	case P_TEXT: {
		/* argv lives until the command has completed */
		struct ucmd_csum c = { .addr = (unsigned long)argv[0],
				       .len = strlen(argv[0]) };

		memcpy(buf, &c, sizeof(c));
		break;
	}
	}
	return 0;
}

/*
 * Issue @cmd_op with an 80-byte @payload on an SQE128 + CQE32 ring and
 * wait for its CQE. Returns 0 with *res and *res2 set, or -1 after an
 * error line.
 */
static int issue_one(__u32 cmd_op, const void *payload, int *res,
		     unsigned long long *res2)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int fd, ret;

	fd = open_dev();
	if (fd < 0)
		return -1;
	ret = io_uring_queue_init(4, &ring, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	if (ret) {
		p_err("io_uring_queue_init: %s", strerror(-ret));
		close(fd);
		return -1;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = cmd_op;
	memcpy(sqe->cmd, payload, UCMD_PAYLOAD_SQE128);
	ret = io_uring_submit_and_wait(&ring, 1);
	if (ret >= 0)
		ret = io_uring_peek_cqe(&ring, &cqe);
	if (ret < 0) {
		p_err("io_uring_submit_and_wait: %s", strerror(-ret));
	} else {
		*res = cqe->res;
		*res2 = cqe->big_cqe[0];
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	close(fd);
	return ret < 0 ? -1 : 0;
}

static int cmd_help(int argc, char **argv)
{
	fprintf(stderr, "Usage: %s cmd OP [ARG...]\n       OP := {", bin_name);
	for (size_t i = 0; i < NR_OPS; i++)
		fprintf(stderr, "%s %s%s%s", i ? " |" : "", ops[i].name,
			*ops[i].args ? " " : "", ops[i].args);
	fprintf(stderr, " | CMD_OP_NUMBER [PAYLOAD_U64...] }\n"
		"       Issues one command on an SQE128+CQE32 ring; prints res and res2.\n");
	return 0;
}

int do_cmd(int argc, char **argv)
{
	unsigned char payload[UCMD_PAYLOAD_SQE128] = { 0 };
	unsigned long long res2;
	const struct op_desc *op;
	const char *name, *en;
	__u32 cmd_op;
	int res;

	if (argc < 1 || is_help(argv[0])) {
		cmd_help(argc, argv);
		return argc < 1 ? -1 : 0;
	}
	op = op_by_name(argv[0]);
	if (op) {
		cmd_op = op->cmd_op;
		if (build_payload(op, argc - 1, argv + 1, payload))
			return -1;
	} else {
		/* A raw cmd_op, payload as up to 10 u64 words. */
		if (parse_cmd_op(argv[0], &cmd_op))
			return -1;
		if (argc - 1 > UCMD_PAYLOAD_SQE128 / 8) {
			p_err("at most %d payload words", UCMD_PAYLOAD_SQE128 / 8);
			return -1;
		}
		for (int i = 1; i < argc; i++) {
			unsigned long long v;

			if (parse_u64(argv[i], &v))
				return -1;
			memcpy(payload + 8 * (i - 1), &v, 8);
		}
	}

	if (issue_one(cmd_op, payload, &res, &res2))
		return -1;
	name = cmd_op_name(cmd_op);
	en = res < 0 ? errno_name(-res) : NULL;
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "op", json_object_new_string(name ? name : ""));
		json_object_object_add(o, "cmd_op", json_object_new_uint64(cmd_op));
		json_object_object_add(o, "res", json_object_new_int(res));
		json_object_object_add(o, "errno", json_str(en));
		json_object_object_add(o, "res2", json_object_new_uint64(res2));
		json_print(o);
	} else
		printf("%-12s cmd_op 0x%08x  res %d%s%s%s  res2 0x%llx\n",
		       name ? name : "-", cmd_op, res, en ? " (" : "",
		       en ? en : "", en ? ")" : "", res2);
	return 0;
}

int do_feature(int argc, char **argv)
{
	static const char *const names[] = {
		"nop", "echo", "delay (async, cancelable)", "sum (SQE128)",
		"res2 (CQE32)", "handler API", "tracepoints", "sleep (io-wq)",
		"read/write (fixed buffers)", "BPF struct_ops (ucmd_ops)",
		"URING_CMD128 (SQE_MIXED rings)", "res2 on CQE_MIXED rings",
		"IOPOLL rings", "readv/writev", "readv/writev (fixed buffers)",
	};
	char why[256], lsm_why[640];
	unsigned char payload[UCMD_PAYLOAD_SQE128] = { 0 };
	unsigned long long mask = 0, res2;
	struct ucmd_features f = { .addr = (unsigned long)&mask };
	struct utsname u;
	int res, st, lsm;

	if (argc && is_help(argv[0])) {
		fprintf(stderr, "Usage: %s feature\n", bin_name);
		return 0;
	}
	memcpy(payload, &f, sizeof(f));
	uname(&u);
	if (issue_one(UCMD_CMD_GET_FEATURES, payload, &res, &res2))
		return -1;
	if (res < 0) {
		p_err("GET_FEATURES failed: %s", strerror(-res));
		return -1;
	}
	st = bpf_available(why, sizeof(why));
	lsm = bpf_lsm_active(lsm_why, sizeof(lsm_why));
	if (json_output) {
		struct json_object *o = json_object_new_object();
		char lv[16];

		snprintf(lv, sizeof(lv), "%u.%u", libbpf_major_version(),
			 libbpf_minor_version());
		json_object_object_add(o, "kernel", json_object_new_string(u.release));
		json_object_object_add(o, "features", json_object_new_uint64(mask));
		json_object_object_add(o, "struct_ops", json_object_new_boolean(st));
		json_object_object_add(o, "bpf", json_object_new_string(why));
		json_object_object_add(o, "libbpf", json_object_new_string(lv));
		json_object_object_add(o, "bpf_lsm", json_object_new_boolean(lsm));
		json_object_object_add(o, "bpf_lsm_why", json_object_new_string(lsm_why));
		json_print(o);
		return 0;
	}
	printf("kernel       %s\nlibbpf       %u.%u\nfeatures     0x%llx\n", u.release,
	       libbpf_major_version(), libbpf_minor_version(), mask);
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		printf("  %-30s %s\n", names[i],
		       mask & (1ULL << i) ? "yes" : 1ULL << i == UCMD_F_BPF ? why : "no");
	printf("BPF LSM (policies on any device's uring_cmd) %s\n", lsm_why);
	return 0;
}
