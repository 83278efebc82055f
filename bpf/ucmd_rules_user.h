/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace access to the rules policy's "rules" map (bpf/rules.bpf.c),
 * with libbpf: a BPF_MAP_TYPE_HASH_OF_MAPS from cmd_op to an inner
 * BPF_MAP_TYPE_ARRAY of one struct ucmd_rule_set. A set is never
 * rewritten in place: ucmd_rules_write() fills a new inner map and swaps
 * it in with one update; the kernel frees the old one after an RCU grace
 * period, once no validator still walks it. Used by ucmdctl, the tests
 * and the fuzzer.
 */
#ifndef UCMD_RULES_USER_H
#define UCMD_RULES_USER_H

#include <errno.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "ucmd_progs.h"

/*
 * ucmd_rules_read_key() - the rule set under @key: a __u32 cmd_op, or the
 * LSM policy's struct ucmd_lsm_key (bpf/lsm.bpf.c)
 * Return: 0, -ENOENT if @key has none, or another -errno.
 */
static inline int ucmd_rules_read_key(int rules_fd, const void *key,
				      struct ucmd_rule_set *set)
{
	__u32 id, zero = 0;
	int fd, err;

	if (bpf_map_lookup_elem(rules_fd, key, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	err = bpf_map_lookup_elem(fd, &zero, set) ? -errno : 0;
	close(fd);
	return err;
}

/* ucmd_rules_read() - the rule set of @cmd_op (ucmd_rules_read_key()) */
static inline int ucmd_rules_read(int rules_fd, __u32 cmd_op,
				  struct ucmd_rule_set *set)
{
	return ucmd_rules_read_key(rules_fd, &cmd_op, set);
}

/*
 * ucmd_rules_write_key() - make @set the rule set under @key, in one update
 *
 * The update of a map-of-maps from user space returns after an RCU grace
 * period (maybe_wait_bpf_programs(), kernel/bpf/syscall.c): once this
 * returns, no validation uses the old set any more.
 *
 * Return: 0 or -errno (bpf_map_create(), bpf_map_update_elem()).
 */
static inline int ucmd_rules_write_key(int rules_fd, const void *key,
				       const struct ucmd_rule_set *set)
{
	__u32 zero = 0;
	int fd, err = 0;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "ucmd_rule_set", sizeof(zero),
			    sizeof(*set), 1, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(fd, &zero, set, BPF_ANY) ||
	    bpf_map_update_elem(rules_fd, key, &fd, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

/* ucmd_rules_write() - make @set the rule set of @cmd_op */
static inline int ucmd_rules_write(int rules_fd, __u32 cmd_op,
				   const struct ucmd_rule_set *set)
{
	return ucmd_rules_write_key(rules_fd, &cmd_op, set);
}

#endif
