// SPDX-License-Identifier: GPL-2.0
/*
 * ucmdctl rule add|del|list|default: edit the pinned maps of a loaded
 * rules policy (bpf/rules.bpf.c). A cmd_op's rules are one struct
 * ucmd_rule_set in an inner map of their own, replaced whole by one
 * update of the "rules" map (ucmd_rules_write(), bpf/ucmd_rules_user.h):
 * the policy sees the old set or the new one, never a mix nor another
 * cmd_op's, and a change takes effect on the next request without
 * reloading anything. Every
 * token is checked before the map is touched, so a bad line changes
 * nothing. Field names come from ucmd.ko's BTF (the UAPI payload
 * structs it emits), never from a table of our own.
 *
 * Concurrent ucmdctl rule writers on one cmd_op race (last write wins);
 * hit counts of a set's other rules lose the increments made between
 * the read and the write.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"
#include "ucmd_rules_user.h"
#include <json-c/json.h>

#include "main.h"
#include "lsm.h"

static const char *const cmp_names[] = {
	[UCMD_CMP_EQ] = "eq", [UCMD_CMP_NE] = "ne", [UCMD_CMP_LT] = "lt",
	[UCMD_CMP_LE] = "le", [UCMD_CMP_GT] = "gt", [UCMD_CMP_GE] = "ge",
	[UCMD_CMP_MASK] = "mask",
};
#define NR_CMPS (sizeof(cmp_names) / sizeof(cmp_names[0]))

static const char *const scope_names[] = {
	[UCMD_SCOPE_ANY] = "any", [UCMD_SCOPE_UID] = "uid",
	[UCMD_SCOPE_GID] = "gid", [UCMD_SCOPE_CGROUP] = "cgroup",
};

struct rule_args {
	__u32 cmd_op;
	const char *policy;
	struct ucmd_rule rule;
	const char *cgroup;	/* the PATH given, for messages */
	/* The LSM policy (bpf/lsm.bpf.c): 'device PATH', its ops. */
	const char *device;
	__u32 dev;
	struct lsm_op op;	/* nr_ops 0: just cmd_op */
};

/* A rules map's key: the cmd_op, or for the LSM policy (device, cmd_op). */
union rules_key {
	__u32 cmd_op;
	struct ucmd_lsm_key lsm;
};

/* cgroup v2 PATH -> its id (the kernfs node id) and depth below the root. */
static int parse_cgroup(const char *path, struct ucmd_rule *r)
{
	char real[PATH_MAX], line[4096], root[PATH_MAX] = "";
	struct {
		struct file_handle fh;
		__u64 id;
	} h = { .fh.handle_bytes = sizeof(__u64) };
	int mnt, level = 0;
	FILE *f;

	if (!realpath(path, real)) {
		p_err("cgroup '%s': %s", path, strerror(errno));
		return -1;
	}
	f = fopen("/proc/self/mountinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char mp[PATH_MAX], *sep = strstr(line, " - ");

		if (sep && !strncmp(sep, " - cgroup2 ", 11) &&
		    sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 &&
		    !strncmp(real, mp, strlen(mp)) &&
		    (real[strlen(mp)] == '/' || !real[strlen(mp)] || !strcmp(mp, "/")))
			snprintf(root, sizeof(root), "%s", mp);
	}
	if (f)
		fclose(f);
	if (!*root) {
		p_err("cgroup '%s': not in a cgroup v2 hierarchy", path);
		return -1;
	}
	for (const char *p = real + strlen(root); *p; p++)
		if (*p == '/' && p[1])
			level++;
	if (name_to_handle_at(AT_FDCWD, real, &h.fh, &mnt, 0)) {
		p_err("cgroup '%s': %s", path, strerror(errno));
		return -1;
	}
	if (level > 255) {
		p_err("cgroup '%s': nested too deep", path);
		return -1;
	}
	r->scope = UCMD_SCOPE_CGROUP;
	r->scope_id = h.id;
	r->scope_level = level;
	return 0;
}

/*
 * FIELD of @cmd_op's payload: NAME, NAME[INDEX] (members of the payload
 * struct in ucmd.ko's BTF) or OFFSET:SIZE. Fills offset, size, flags.
 */
