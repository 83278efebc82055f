/* SPDX-License-Identifier: GPL-2.0 */
/* ucmdctl: shared declarations. */
#ifndef UCMDCTL_MAIN_H
#define UCMDCTL_MAIN_H

#include <stdbool.h>
#include <linux/types.h>

extern bool json_output;
extern bool debug_output;
extern const char *bin_name;

/* bpftool's command table: a name and what runs it. */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/* Run the entry of @cmds whose name @argv[0] prefixes (bpftool style). */
int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int, char **));
bool is_help(const char *arg);

/* Keep libbpf's messages from now on (true: anew) or stop; what was kept. */
void libbpf_capture(bool on);
const char *libbpf_captured(void);
bool load_privilege_error(const char *what);
bool bpf_lsm_active(char *why, size_t len);
long now_ms(void);	/* CLOCK_MONOTONIC, ms */

/* One line on stderr, "Error: ...", or {"error":"..."} with -j. */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

const char *errno_name(int err);
int errno_parse(const char *s);		/* "EPERM", "1" -> 1; -1 if unknown */
int parse_u64(const char *s, unsigned long long *v);
int parse_id(const char *what, const char *s, __u64 *out);
struct btf *module_btf(void);

/* cmd_op by name (built-in or example BPF op) or number. */
int parse_cmd_op(const char *s, __u32 *cmd_op);
/* A built-in's or an attached BPF handler's name; NULL if not one we know. */
const char *cmd_op_name(__u32 cmd_op);
/* Read the attached BPF instances' ops again (at most every 200 ms). */
void cmd_op_names_refresh(void);
/* Name of @cmd_op's payload struct in ucmd.ko's BTF, or NULL. */
const char *cmd_op_type(__u32 cmd_op);

int open_dev(void);
bool module_loaded(void);

/*
 * -j output through json-c: build a json_object, then json_print() it on
 * one line (and free it). json_str() maps NULL to JSON null.
 */
struct json_object;
void json_print(struct json_object *o);
struct json_object *json_str(const char *s);
/* Does ucmd.ko have its struct_ops? @why: sysfs "bpf" (the reason if not). */
bool bpf_available(char *why, size_t len);

int do_cmd(int argc, char **argv);
int do_feature(int argc, char **argv);
int do_policy(int argc, char **argv);
int do_handler(int argc, char **argv);
int do_rule(int argc, char **argv);
/* rule.c: "allow" | "deny [ERRNO]" -> 0 | -errno; tokens used, or -1. */
int parse_verdict(int argc, char **argv, int *verdict);
int rules_set_default(int fd, int verdict);
/*
 * release.c: the BPF objects of an attached instance, noted before unload
 * so that it can wait for the kernel to free them.
 */
#define INST_IDS_MAX	64
struct inst_ids {
	__u32 maps[INST_IDS_MAX];
	__u32 progs[INST_IDS_MAX];
	int nr_maps, nr_progs;
};
/* From the instance's struct_ops link: 0 or -errno. */
int inst_ids_collect(int link_fd, struct inst_ids *ids);
/*
 * Wait (up to 10 s per stage) until none of @ids names an object and, if
 * @last (no instance left attached), until sysfs module_refs counts only
 * the modules in /sys/module/ucmd/holders/. 0, or -EBUSY after a warning
 * naming @name.
 */
int inst_wait_released(const struct inst_ids *ids, bool last, const char *name);
int do_trace(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_top(int argc, char **argv);

#endif
