// SPDX-License-Identifier: GPL-2.0
/*
 * ucmdctl rule add|del|list: edit the pinned "rules" map of a loaded
 * rules policy (bpf/rules.bpf.c). Changes take effect on the next request,
 * without reloading anything.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"
#include <json-c/json.h>

#include "main.h"

struct rule_args {
	__u32 cmd_op;
	__u32 uid;
	int verdict;
	const char *policy;
};

/* [allow | deny [ERRNO]] [uid UID] [policy NAME], from argv. */
static int parse_rule(int argc, char **argv, struct rule_args *r, bool verdict)
{
	r->uid = UCMD_RULE_ANY_UID;
	r->verdict = 0;
	r->policy = "rules";
	if (argc < 1 || parse_cmd_op(argv[0], &r->cmd_op))
		return argc < 1 ? (p_err("missing OP"), -1) : -1;
	argc--, argv++;
	if (verdict) {
		if (argc < 1) {
			p_err("missing verdict: allow | deny [ERRNO]");
			return -1;
		}
		if (!strcmp(argv[0], "allow")) {
			argc--, argv++;
		} else if (!strcmp(argv[0], "deny")) {
			r->verdict = -EPERM;
			argc--, argv++;
			if (argc && strcmp(argv[0], "uid") && strcmp(argv[0], "policy")) {
				int e = errno_parse(argv[0]);

				if (e < 0) {
					p_err("'%s' is not an errno (EPERM, EACCES, 13...)", argv[0]);
					return -1;
				}
				r->verdict = -e;
				argc--, argv++;
			}
		} else {
			p_err("verdict must be 'allow' or 'deny [ERRNO]', not '%s'", argv[0]);
			return -1;
		}
	}
	while (argc >= 2) {
		unsigned long long v;

		if (!strcmp(argv[0], "uid")) {
			if (parse_u64(argv[1], &v))
				return -1;
			r->uid = (__u32)v;
		} else if (!strcmp(argv[0], "policy")) {
			r->policy = argv[1];
		} else {
			break;
		}
		argc -= 2, argv += 2;
	}
	if (argc) {
		p_err("unexpected '%s'", argv[0]);
		return -1;
	}
	return 0;
}

static int open_rules(const char *policy)
{
	char pin[PATH_MAX];
	int fd;

	snprintf(pin, sizeof(pin), "%s/%s/rules", UCMD_BPFFS_DIR, policy);
	fd = bpf_obj_get(pin);
	if (fd < 0) {
		if (errno == EPERM || errno == EACCES)
			p_err("%s: permission denied (%s)", pin, errno_name(errno));
		else
			p_err("no rules map at %s (load it: %s policy load rules)", pin,
			      bin_name);
	}
	return fd;
}

/* rule add (@add) or rule del: one map update or delete. */
static int edit_rule(int argc, char **argv, bool add)
{
	struct ucmd_rule val = { 0 };
	struct ucmd_rule_key key;
	struct rule_args r;
	int fd, err;

	if (parse_rule(argc, argv, &r, add))
		return -1;
	fd = open_rules(r.policy);
	if (fd < 0)
		return -1;
	key.cmd_op = r.cmd_op;
	key.uid = r.uid;
	val.verdict = r.verdict;
	err = add ? bpf_map_update_elem(fd, &key, &val, BPF_ANY) :
		    bpf_map_delete_elem(fd, &key);
	close(fd);
	if (err && add)
		p_err("update rules: %s", strerror(errno));
	else if (err)
		p_err("no such rule (%s)", errno_name(errno) ?: strerror(errno));
	else if (json_output)
		json_print(NULL);	/* "null", as bpftool -j on success */
	return err ? -1 : 0;
}

static int do_add(int argc, char **argv)
{
	return edit_rule(argc, argv, true);
}

static int do_del(int argc, char **argv)
{
	return edit_rule(argc, argv, false);
}

static int do_list(int argc, char **argv)
{
	struct ucmd_rule_key key, next, *prev = NULL;
	const char *policy = "rules";
	struct json_object *arr;
	int fd, n = 0;

	if (argc == 2 && !strcmp(argv[0], "policy"))
		policy = argv[1];
	else if (argc) {
		p_err("usage: %s rule list [policy NAME]", bin_name);
		return -1;
	}
	fd = open_rules(policy);
	if (fd < 0)
		return -1;
	arr = json_output ? json_object_new_array() : NULL;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct ucmd_rule val;
		const char *name = cmd_op_name(next.cmd_op);
		const char *en;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val))
			continue;
		en = val.verdict ? errno_name(-val.verdict) : NULL;
		if (arr) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "cmd_op", json_object_new_uint64(key.cmd_op));
			json_object_object_add(o, "op", json_object_new_string(name ? name : ""));
			json_object_object_add(o, "uid", key.uid == UCMD_RULE_ANY_UID ? NULL :
					       json_object_new_uint64(key.uid));
			json_object_object_add(o, "verdict", json_object_new_int(val.verdict));
			json_object_object_add(o, "hits", json_object_new_uint64(val.hits));
			json_object_array_add(arr, o);
		} else {
			char uid[16];

			snprintf(uid, sizeof(uid), "%u", key.uid);
			printf("%-12s 0x%08x  uid %-5s  %s%s%s  hits %llu\n",
			       name ? name : "-", key.cmd_op,
			       key.uid == UCMD_RULE_ANY_UID ? "any" : uid,
			       val.verdict ? "deny " : "allow", en ? en : "",
			       !en && val.verdict ? "?" : "",
			       (unsigned long long)val.hits);
		}
		n++;
	}
	close(fd);
	if (arr)
		json_print(arr);
	else if (!n)
		printf("no rules\n");
	return 0;
}

static int rule_help(int argc, char **argv)
{
	fprintf(stderr,
		"Usage: %s rule add OP { allow | deny [ERRNO] } [uid UID] [policy NAME]\n"
		"       %s rule del OP [uid UID] [policy NAME]\n"
		"       %s rule list [policy NAME]\n"
		"       OP := { nop | echo | delay | ... | CMD_OP_NUMBER }\n"
		"  A rule for the submitter's uid wins over one for any uid; deny\n"
		"  without ERRNO is EPERM. NAME defaults to 'rules'.\n",
		bin_name, bin_name, bin_name);
	return 0;
}

static const struct cmd rule_cmds[] = {
	{ "add", do_add },
	{ "del", do_del },
	{ "list", do_list },
	{ "help", rule_help },
	{ 0 }
};

int do_rule(int argc, char **argv)
{
	return cmd_select(rule_cmds, argc, argv, rule_help);
}