static int parse_field(__u32 cmd_op, const char *s, struct ucmd_rule_cond *c)
{
	const char *type = cmd_op_type(cmd_op), *name = cmd_op_name(cmd_op);
	const struct btf_member *m;
	const struct btf_type *t;
	unsigned long off, size;
	struct btf *btf;
	char base[64], *end;
	long idx = -1;
	int id;

	if (!strchr(s, ':')) {
		id = lsm_field(cmd_op, s, c);
		if (id)
			return id > 0 ? 0 : -1;
	}
	if (strchr(s, ':')) {
		off = strtoul(s, &end, 0);
		if (end == s || *end != ':')
			goto bad_spec;
		size = strtoul(end + 1, &end, 0);
		if (*end || (size != 1 && size != 2 && size != 4 && size != 8))
			goto bad_spec;
		if (off + size > _IOC_SIZE(cmd_op)) {
			p_err("field '%s' reaches past the %u-byte payload of cmd_op 0x%08x",
			      s, _IOC_SIZE(cmd_op), cmd_op);
			return -1;
		}
		c->offset = off;
		c->size = size;
		return 0;
	}
	if (!type) {
		p_err("field '%s': op %s has no payload struct in ucmd's BTF; give the field as OFFSET:SIZE",
		      s, name ? name : "(by number)");
		return -1;
	}
	btf = module_btf();
	if (!btf) {
		p_err("field '%s': cannot read ucmd.ko's BTF (/sys/kernel/btf/ucmd): %s",
		      s, strerror(errno));
		return -1;
	}
	snprintf(base, sizeof(base), "%s", s);
	if ((end = strchr(base, '['))) {
		char *close;

		*end = '\0';
		idx = strtol(end + 1, &close, 10);
		if (close == end + 1 || *close != ']' || close[1] || idx < 0)
			goto bad_spec;
	}
	id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	if (id < 0) {
		p_err("field '%s': no struct %s in ucmd's BTF", s, type);
		return -1;
	}
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const struct btf_type *mt;
		__u32 tid;

		if (strcmp(btf__name_by_offset(btf, m->name_off), base))
			continue;
		tid = btf__resolve_type(btf, m->type);
		mt = btf__type_by_id(btf, tid);
		off = btf_member_bit_offset(t, i) / 8;
		if (btf_is_array(mt)) {
			const struct btf_array *a = btf_array(mt);

			if (idx < 0 || (unsigned long)idx >= a->nelems) {
				p_err("field '%s': %s is an array of %u: name an element, %s[0..%u]",
				      s, base, a->nelems, base, a->nelems - 1);
				return -1;
			}
			tid = btf__resolve_type(btf, a->type);
			mt = btf__type_by_id(btf, tid);
			off += idx * btf__resolve_size(btf, tid);
		} else if (idx >= 0) {
			p_err("field '%s': %s is not an array", s, base);
			return -1;
		}
		if (!btf_is_int(mt)) {
			p_err("field '%s' of struct %s is not an integer", s, type);
			return -1;
		}
		c->offset = off;
		c->size = btf__resolve_size(btf, tid);
		if (btf_int_encoding(mt) & BTF_INT_SIGNED)
			c->flags |= UCMD_COND_SIGNED;
		return 0;
	}
	{
		char names[256] = "";

		m = btf_members(t);
		for (int i = 0; i < btf_vlen(t); i++, m++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i ? " " : "", btf__name_by_offset(btf, m->name_off));
		p_err("'%s' is not a field of struct %s (%s)", s, type, names);
	}
	return -1;
bad_spec:
	p_err("field '%s': want NAME, NAME[INDEX] or OFFSET:SIZE (SIZE 1, 2, 4 or 8)", s);
	return -1;
}

/* VALUE for a field of c->size bytes (signed if flagged), decimal or hex. */
static int parse_value(const char *field, const char *s, struct ucmd_rule_cond *c)
{
	unsigned int bits = 8 * c->size;
	char *end;

	errno = 0;
	if (*s == '-') {
		long long v = strtoll(s, &end, 0);
		long long min = bits == 64 ? LLONG_MIN : -(1LL << (bits - 1));

		if (!*end && !errno && c->cmp == UCMD_CMP_MASK)
			goto range;
		if (*end || errno)
			goto nan;
		if (!(c->flags & UCMD_COND_SIGNED) || v < min)
			goto range;
		c->value = (__u64)v;
		return 0;
	} else {
		unsigned long long v = strtoull(s, &end, 0);
		unsigned long long max;

		if (!*s || *end || errno)
			goto nan;
		max = bits == 64 ? ULLONG_MAX : (1ULL << bits) - 1;
		if ((c->flags & UCMD_COND_SIGNED) && c->cmp != UCMD_CMP_MASK)
			max >>= 1;
		if (v > max)
			goto range;
		c->value = v;
		return 0;
	}
nan:
	p_err("value '%s' is not a number (decimal or 0x hex)", s);
	return -1;
range:
	p_err("value '%s' is out of range for %s %u-byte field '%s'", s,
	      c->flags & UCMD_COND_SIGNED ? "signed" : "unsigned", c->size, field);
	return -1;
}

/*
 * OP [allow | deny [ERRNO]] [uid N | gid N | cgroup PATH]
 * [if FIELD CMP VALUE]... [policy NAME]; the verdict only when @verdict.
 */
