// SPDX-License-Identifier: GPL-2.0
/*
 * ucmdctl: the ucmd command-line tool, bpftool style: ucmdctl OBJECT COMMAND.
 *
 *   ucmdctl cmd OP [ARG...]    issue one uring_cmd on /dev/ucmd, print its CQE
 *   ucmdctl feature            what the kernel and module support
 *
 * Errors are one line on stderr ("Error: ..."), or {"error":...} with -j.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <liburing.h>
#include <linux/ucmd.h>

static int json_output;

static void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (json_output) {
		printf("{\"error\":\"");
		vprintf(fmt, ap);
		printf("\"}\n");
	} else {
		fprintf(stderr, "Error: ");
		vfprintf(stderr, fmt, ap);
		fprintf(stderr, "\n");
	}
	va_end(ap);
}

static const char *errno_name(int err)
{
	static const struct { int e; const char *n; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" },
		{ ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
		{ EAGAIN, "EAGAIN" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ ECANCELED, "ECANCELED" }, { ETIME, "ETIME" },
		{ EACCES, "EACCES" }, { ENODATA, "ENODATA" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			return names[i].n;
	return NULL;
}

static int open_dev(void)
{
	int fd = open("/dev/" UCMD_DEV_NAME, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		p_err("cannot open /dev/%s: %s%s", UCMD_DEV_NAME, strerror(errno),
		      errno == ENOENT ? " (is the ucmd module loaded?)" : "");
	return fd;
}

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || !*s || *end) {
		p_err("'%s' is not a number", s);
		return -1;
	}
	return 0;
}

/* Built-in ops by name, with how many numeric arguments each takes. */
static const struct op_desc {
	const char *name;
	unsigned int cmd_op;
	int min_args, max_args;
	const char *args;
} ops[] = {
	{ "nop", UCMD_CMD_NOP, 0, 0, "" },
	{ "get_features", UCMD_CMD_GET_FEATURES, 0, 0, "" },
	{ "echo", UCMD_CMD_ECHO, 1, 2, "RES [RES2]" },
	{ "delay", UCMD_CMD_DELAY, 1, 3, "USEC [RES [RES2]]" },
	{ "sum", UCMD_CMD_SUM, 0, UCMD_SUM_MAX, "[VAL...]" },
};

static int build_payload(const struct op_desc *op, int argc, char **argv,
			 unsigned char *buf)
{
	unsigned long long v[UCMD_SUM_MAX] = { 0 };

	if (argc < op->min_args || argc > op->max_args) {
		p_err("%s takes %s", op->name, *op->args ? op->args : "no arguments");
		return -1;
	}
	for (int i = 0; i < argc; i++)
		if (parse_u64(argv[i], &v[i]))
			return -1;
	switch (op->cmd_op) {
	case UCMD_CMD_ECHO: {
		struct ucmd_echo e = { .res = (int)v[0], .res2 = v[1] };

		memcpy(buf, &e, sizeof(e));
		break;
	}
	case UCMD_CMD_DELAY: {
		struct ucmd_delay d = { .delay_us = v[0], .res = (int)v[1],
					.res2_lo = (unsigned int)v[2] };

		memcpy(buf, &d, sizeof(d));
		break;
	}
	case UCMD_CMD_SUM: {
		struct ucmd_sum s = { .count = argc };

		memcpy(s.vals, v, sizeof(s.vals));
		memcpy(buf, &s, sizeof(s));
		break;
	}
	}
	return 0;
}

