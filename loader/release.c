// SPDX-License-Identifier: GPL-2.0
/*
 * ucmdctl: unload that is finished when it returns.
 *
 * Detaching a struct_ops link unregisters the instance at once, but the
 * kernel frees its BPF objects, and drops the references they hold on
 * ucmd.ko, in stages after their last fd, pin and link are gone: the
 * struct_ops map from a workqueue after an RCU and an RCU-tasks grace
 * period, then its programs (sleepable ones after an RCU-tasks-trace grace
 * period), then the maps those programs use (kernel/bpf/bpf_struct_ops.c
 * bpf_struct_ops_map_free(), kernel/bpf/syscall.c __bpf_prog_put_noref(),
 * kernel/bpf/core.c bpf_prog_free_deferred()). Before detaching, unload
 * notes the ids of all of them (the map's value holds its programs' ids,
 * as `bpftool struct_ops dump` shows; each program's info its maps'); after,
 * it waits until none of those ids names an object, and, when no instance
 * is left attached, until ucmd.ko's sysfs module_refs counts only the
 * modules that use ucmd (/sys/module/ucmd/holders/), so that rmmod right
 * after succeeds once they are gone. BPF programs built against ucmd.ko's
 * BTF that stay (a running `ucmdctl trace` on its tracepoints, a policy
 * another process loaded and did not attach) keep references the wait
 * would never see dropped: when there are any, unload waits only until
 * module_refs stops falling, then names them in one line and returns.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/ucmd.h>

#include "main.h"

#define WAIT_MS		10000	/* per stage; TCG guests need a few 100 ms */
#define SETTLE_MS	500	/* module_refs unchanged this long: settled */

static int ids_add(struct inst_ids *ids, bool map, __u32 id)
{
	__u32 *arr = map ? ids->maps : ids->progs;
	int *n = map ? &ids->nr_maps : &ids->nr_progs;

	if (!id)
		return 0;
	for (int i = 0; i < *n; i++)
		if (arr[i] == id)
			return 0;
	if (*n == INST_IDS_MAX)
		return -E2BIG;
	arr[(*n)++] = id;
	return 0;
}

/* The maps program @id uses (bpf_prog_info.map_ids). */
static int add_prog_maps(struct inst_ids *ids, __u32 id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), map_ids[INST_IDS_MAX];
	int fd = bpf_prog_get_fd_by_id(id), err;

	if (fd < 0)
		return -errno;
	err = bpf_prog_get_info_by_fd(fd, &info, &len);
	if (!err && info.nr_map_ids > INST_IDS_MAX)
		err = -E2BIG;
	if (!err) {
		__u32 n = info.nr_map_ids;

		memset(&info, 0, sizeof(info));
		info.nr_map_ids = n;
		info.map_ids = (__u64)(unsigned long)map_ids;
		len = sizeof(info);
		err = bpf_prog_get_info_by_fd(fd, &info, &len);
		for (__u32 i = 0; !err && i < n; i++)
			err = ids_add(ids, true, map_ids[i]);
	}
	close(fd);
	return err;
}

/*
 * Program ids in the struct_ops map's value: each function pointer of
 * struct ucmd_ops holds the id of its program there (the value type's
 * "data" member, found in the BTF the map names).
 */
static int add_value_progs(struct inst_ids *ids, int map_fd,
			   const struct bpf_map_info *info)
{
	const struct btf_member *m;
	const struct btf_type *t;
	struct btf *vm, *btf;
	__u32 zero = 0, data_off = 0;
	char *value;
	int err;

	vm = btf__load_vmlinux_btf();
	if (!vm)
		return -errno;
	btf = btf__load_from_kernel_by_id_split(info->btf_vmlinux_id, vm);
	if (!btf) {
		err = -errno;
		btf__free(vm);
		return err;
	}
	value = calloc(1, info->value_size);
	err = value ? bpf_map_lookup_elem(map_fd, &zero, value) : -ENOMEM;
	if (err)
		goto out;
	/* struct bpf_struct_ops_ucmd_ops { common; struct ucmd_ops data; } */
	t = btf__type_by_id(btf, info->btf_vmlinux_value_type_id);
	err = -ENOENT;
	for (int i = 0; t && btf_is_struct(t) && i < btf_vlen(t); i++) {
		m = btf_members(t) + i;
		if (strcmp(btf__name_by_offset(btf, m->name_off), "data"))
			continue;
		data_off = btf_member_bit_offset(t, i) / 8;
		t = btf__type_by_id(btf, m->type);
		err = 0;
		break;
	}
	for (int i = 0; !err && btf_is_struct(t) && i < btf_vlen(t); i++) {
		const struct btf_type *mt;
		__u32 off = data_off + btf_member_bit_offset(t, i) / 8;
		unsigned long id;

		mt = btf__type_by_id(btf, btf_members(t)[i].type);
		if (!mt || !btf_is_ptr(mt) || off + sizeof(id) > info->value_size)
			continue;
		mt = btf__type_by_id(btf, mt->type);
		if (!mt || !btf_is_func_proto(mt))
			continue;
		memcpy(&id, value + off, sizeof(id));
		err = ids_add(ids, false, id);
		if (!err && id)
			err = add_prog_maps(ids, id);
	}
out:
	free(value);
	btf__free(btf);
	btf__free(vm);
	return err;
}