static int parse_rule(int argc, char **argv, struct rule_args *r, bool verdict)
{
	struct ucmd_rule *ru = &r->rule;

	memset(r, 0, sizeof(*r));
	r->policy = "rules";
	if (argc < 1) {
		p_err("missing OP");
		return -1;
	}
	switch (lsm_parse_op(argv[0], &r->op)) {
	case 1:
		r->cmd_op = r->op.cmd_ops[0];
		if (r->op.has_opcode) {	/* "opcode eq N", the first condition */
			ru->conds[0].offset = 0;
			ru->conds[0].size = 1;
			ru->conds[0].cmp = UCMD_CMP_EQ;
			ru->conds[0].value = r->op.opcode;
			ru->nr_conds = 1;
		}
		break;
	case 0:
		if (parse_cmd_op(argv[0], &r->cmd_op))
			return -1;
		r->op.cmd_ops[0] = r->cmd_op;
		r->op.nr_ops = 1;
		break;
	default:
		return -1;
	}
	argc--, argv++;
	if (verdict) {
		if (argc < 1) {
			p_err("missing verdict: allow | deny [ERRNO]");
			return -1;
		}
		if (!strcmp(argv[0], "allow")) {
			argc--, argv++;
		} else if (!strcmp(argv[0], "deny")) {
			ru->verdict = -EPERM;
			argc--, argv++;
			if (argc && strcmp(argv[0], "uid") && strcmp(argv[0], "gid") &&
			    strcmp(argv[0], "cgroup") && strcmp(argv[0], "if") &&
			    strcmp(argv[0], "policy") && strcmp(argv[0], "device")) {
				int e = errno_parse(argv[0]);

				if (e <= 0 || e > 511) {
					p_err("'%s' is not an errno (EPERM, EACCES, 13...)", argv[0]);
					return -1;
				}
				ru->verdict = -e;
				argc--, argv++;
			}
		} else {
			p_err("verdict must be 'allow' or 'deny [ERRNO]', not '%s'", argv[0]);
			return -1;
		}
	}
	while (argc) {
		const char *kw = argv[0];

		if (!strcmp(kw, "if")) {
			struct ucmd_rule_cond *c;
			size_t k;

			if (argc < 4) {
				p_err("'if' wants FIELD CMP VALUE");
				return -1;
			}
			if (ru->nr_conds == UCMD_RULE_MAX_CONDS) {
				p_err("'if %s': at most %d conditions in a rule", argv[1],
				      UCMD_RULE_MAX_CONDS);
				return -1;
			}
			c = &ru->conds[ru->nr_conds];
			if (parse_field(r->cmd_op, argv[1], c))
				return -1;
			for (k = 0; k < NR_CMPS && strcmp(argv[2], cmp_names[k]); k++)
				;
			if (k == NR_CMPS) {
				p_err("'%s' is not a comparison (eq ne lt le gt ge mask)", argv[2]);
				return -1;
			}
			c->cmp = k;
			if (parse_value(argv[1], argv[3], c))
				return -1;
			ru->nr_conds++;
			argc -= 4, argv += 4;
			continue;
		}
		if (argc < 2) {
			p_err("'%s' wants a value", kw);
			return -1;
		}
		if ((!strcmp(kw, "uid") || !strcmp(kw, "gid") || !strcmp(kw, "cgroup")) &&
		    ru->scope != UCMD_SCOPE_ANY) {
			p_err("'%s %s': a rule has one scope", kw, argv[1]);
			return -1;
		}
		if (!strcmp(kw, "uid") || !strcmp(kw, "gid")) {
			if (parse_id(kw, argv[1], &ru->scope_id))
				return -1;
			ru->scope = kw[0] == 'u' ? UCMD_SCOPE_UID : UCMD_SCOPE_GID;
		} else if (!strcmp(kw, "cgroup")) {
			if (parse_cgroup(argv[1], ru))
				return -1;
			r->cgroup = argv[1];
		} else if (!strcmp(kw, "policy")) {
			r->policy = argv[1];
		} else if (!strcmp(kw, "device") && !r->device) {
			if (lsm_parse_device(argv[1], &r->dev))
				return -1;
			r->device = argv[1];
		} else {
			p_err("unexpected '%s'", kw);
			return -1;
		}
		argc -= 2, argv += 2;
	}
	if (r->device && !strcmp(r->policy, "rules"))
		r->policy = "lsm";	/* 'device': the LSM policy's rule */
	return 0;
}

static int open_map(const char *policy, const char *map)
{
	char pin[PATH_MAX];
	int fd;

	snprintf(pin, sizeof(pin), "%s/%s/%s", UCMD_BPFFS_DIR, policy, map);
	fd = bpf_obj_get(pin);
	if (fd < 0) {
		if (errno == EPERM || errno == EACCES)
			p_err("%s: permission denied (%s)", pin, errno_name(errno));
		else
			p_err("no %s map at %s (load it: %s policy load rules)", map, pin,
			      bin_name);
	}
	return fd;
}