static int do_cmd(int argc, char **argv)
{
	unsigned char payload[UCMD_PAYLOAD_SQE128] = { 0 };
	const struct op_desc *op = NULL;
	unsigned long long cmd_op;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	const char *en;
	int fd, ret;

	if (argc < 1 || !strcmp(argv[0], "help")) {
		fprintf(stderr, "Usage: ucmdctl cmd OP [ARG...]\n"
			"       OP := { nop | get_features | echo RES [RES2] |\n"
			"               delay USEC [RES [RES2]] | sum [VAL...] | CMD_OP_NUMBER }\n");
		return argc < 1 ? -1 : 0;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcasecmp(argv[0], ops[i].name))
			op = &ops[i];
	if (op) {
		cmd_op = op->cmd_op;
		if (build_payload(op, argc - 1, argv + 1, payload))
			return -1;
	} else if (parse_u64(argv[0], &cmd_op) == 0 && argc == 1) {
		/* A raw cmd_op: for opcodes this tool does not know yet. */
	} else {
		if (!op && argc > 1)
			p_err("unknown op '%s'", argv[0]);
		return -1;
	}

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
	sqe->cmd_op = (unsigned int)cmd_op;
	memcpy(sqe->cmd, payload, sizeof(payload));
	ret = io_uring_submit_and_wait(&ring, 1);
	if (ret < 0 || io_uring_peek_cqe(&ring, &cqe)) {
		p_err("io_uring_submit_and_wait: %s", strerror(-ret));
		goto out;
	}
	en = cqe->res < 0 ? errno_name(-cqe->res) : NULL;
	if (json_output)
		printf("{\"op\":\"%s\",\"cmd_op\":%u,\"res\":%d,%s%s%s\"res2\":%llu}\n",
		       op ? op->name : "raw", (unsigned int)cmd_op, cqe->res,
		       en ? "\"errno\":\"" : "", en ? en : "", en ? "\"," : "",
		       (unsigned long long)cqe->big_cqe[0]);
	else
		printf("%-12s cmd_op 0x%08x  res %d%s%s%s  res2 0x%llx\n",
		       op ? op->name : "raw", (unsigned int)cmd_op, cqe->res,
		       en ? " (" : "", en ? en : "", en ? ")" : "",
		       (unsigned long long)cqe->big_cqe[0]);
	io_uring_cqe_seen(&ring, cqe);
	ret = 0;
out:
	io_uring_queue_exit(&ring);
	close(fd);
	return ret;
}

static int do_feature(int argc, char **argv)
{
	unsigned long long mask = 0;
	struct ucmd_features f = { .addr = (unsigned long)&mask };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct utsname u;
	int fd, ret;

	(void)argc; (void)argv;
	uname(&u);
	fd = open_dev();
	if (fd < 0)
		return -1;
	ret = io_uring_queue_init(2, &ring, 0);
	if (ret) {
		p_err("io_uring_queue_init: %s", strerror(-ret));
		close(fd);
		return -1;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = UCMD_CMD_GET_FEATURES;
	memcpy(sqe->cmd, &f, sizeof(f));
	ret = io_uring_submit_and_wait(&ring, 1);
	if (ret < 0 || io_uring_peek_cqe(&ring, &cqe) || cqe->res < 0) {
		p_err("GET_FEATURES failed");
		io_uring_queue_exit(&ring);
		close(fd);
		return -1;
	}
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
	close(fd);
	if (json_output) {
		printf("{\"kernel\":\"%s\",\"features\":%llu}\n", u.release, mask);
		return 0;
	}
	printf("kernel     %s\nfeatures   0x%llx\n", u.release, mask);
	static const char *const names[] = {
		"nop", "echo", "delay (async, cancelable)", "sum (SQE128)",
		"res2 (CQE32)", "handler API", "tracepoints",
	};
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		printf("  %-28s %s\n", names[i], mask & (1ULL << i) ? "yes" : "no");
	return 0;
}

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "cmd", do_cmd },
	{ "feature", do_feature },
};

static void usage(void)
{
	fprintf(stderr,
		"Usage: ucmdctl [OPTIONS] OBJECT { COMMAND | help }\n"
		"       OBJECT := { cmd | feature }\n"
		"       OPTIONS := { -j|--json }\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const struct cmd *match = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_output = 1;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage();
		return 1;
	}
	/* Prefix matching, as bpftool does: "ucmdctl f" is "feature". */
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strncmp(cmds[i].name, argv[0], strlen(argv[0])))
			continue;
		if (match) {
			p_err("'%s' is ambiguous", argv[0]);
			return 1;
		}
		match = &cmds[i];
	}
	if (!match) {
		p_err("unknown object '%s'", argv[0]);
		usage();
		return 1;
	}
	return match->fn(argc - 1, argv + 1) ? 1 : 0;
}