int inst_ids_collect(int link_fd, struct inst_ids *ids)
{
	struct bpf_link_info li = {};
	struct bpf_map_info mi = {};
	__u32 len = sizeof(li);
	int fd, err;

	memset(ids, 0, sizeof(*ids));
	if (bpf_link_get_info_by_fd(link_fd, &li, &len))
		return -errno;
	if (li.type == BPF_LINK_TYPE_TRACING) {	/* an LSM policy: one program */
		err = ids_add(ids, false, li.prog_id);
		return err ? err : add_prog_maps(ids, li.prog_id);
	}
	if (li.type != BPF_LINK_TYPE_STRUCT_OPS)
		return -EINVAL;
	fd = bpf_map_get_fd_by_id(li.struct_ops.map_id);
	if (fd < 0)
		return -errno;
	len = sizeof(mi);
	err = bpf_map_get_info_by_fd(fd, &mi, &len);
	if (err)
		err = -errno;
	if (!err)
		err = ids_add(ids, true, mi.id);
	if (!err)
		err = add_value_progs(ids, fd, &mi);
	close(fd);
	return err;
}

/* Does a BPF object still answer to @id? */
static bool id_alive(bool map, __u32 id)
{
	int fd = map ? bpf_map_get_fd_by_id(id) : bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return errno != ENOENT;
	close(fd);
	return true;
}

/* Modules using ucmd's symbols: each holds one of module_refs. */
static long holders(void)
{
	DIR *d = opendir("/sys/module/ucmd/holders");
	struct dirent *de;
	long n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static long module_refs(void)
{
	FILE *f = fopen("/sys/class/misc/" UCMD_DEV_NAME "/module_refs", "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* The id of ucmd.ko's BTF object (bpf_btf_info.name "ucmd"), or 0. */
static __u32 ucmd_btf_id(void)
{
	__u32 id = 0;

	while (!bpf_btf_get_next_id(id, &id)) {
		struct bpf_btf_info info = {};
		__u32 len = sizeof(info);
		char name[64] = "";
		int fd = bpf_btf_get_fd_by_id(id), err;

		if (fd < 0)
			continue;
		info.name = (__u64)(unsigned long)name;
		info.name_len = sizeof(name);
		err = bpf_btf_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (!err && info.kernel_btf && !strcmp(name, "ucmd"))
			return id;
	}
	return 0;
}

/*
 * The BPF programs attached to or built against BTF object @btf_id
 * (bpf_prog_info.attach_btf_obj_id): a tracer on ucmd's tracepoints, a
 * struct_ops program of ucmd_ops. Their number; the first's name, type
 * and id in @first.
 */
static int btf_users(__u32 btf_id, char *first, size_t len)
{
	__u32 id = 0;
	int n = 0;

	while (btf_id && !bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = {};
		__u32 ilen = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_prog_get_info_by_fd(fd, &info, &ilen) &&
		    info.attach_btf_obj_id == btf_id && !n++)
			snprintf(first, len, "%s '%s' (id %u)%s",
				 libbpf_bpf_prog_type_str(info.type) ?: "program",
				 info.name, id, info.type == BPF_PROG_TYPE_TRACING ?
				 ": a running 'ucmdctl trace'?" : "");
		close(fd);
	}
	return n;
}

int inst_wait_released(const struct inst_ids *ids, bool last, const char *name)
{
	long end = now_ms() + WAIT_MS, refs, prev, since;
	char first[128] = "";
	int left, users;

	do {
		left = 0;
		for (int i = 0; i < ids->nr_maps; i++)
			left += id_alive(true, ids->maps[i]);
		for (int i = 0; i < ids->nr_progs; i++)
			left += id_alive(false, ids->progs[i]);
		if (!left)
			break;
		usleep(2000);
	} while (now_ms() < end);
	if (left) {
		fprintf(stderr, "Warning: '%s': %d of its BPF objects still exist after %d ms (held by another process?)\n",
			name, left, WAIT_MS);
		return -EBUSY;
	}
	if (!last)
		return 0;
	end = now_ms() + WAIT_MS;
	users = btf_users(ucmd_btf_id(), first, sizeof(first));
	prev = module_refs() - holders();
	since = now_ms();
	while ((refs = module_refs() - holders()) > 0 && now_ms() < end) {
		if (refs != prev) {
			prev = refs;
			since = now_ms();
		} else if (users && now_ms() - since >= SETTLE_MS) {
			fprintf(stderr, "Note: ucmd.ko is still used by %d BPF program%s not attached as a policy or handler (%s%s); rmmod fails until %s closed\n",
				users, users == 1 ? "" : "s", first,
				users == 1 ? "" : ", ...", users == 1 ? "it is" : "they are");
			return 0;
		}
		usleep(2000);
	}
	if (refs > 0) {
		fprintf(stderr, "Warning: %ld references to ucmd.ko are still held by BPF objects ucmdctl did not load; rmmod fails until they are closed\n",
			refs);
		return -EBUSY;
	}
	return 0;
}