/* Same scope and conditions: the same rule, whatever its verdict. */
static bool same_rule(const struct ucmd_rule *a, const struct ucmd_rule *b)
{
	return a->scope == b->scope && a->scope_id == b->scope_id &&
	       a->nr_conds == b->nr_conds &&
	       !memcmp(a->conds, b->conds, a->nr_conds * sizeof(a->conds[0]));
}

/*
 * Open @r's policy's "rules" map and check it takes @r's key: the LSM
 * policy's (device, cmd_op) with 'device', a ucmd policy's cmd_op
 * without. The fd, or -1 after an error line.
 */
static int open_rules(const struct rule_args *r)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi);
	int fd = open_map(r->policy, "rules");

	if (fd < 0)
		return -1;
	if (bpf_map_get_info_by_fd(fd, &mi, &len)) {
		p_err("rules map of '%s': %s", r->policy, strerror(errno));
	} else if (mi.key_size == sizeof(struct ucmd_lsm_key) && !r->device) {
		p_err("policy '%s' is an LSM policy: its rules name a device (device PATH)",
		      r->policy);
	} else if (mi.key_size == sizeof(__u32) && r->device) {
		p_err("'device %s': policy '%s' polices /dev/ucmd only (devices: %s policy load lsm)",
		      r->device, r->policy, bin_name);
	} else {
		return fd;
	}
	close(fd);
	return -1;
}

/* An LSM policy's device entry, added (default allow) if absent. */
static int lsm_device_add(const char *policy, __u32 dev)
{
	struct ucmd_lsm_device d = { 0 };
	int fd = open_map(policy, "devices"), err = 0;

	if (fd < 0)
		return -1;
	if (bpf_map_update_elem(fd, &dev, &d, BPF_NOEXIST) && errno != EEXIST) {
		p_err("update devices: %s", strerror(errno));
		err = -1;
	}
	close(fd);
	return err;
}

/* rule add (@add) or rule del of one cmd_op: one read and one write. */
static int edit_op(int fd, const struct rule_args *r, __u32 cmd_op, bool add)
{
	struct ucmd_rule_set set = { 0 };
	union rules_key key = { 0 };
	unsigned int i, at;
	int err;

	if (r->device) {
		key.lsm.dev = r->dev;
		key.lsm.cmd_op = cmd_op;
	} else {
		key.cmd_op = cmd_op;
	}
	if (ucmd_rules_read_key(fd, &key, &set))
		set.nr_rules = 0;
	for (i = 0; i < set.nr_rules && !same_rule(&set.rules[i], &r->rule); i++)
		;
	if (!add) {
		if (i == set.nr_rules) {
			p_err("no such rule for cmd_op 0x%08x%s%s (see '%s rule list%s%s')",
			      cmd_op, r->device ? " on " : "", r->device ? r->device : "",
			      bin_name, r->device ? " policy " : "", r->device ? r->policy : "");
			return -1;
		}
		memmove(&set.rules[i], &set.rules[i + 1],
			(set.nr_rules - i - 1) * sizeof(set.rules[0]));
		set.nr_rules--;
	} else if (i < set.nr_rules) {
		set.rules[i] = r->rule;		/* new verdict, hits from 0 */
	} else {
		if (set.nr_rules == UCMD_RULES_PER_OP) {
			p_err("cmd_op 0x%08x has %d rules already (UCMD_RULES_PER_OP)",
			      cmd_op, UCMD_RULES_PER_OP);
			return -1;
		}
		/* Scoped rules first, each group in the order added. */
		at = set.nr_rules;
		if (r->rule.scope != UCMD_SCOPE_ANY)
			for (at = 0; at < set.nr_rules &&
			     set.rules[at].scope != UCMD_SCOPE_ANY; at++)
				;
		memmove(&set.rules[at + 1], &set.rules[at],
			(set.nr_rules - at) * sizeof(set.rules[0]));
		set.rules[at] = r->rule;
		set.nr_rules++;
	}
	err = set.nr_rules ? ucmd_rules_write_key(fd, &key, &set) :
			     (bpf_map_delete_elem(fd, &key) ? -errno : 0);
	if (err)
		p_err("update rules: %s", strerror(-err));
	return err ? -1 : 0;
}

/*
 * After a rule with field conditions on a device: what those conditions
 * read, and the race if the device judges the SQ ring's bytes.
 */
static void lsm_stable_note(const struct rule_args *r)
{
	struct ucmd_lsm_device d = { 0 };
	int fd = open_map(r->policy, "devices");

	if (fd < 0)
		return;
	bpf_map_lookup_elem(fd, &r->dev, &d);
	close(fd);
	if (d.flags & UCMD_LSM_RING_SQE)
		fprintf(stderr, "Warning: %s judges field conditions on the SQ ring's bytes ('sqe ring'): the submitter can rewrite them after the check, before the driver reads them, and pass this rule (docs/system.md)\n",
			r->device);
	else
		fprintf(stderr, "Note: field conditions are judged only on SQEs io_uring copied before the check (IOSQE_ASYNC); %s's other submissions of this op get EPERM (counted as unstable in 'rule list')\n",
			r->device);
}

/*
 * rule add (@add) or rule del. A named NVMe opcode is two cmd_ops (plain
 * and vectored), each its own set, written one after the other.
 */
static int edit_rule(int argc, char **argv, bool add)
{
	struct rule_args r;
	int fd, err = 0;

	if (parse_rule(argc, argv, &r, add))
		return -1;
	if (!r.device && lsm_op_name(r.cmd_op)) {
		p_err("'%s' is another driver's cmd_op: name the device it goes to (device PATH)",
		      argv[0]);
		return -1;
	}
	fd = open_rules(&r);
	if (fd < 0)
		return -1;
	if (r.device && add && lsm_device_add(r.policy, r.dev))
		err = -1;
	for (int i = 0; !err && i < r.op.nr_ops; i++)
		err = edit_op(fd, &r, r.op.cmd_ops[i], add);
	close(fd);
	if (!err && add && r.device && r.rule.nr_conds)
		lsm_stable_note(&r);
	if (!err && json_output)
		json_print(NULL);	/* "null", as bpftool -j on success */
	return err;
}

static int do_add(int argc, char **argv)
{
	return edit_rule(argc, argv, true);
}

static int do_del(int argc, char **argv)
{
	return edit_rule(argc, argv, false);
}

/**
 * rules_set_default() - write the default verdict of a rules policy
 * @fd: its "defaults" map
 * @verdict: 0 (allow) or -errno (deny)
 *
 * Return: 0, or -1 after an error line.
 */
int rules_set_default(int fd, int verdict)
{
	struct ucmd_rule_default d = { .verdict = verdict };
	__u32 zero = 0;

	if (bpf_map_update_elem(fd, &zero, &d, BPF_ANY)) {
		p_err("update defaults: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* VERDICT tokens, "allow" or "deny [ERRNO]"; returns tokens used or -1. */
int parse_verdict(int argc, char **argv, int *verdict)
{
	if (argc >= 1 && !strcmp(argv[0], "allow")) {
		*verdict = 0;
		return 1;
	}
	if (argc >= 1 && !strcmp(argv[0], "deny")) {
		int e = argc >= 2 ? errno_parse(argv[1]) : EPERM;

		if (e <= 0 || e > 511) {
			p_err("'%s' is not an errno (EPERM, EACCES, 13...)", argv[1]);
			return -1;
		}
		*verdict = -e;
		return argc >= 2 ? 2 : 1;
	}
	p_err("default must be 'allow' or 'deny [ERRNO]'%s%s%s", argc ? ", not '" : "",
	      argc ? argv[0] : "", argc ? "'" : "");
	return -1;
}

/*
 * rule default VERDICT device PATH [sqe { copied | ring }]: an LSM
 * policy's device entry, its counters kept.
 */
static int lsm_default(const char *policy, const char *device, int verdict,
		       const char *sqe)
{
	struct ucmd_lsm_device d = { 0 };
	__u32 dev;
	int fd, err = 0;

	if (lsm_parse_device(device, &dev))
		return -1;
	fd = open_map(policy, "devices");
	if (fd < 0)
		return -1;
	bpf_map_lookup_elem(fd, &dev, &d);
	d.verdict = verdict;
	if (sqe && !strcmp(sqe, "ring"))
		d.flags |= UCMD_LSM_RING_SQE;
	else if (sqe)
		d.flags &= ~UCMD_LSM_RING_SQE;
	if (bpf_map_update_elem(fd, &dev, &d, BPF_ANY)) {
		p_err("update devices: %s", strerror(errno));
		err = -1;
	}
	close(fd);
	if (!err && sqe && !strcmp(sqe, "ring"))
		fprintf(stderr, "Warning: %s: field conditions now read the SQ ring, which the submitter can rewrite between the check and the driver's read (docs/system.md)\n",
			device);
	return err;
}

static int do_default(int argc, char **argv)
{
	const char *policy = NULL, *device = NULL, *sqe = NULL;
	int verdict, n, fd, ret;

	n = parse_verdict(argc, argv, &verdict);
	if (n < 0)
		return -1;
	argc -= n, argv += n;
	while (argc) {
		if (argc >= 2 && !strcmp(argv[0], "policy") && !policy) {
			policy = argv[1];
		} else if (argc >= 2 && !strcmp(argv[0], "device") && !device) {
			device = argv[1];
		} else if (argc >= 2 && !strcmp(argv[0], "sqe") && !sqe &&
			   (!strcmp(argv[1], "ring") || !strcmp(argv[1], "copied"))) {
			sqe = argv[1];
		} else {
			p_err("unexpected '%s'%s", argv[0], !strcmp(argv[0], "sqe") ?
			      " (sqe copied | sqe ring)" : "");
			return -1;
		}
		argc -= 2, argv += 2;
	}
	if (sqe && !device) {
		p_err("'sqe %s': only for a device (device PATH)", sqe);
		return -1;
	}
	if (device)
		ret = lsm_default(policy ? policy : "lsm", device, verdict, sqe);
	else {
		fd = open_map(policy ? policy : "rules", "defaults");
		if (fd < 0)
			return -1;
		ret = rules_set_default(fd, verdict);
		close(fd);
	}
	if (!ret && json_output)
		json_print(NULL);
	return ret;
}

/* A condition's field, by name if ucmd's BTF has it, else OFFSET:SIZE. */
static void field_name(__u32 cmd_op, const struct ucmd_rule_cond *c, char *buf, size_t len)
{
	const char *type = cmd_op_type(cmd_op);
	struct btf *btf = type ? module_btf() : NULL;
	int id = btf ? btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT) : -1;
	const struct btf_member *m;
	const struct btf_type *t;

	snprintf(buf, len, "%u:%u", c->offset, c->size);
	if (lsm_field_name(cmd_op, c, buf, len) || id < 0)
		return;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		__u32 tid = btf__resolve_type(btf, m->type);
		const struct btf_type *mt = btf__type_by_id(btf, tid);
		unsigned int off = btf_member_bit_offset(t, i) / 8;
		const char *n = btf__name_by_offset(btf, m->name_off);

		if (btf_is_array(mt)) {
			__u32 et = btf__resolve_type(btf, btf_array(mt)->type);
			unsigned int es = btf__resolve_size(btf, et);

			if (c->offset >= off && es == c->size &&
			    c->offset < off + es * btf_array(mt)->nelems &&
			    !((c->offset - off) % es)) {
				snprintf(buf, len, "%s[%u]", n, (c->offset - off) / es);
				return;
			}
		} else if (off == c->offset && btf__resolve_size(btf, tid) == c->size) {
			snprintf(buf, len, "%s", n);
			return;
		}
	}
}

static const char *verdict_str(int verdict, char *buf, size_t len)
{
	const char *en = verdict ? errno_name(-verdict) : NULL;

	if (!verdict)
		return "allow";
	if (en)
		snprintf(buf, len, "deny %s", en);
	else
		snprintf(buf, len, "deny %d", -verdict);
	return buf;
}

/* The name of @cmd_op: ucmd's, or another driver's. */
static const char *op_name(__u32 cmd_op)
{
	const char *name = lsm_op_name(cmd_op);

	return name ? name : cmd_op_name(cmd_op);
}

static struct json_object *rule_json(__u32 cmd_op, const struct ucmd_rule *ru)
{
	struct json_object *o = json_object_new_object(), *conds;
	const char *name = op_name(cmd_op);

	json_object_object_add(o, "cmd_op", json_object_new_uint64(cmd_op));
	json_object_object_add(o, "op", json_object_new_string(name ? name : ""));
	json_object_object_add(o, "uid", ru->scope == UCMD_SCOPE_UID ?
			       json_object_new_uint64(ru->scope_id) : NULL);
	json_object_object_add(o, "verdict", json_object_new_int(ru->verdict));
	json_object_object_add(o, "hits", json_object_new_uint64(ru->hits));
	json_object_object_add(o, "scope", json_object_new_string(scope_names[ru->scope & 3]));
	json_object_object_add(o, "gid", ru->scope == UCMD_SCOPE_GID ?
			       json_object_new_uint64(ru->scope_id) : NULL);
	json_object_object_add(o, "cgroup_id", ru->scope == UCMD_SCOPE_CGROUP ?
			       json_object_new_uint64(ru->scope_id) : NULL);
	conds = json_object_new_array();
	for (unsigned int i = 0; i < ru->nr_conds && i < UCMD_RULE_MAX_CONDS; i++) {
		const struct ucmd_rule_cond *c = &ru->conds[i];
		struct json_object *co = json_object_new_object();
		char f[64];

		field_name(cmd_op, c, f, sizeof(f));
		json_object_object_add(co, "field", json_object_new_string(f));
		json_object_object_add(co, "offset", json_object_new_uint64(c->offset));
		json_object_object_add(co, "size", json_object_new_uint64(c->size));
		json_object_object_add(co, "cmp", json_object_new_string(
					       c->cmp < NR_CMPS ? cmp_names[c->cmp] : "?"));
		json_object_object_add(co, "value", c->flags & UCMD_COND_SIGNED ?
				       json_object_new_int64((__s64)c->value) :
				       json_object_new_uint64(c->value));
		json_object_array_add(conds, co);
	}
	json_object_object_add(o, "if", conds);
	return o;
}

static void print_rule(__u32 cmd_op, const struct ucmd_rule *ru)
{
	const char *name = op_name(cmd_op);
	char scope[32], v[32];

	if (ru->scope == UCMD_SCOPE_ANY)
		snprintf(scope, sizeof(scope), "any");
	else
		snprintf(scope, sizeof(scope), "%s %llu", scope_names[ru->scope & 3],
			 (unsigned long long)ru->scope_id);
	printf("%-12s 0x%08x  %-18s %-14s", name ? name : "-", cmd_op, scope,
	       verdict_str(ru->verdict, v, sizeof(v)));
	for (unsigned int i = 0; i < ru->nr_conds && i < UCMD_RULE_MAX_CONDS; i++) {
		const struct ucmd_rule_cond *c = &ru->conds[i];
		char f[64];

		field_name(cmd_op, c, f, sizeof(f));
		if (c->flags & UCMD_COND_SIGNED)
			printf(" if %s %s %lld", f, cmp_names[c->cmp % NR_CMPS],
			       (long long)c->value);
		else
			printf(c->cmp == UCMD_CMP_MASK ? " if %s %s %#llx" : " if %s %s %llu",
			       f, cmp_names[c->cmp % NR_CMPS], (unsigned long long)c->value);
	}
	printf("  hits %llu\n", (unsigned long long)ru->hits);
}

/*
 * rule list of an LSM policy (@fd its "rules" map, closed here): each
 * device with its default and counts, then each rule with its device.
 */
static int lsm_list(int fd, const char *policy)
{
	struct json_object *devs = NULL, *arr = NULL, *top;
	struct ucmd_lsm_key k, nk, *kp = NULL;
	__u32 dev, ndev, *dp = NULL;
	int dfd = open_map(policy, "devices"), n = 0;
	char v[32], name[PATH_MAX];

	if (dfd < 0) {
		close(fd);
		return -1;
	}
	if (json_output) {
		devs = json_object_new_array();
		arr = json_object_new_array();
	}
	while (!bpf_map_get_next_key(dfd, dp, &ndev)) {
		struct ucmd_lsm_device d;

		dev = ndev;
		dp = &dev;
		if (bpf_map_lookup_elem(dfd, &dev, &d))
			continue;
		lsm_dev_str(dev, name, sizeof(name));
		if (devs) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "device", json_object_new_string(name));
			json_object_object_add(o, "dev", json_object_new_uint64(dev));
			json_object_object_add(o, "verdict", json_object_new_int(d.verdict));
			json_object_object_add(o, "sqe", json_object_new_string(
						       d.flags & UCMD_LSM_RING_SQE ? "ring" : "copied"));
			json_object_object_add(o, "hits", json_object_new_uint64(d.hits));
			json_object_object_add(o, "allowed", json_object_new_uint64(d.allowed));
			json_object_object_add(o, "denied", json_object_new_uint64(d.denied));
			json_object_object_add(o, "unstable", json_object_new_uint64(d.unstable));
			json_object_array_add(devs, o);
		} else {
			printf("device %s (%u:%u) default %s  hits %llu  allowed %llu  denied %llu  unstable %llu  sqe %s\n",
			       name, dev >> 20, dev & 0xfffff, verdict_str(d.verdict, v, sizeof(v)),
			       (unsigned long long)d.hits, (unsigned long long)d.allowed,
			       (unsigned long long)d.denied, (unsigned long long)d.unstable,
			       d.flags & UCMD_LSM_RING_SQE ? "ring" : "copied");
		}
	}
	close(dfd);
	while (!bpf_map_get_next_key(fd, kp, &nk)) {
		struct ucmd_rule_set set;

		k = nk;
		kp = &k;
		if (ucmd_rules_read_key(fd, &k, &set))
			continue;
		lsm_dev_str(k.dev, name, sizeof(name));
		for (unsigned int i = 0; i < set.nr_rules && i < UCMD_RULES_PER_OP; i++, n++) {
			if (arr) {
				struct json_object *o = rule_json(k.cmd_op, &set.rules[i]);

				json_object_object_add(o, "device", json_object_new_string(name));
				json_object_array_add(arr, o);
			} else {
				printf("%-12s ", name);
				print_rule(k.cmd_op, &set.rules[i]);
			}
		}
	}
	close(fd);
	if (arr) {
		top = json_object_new_object();
		json_object_object_add(top, "devices", devs);
		json_object_object_add(top, "rules", arr);
		json_print(top);
	} else if (!n) {
		printf("no rules\n");
	}
	return 0;
}

static int do_list(int argc, char **argv)
{
	struct ucmd_rule_default def = { 0 };
	struct json_object *arr = NULL, *top;
	const char *policy = "rules";
	__u32 key, next, *prev = NULL, zero = 0;
	struct bpf_map_info mi = {};
	__u32 mlen = sizeof(mi);
	int fd, dfd, n = 0;
	char v[32];

	if (argc == 2 && !strcmp(argv[0], "policy"))
		policy = argv[1];
	else if (argc) {
		p_err("usage: %s rule list [policy NAME]", bin_name);
		return -1;
	}
	fd = open_map(policy, "rules");
	if (fd < 0)
		return -1;
	if (!bpf_map_get_info_by_fd(fd, &mi, &mlen) &&
	    mi.key_size == sizeof(struct ucmd_lsm_key))
		return lsm_list(fd, policy);
	dfd = open_map(policy, "defaults");
	if (dfd < 0) {
		close(fd);
		return -1;
	}
	bpf_map_lookup_elem(dfd, &zero, &def);
	close(dfd);
	if (json_output)
		arr = json_object_new_array();
	else
		printf("default      %s  hits %llu\n", verdict_str(def.verdict, v, sizeof(v)),
		       (unsigned long long)def.hits);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct ucmd_rule_set set;

		key = next;
		prev = &key;
		if (ucmd_rules_read(fd, key, &set))
			continue;
		for (unsigned int i = 0; i < set.nr_rules && i < UCMD_RULES_PER_OP; i++, n++) {
			if (arr)
				json_object_array_add(arr, rule_json(key, &set.rules[i]));
			else
				print_rule(key, &set.rules[i]);
		}
	}
	close(fd);
	if (arr) {
		struct json_object *d = json_object_new_object();

		top = json_object_new_object();
		json_object_object_add(d, "verdict", json_object_new_int(def.verdict));
		json_object_object_add(d, "hits", json_object_new_uint64(def.hits));
		json_object_object_add(top, "default", d);
		json_object_object_add(top, "rules", arr);
		json_print(top);
	} else if (!n) {
		printf("no rules\n");
	}
	return 0;
}

static int rule_help(int argc, char **argv)
{
	fprintf(stderr,
		"Usage: %s rule add OP { allow | deny [ERRNO] } [SCOPE] [if FIELD CMP VALUE]... [device PATH] [policy NAME]\n"
		"       %s rule del OP [SCOPE] [if FIELD CMP VALUE]... [device PATH] [policy NAME]\n"
		"       %s rule default { allow | deny [ERRNO] } [device PATH [sqe { copied | ring }]] [policy NAME]\n"
		"       %s rule list [policy NAME]\n"
		"       OP    := { nop | echo | delay | sum | read | write | ... | CMD_OP_NUMBER }\n"
		"       SCOPE := { uid UID | gid GID | cgroup PATH }\n"
		"       FIELD := { NAME | NAME[INDEX] | OFFSET:SIZE }   (of OP's payload struct)\n"
		"       CMP   := { eq | ne | lt | le | gt | ge | mask }\n"
		"  The first rule of OP whose scope matches and whose conditions all\n"
		"  hold decides; scoped rules come before rules for anyone. No rule:\n"
		"  the default (allow unless set). deny without ERRNO is EPERM. At most\n"
		"  %d rules per op, %d conditions per rule. NAME defaults to 'rules'.\n"
		"  With 'device PATH' the rule is the LSM policy's ('%s policy load lsm':\n"
		"  any character device's uring_cmd, BPF LSM), NAME 'lsm'; OP may then\n"
		"  be nvme_io, nvme_admin (and _vec), nvme_io_OPCODE, nvme_admin_OPCODE\n"
		"  (nvme_admin_format, nvme_io_read...), ublk_* or a number, FIELD a\n"
		"  field of struct nvme_uring_cmd (opcode nsid cdw10...) or\n"
		"  ublksrv_ctrl_cmd. Field conditions judge only SQEs io_uring copied\n"
		"  (IOSQE_ASYNC) unless the device has 'sqe ring' (racy).\n",
		bin_name, bin_name, bin_name, bin_name, UCMD_RULES_PER_OP,
		UCMD_RULE_MAX_CONDS, bin_name);
	return 0;
}

static const struct cmd rule_cmds[] = {
	{ "add", do_add },
	{ "del", do_del },
	{ "default", do_default },
	{ "list", do_list },
	{ "help", rule_help },
	{ 0 }
};

int do_rule(int argc, char **argv)
{
	return cmd_select(rule_cmds, argc, argv, rule_help);
}
