// SPDX-License-Identifier: GPL-2.0
/*
 * ucmdctl policy|handler load|list|show|unload.
 *
 * An object holds one struct ucmd_ops (SEC(".struct_ops.link")). load
 * opens it with libbpf, sets the instance name, loads, attaches the
 * struct_ops link and pins it and the object's maps under
 * UCMD_BPFFS_DIR/<name>/, so the instance outlives ucmdctl. unload detaches
 * the link (the kernel then waits for requests in the instance's hands)
 * and removes the pins. What is attached is read back from the kernel
 * (/sys/class/misc/ucmd/bpf_ops), so list shows instances however they
 * were attached.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/ucmd.h>
#include "ucmd_progs.h"
#include <json-c/json.h>

#include "main.h"
#include "lsm.h"

/* The head of struct ucmd_ops (kmod/ucmd_bpf.c): its data members. */
struct ucmd_ops_head {
	char name[UCMD_NAME_LEN];
	__u32 op_first;
	__u32 op_last;
};

struct inst {
	char name[UCMD_NAME_LEN];
	int validate, handle;
	unsigned int first, last;
	int sleepable, release;	/* absent from older modules' lines: 0 */
};

/* policy or handler: which list a command works on. */
static const char *kind_word;

/* Every attached instance, however many; *out is malloc()ed (free it). */
static int read_instances(struct inst **out)
{
	FILE *f = fopen("/sys/class/misc/" UCMD_DEV_NAME "/bpf_ops", "r");
	struct inst *all = NULL, i;
	char line[256];
	int n = 0, cap = 0;

	*out = NULL;
	if (!f) {
		p_err("cannot read /sys/class/misc/%s/bpf_ops: %s (is the ucmd module loaded?)",
		      UCMD_DEV_NAME, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		i.sleepable = i.release = 0;
		if (sscanf(line, "%15s validate=%d handle=%d first=%x last=%x sleepable=%d release=%d",
			   i.name, &i.validate, &i.handle, &i.first, &i.last,
			   &i.sleepable, &i.release) < 5)
			continue;
		if (n == cap) {
			struct inst *more;

			cap = cap ? 2 * cap : 16;
			more = realloc(all, cap * sizeof(*all));
			if (!more) {
				p_err("out of memory listing instances");
				free(all);
				fclose(f);
				return -1;
			}
			all = more;
		}
		all[n++] = i;
	}
	fclose(f);
	*out = all;
	return n;
}

static const char *inst_kind(const struct inst *i)
{
	return i->validate && i->handle ? "policy+handler" :
	       i->validate ? "policy" : "handler";
}

static bool inst_is_kind(const struct inst *i)
{
	return !strcmp(kind_word, "policy") ? i->validate : i->handle;
}

static int find_instance(const char *name, struct inst *out)
{
	struct inst *all;
	int n = read_instances(&all), found = 0;

	for (int i = 0; i < n && !found; i++)
		if (!strcmp(all[i].name, name)) {
			*out = all[i];
			found = 1;
		}
	free(all);
	return n < 0 ? -1 : found;
}

static int check_bpffs(void)
{
	struct statfs st;

	if (statfs("/sys/fs/bpf", &st) || st.f_type != BPF_FS_MAGIC) {
		p_err("bpffs is not mounted at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)");
		return -1;
	}
	if (mkdir(UCMD_BPFFS_DIR, 0700) && errno != EEXIST) {
		p_err("mkdir %s: %s", UCMD_BPFFS_DIR, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Where bundled objects are looked for, in order: next to the build tree's
 * binary (build/bin/ -> build/bpf/), the installed layout relative to the
 * binary (PREFIX/sbin/ -> PREFIX/lib/ucmd/, so a DESTDIR or relocated tree
 * works), then UCMD_LIBDIR, the prefix make install was built for.
 */
#ifndef UCMD_LIBDIR
#define UCMD_LIBDIR "/usr/local/lib/ucmd"
#endif

/* OBJ may be a path or the name of a bundled object ("rules"). */
static int resolve_obj(const char *obj, char *path, size_t len)
{
	static const char *const rel[] = { "bpf", "lib/ucmd" };	/* under BINDIR/.. */
	char exe[PATH_MAX], dirs[3][PATH_MAX], tried[3 * PATH_MAX + 8] = "";
	char *up = NULL;
	int w, nr = 0;
	ssize_t n;

	if (strchr(obj, '/') || access(obj, F_OK) == 0) {
		snprintf(path, len, "%s", obj);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 4);
	if (n > 0) {
		exe[n] = '\0';
		dirname(exe);	/* in place: the binary's directory */
		strcat(exe, "/..");
		up = realpath(exe, NULL);	/* the prefix, or the build tree */
	}
	for (size_t i = 0; up && i < sizeof(rel) / sizeof(rel[0]); i++) {
		w = snprintf(dirs[nr], PATH_MAX, "%s/%s", strcmp(up, "/") ? up : "", rel[i]);
		if (w < PATH_MAX)
			nr++;
	}
	free(up);
	snprintf(dirs[nr++], PATH_MAX, "%s", UCMD_LIBDIR);
	for (int i = 0; i < nr; i++) {
		w = snprintf(path, len, "%s/%s.bpf.o", dirs[i], obj);
		if (w < (int)len && access(path, R_OK) == 0)
			return 0;
		snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s",
			 i ? ", " : "", dirs[i]);
	}
	p_err("no object '%s': not a file, and no %s.bpf.o in %s (bundled: rules payload_check kv arith timer csum counter)",
	      obj, obj, tried);
	return -1;
}

static void remove_pins(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* The name of the object's first sleepable program, or NULL. */
/*
 * Why a load failed, from libbpf's messages and the verifier's log
 * (libbpf_captured()): the common mistakes in a ucmd program, each with
 * what to change. Matched on the line the kernel or libbpf wrote, which
 * *line gets (NULL: no known cause).
 */
#define DOUBLE_COMPLETE \
	"a request is completed twice, or used after bpf_ucmd_req_complete(): after the complete its reference is gone"
#define UNBOUNDED \
	"a size, offset or index the verifier cannot bound (a kfunc's int return?): clamp it first, e.g. if (n < 0 || n > sizeof(buf)) return -EINVAL"
static const struct {
	const char *pat, *pat2;	/* both in one line (pat2 may be NULL) */
	const char *fix;
} load_causes[] = {
	{ "Unreleased reference", NULL,
	  "a request deferred with bpf_ucmd_req_defer() is not completed on every path: each reference must reach bpf_ucmd_req_complete() or a map (bpf_kptr_xchg())" },
	{ "program must be sleepable to call sleepable kfunc", NULL,
	  "a sleepable kfunc (the user copies) is called from a non-sleepable program: call it from SEC(\"struct_ops.s/handle_sleepable\")" },
	{ "min value is negative", NULL,
	  UNBOUNDED },
	{ "unbounded memory access", NULL,
	  UNBOUNDED },
	/* a second complete: 7.2 and 7.3 say so (6.12: below) */
	{ "release kfunc", "expects referenced", DOUBLE_COMPLETE },
	{ "already been transferred or released", NULL, DOUBLE_COMPLETE },
	{ "must be referenced when passed to release function", NULL, DOUBLE_COMPLETE },
	{ "func_proto", "incompatible",
	  "the object's kfunc declarations do not match ucmd.ko's: built by a clang older than 19? Rebuild with clang-19 and pkg-config --cflags ucmd-bpf" },
};

/* Copy the line of @log at @p (without "libbpf: " and the newline). */
static void log_line(const char *log, const char *p, char *out, size_t len)
{
	const char *b = p, *e = strchr(p, '\n');

	while (b > log && b[-1] != '\n')
		b--;
	if (!strncmp(b, "libbpf: ", 8))
		b += 8;
	if (!e)
		e = b + strlen(b);
	snprintf(out, len, "%.*s", (int)(e - b), b);
}

static const char *load_diagnosis(char *line, size_t len)
{
	const char *log = libbpf_captured(), *p, *last_src = NULL, *err = NULL;

	for (size_t i = 0; i < sizeof(load_causes) / sizeof(load_causes[0]); i++) {
		for (p = strstr(log, load_causes[i].pat); p; p = strstr(p + 1, load_causes[i].pat)) {
			const char *e = strchr(p, '\n');

			if (load_causes[i].pat2) {
				const char *q = strstr(p, load_causes[i].pat2);

				if (!q || (e && q > e))
					continue;
			}
			log_line(log, p, line, len);
			return load_causes[i].fix;
		}
	}
	/*
	 * A released reference used again: the verifier stops at the second
	 * bpf_ucmd_req_complete() (the message differs between kernels), the
	 * last source line its log shows. The error is the line before
	 * "processed N insns".
	 */
	for (p = log; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		const char *b = !strncmp(p, "libbpf: ", 8) ? p + 8 : p;

		if (*b == ';')
			last_src = b;
		else if (!strncmp(b, "processed ", 10))
			break;
		else if (*b && *b != '\n' && strncmp(b, "-- ", 3))
			err = b;
	}
	if (err && last_src && *p) {
		const char *e = strchr(last_src, '\n');
		const char *c = strstr(last_src, "bpf_ucmd_req_complete(");

		if (c && (!e || c < e) && (strstr(err, "R1 ") || strstr(err, "arg#0"))) {
			log_line(log, err, line, len);
			return DOUBLE_COMPLETE;
		}
	}
	if (err && *p) {
		log_line(log, err, line, len);
		return NULL;
	}
	line[0] = '\0';
	return NULL;
}

/*
 * bpf_object__open_file(), with the cause when it fails: an object built
 * without -g has no .BTF section, and libbpf cannot read its struct_ops.
 */
static struct bpf_object *open_obj(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	char msg[128];
	struct btf *btf;
	int err;

	if (obj)
		return obj;
	err = -errno;
	/* libbpf 1.4: -ENODATA when the ELF has no .BTF (-ENOENT before) */
	btf = btf__parse_elf(path, NULL);
	if (!btf && (errno == ENODATA || errno == ENOENT) && !access(path, R_OK)) {
		p_err("%s: has no BTF (no .BTF section): compile it with -g (pkg-config --cflags ucmd-bpf has it)",
		      path);
		return NULL;
	}
	btf__free(btf);
	libbpf_strerror(err, msg, sizeof(msg));
	p_err("%s: not a BPF object libbpf can open: %s", path, msg);
	return NULL;
}

/* One line for a failed bpf_object__load(): the cause when known. */
static void load_failed(const char *path, int err)
{
	char line[200];
	const char *fix = load_diagnosis(line, sizeof(line));

	if (fix)
		p_err("%s: %s (the verifier: \"%s\"; -d for the whole log)", path, fix, line);
	else if (line[0])
		p_err("%s: the verifier or kernel rejected the object: %s (\"%s\"; -d for the whole log)",
		      path, strerror(-err), line);
	else
		p_err("%s: the verifier or kernel rejected the object: %s (rerun with -d for the log)",
		      path, strerror(-err));
}

static const char *sleepable_prog(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
		if ((bpf_program__flags(prog) & BPF_F_SLEEPABLE) ||
		    !strncmp(bpf_program__section_name(prog), "struct_ops.s/", 13))
			return bpf_program__name(prog);
	return NULL;
}

/*
 * Does one of OBJ's programs implement struct ucmd_ops member @member?
 * After bpf_object__load(): libbpf then holds each struct_ops program's
 * member index in the kernel's type (ucmd.ko's BTF) as its
 * expected_attach_type (libbpf's bpf_map__init_kern_vdata()).
 */
static bool implements(struct bpf_object *obj, const char *member)
{
	struct btf *mod = module_btf();
	const struct btf_type *t = NULL;
	struct bpf_program *prog;
	bool found = false;
	int id;

	id = mod ? btf__find_by_name_kind(mod, "ucmd_ops", BTF_KIND_STRUCT) : -1;
	if (id > 0)
		t = btf__type_by_id(mod, id);
	bpf_object__for_each_program(prog, obj) {
		unsigned int m = bpf_program__expected_attach_type(prog);
		const char *n;

		if (!t || bpf_program__type(prog) != BPF_PROG_TYPE_STRUCT_OPS ||
		    !bpf_program__autoload(prog) || m >= btf_vlen(t))
			continue;
		n = btf__name_by_offset(mod, btf_members(t)[m].name_off);
		if (n && !strncmp(n, member, strlen(member)))
			found = true;	/* handle matches handle_sleepable too */
	}
	return found || !t;	/* no BTF to tell: leave it to the kernel */
}

/*
 * Pin an attached instance under @dir: @link as @dir/link, @obj's maps
 * (not struct_ops or internal ones) as @dir/NAME. 0, or -1 after an error
 * line with nothing left pinned.
 */
static int pin_instance(struct bpf_object *obj, struct bpf_link *link, const char *dir)
{
	char pin[PATH_MAX + 64];
	struct bpf_map *map;
	int err;

	if (mkdir(dir, 0700)) {
		p_err("mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(pin, sizeof(pin), "%s/link", dir);
	err = bpf_link__pin(link, pin);
	if (err)
		goto fail;
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS || bpf_map__is_internal(map))
			continue;
		snprintf(pin, sizeof(pin), "%s/%s", dir, bpf_map__name(map));
		err = bpf_map__pin(map, pin);
		if (err)
			goto fail;
	}
	return 0;
fail:
	p_err("pin %s: %s", pin, strerror(-err));
	remove_pins(dir);
	return -1;
}

/*
 * load OBJ, for an object with a BPF LSM program (bpf/lsm.bpf.c): no
 * ucmd.ko needed. Attached through its own link (bpf_program__attach()),
 * pinned as UCMD_BPFFS_DIR/NAME/link with its maps beside it; NAME is the
 * object's name ("lsm") unless 'name' says otherwise.
 */
static int lsm_load(struct bpf_object *obj, const char *arg, const char *path,
		    const char *name, bool has_default)
{
	char dir[PATH_MAX];
	struct bpf_link *link = NULL;
	struct bpf_program *prog;
	struct stat st;
	int err;

	if (has_default) {
		p_err("'default': the LSM policy's default is per device (%s rule default VERDICT device PATH)",
		      bin_name);
		return -1;
	}
	if (!name)
		name = bpf_object__name(obj);
	if (!lsm_check_active() || check_bpffs())
		return -1;
	snprintf(dir, sizeof(dir), "%s/%s", UCMD_BPFFS_DIR, name);
	if (!stat(dir, &st)) {
		p_err("'%s' is already loaded (%s exists; unload it first)", name, dir);
		return -1;
	}
	libbpf_capture(true);
	err = bpf_object__load(obj);
	libbpf_capture(false);
	if (err) {
		if (!load_privilege_error(path))
			load_failed(path, err);
		return -1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__type(prog) != BPF_PROG_TYPE_LSM)
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			p_err("'%s': attach %s: %s", arg, bpf_program__name(prog), strerror(errno));
			return -1;
		}
		break;
	}
	if (pin_instance(obj, link, dir))
		goto err_detach;
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "pinned", json_object_new_string(dir));
		json_object_object_add(o, "lsm", json_object_new_boolean(1));
		json_print(o);
	} else {
		printf("attached %s (BPF LSM, the uring_cmd of every device it lists), pinned at %s\n",
		       name, dir);
	}
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	return 0;

err_detach:
	bpf_link__destroy(link);
	return -1;
}

/* Is @name an LSM policy's pin directory (its link a tracing link)? */
static bool lsm_pinned(const char *name, int *link_fd)
{
	char pin[PATH_MAX];
	struct bpf_link_info li = {};
	__u32 len = sizeof(li);
	int fd;

	snprintf(pin, sizeof(pin), "%s/%s/link", UCMD_BPFFS_DIR, name);
	fd = bpf_obj_get(pin);
	if (fd < 0)
		return false;
	if (bpf_link_get_info_by_fd(fd, &li, &len) || li.type != BPF_LINK_TYPE_TRACING) {
		close(fd);
		return false;
	}
	*link_fd = fd;
	return true;
}

/*
 * unload NAME of an LSM policy: a tracing link has no detach
 * (bpf_tracing_link_lops), so the pins go and the last reference with
 * them; return once the program is freed, after it left the hook.
 */
static int lsm_unload(const char *name, int fd)
{
	char dir[PATH_MAX];
	struct inst_ids ids;

	snprintf(dir, sizeof(dir), "%s/%s", UCMD_BPFFS_DIR, name);
	if (inst_ids_collect(fd, &ids))
		ids.nr_maps = ids.nr_progs = 0;
	remove_pins(dir);
	close(fd);
	if (inst_wait_released(&ids, false, name))
		return -1;
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "detached", json_object_new_boolean(1));
		json_print(o);
	} else {
		printf("detached %s\n", name);
	}
	return 0;
}

static int do_load(int argc, char **argv)
{
	char path[PATH_MAX], dir[PATH_MAX];
	char why[256];
	struct bpf_map *map, *st_map = NULL;
	struct ucmd_ops_head *head;
	struct bpf_link *link = NULL;
	struct bpf_object *obj;
	const char *name = NULL;
	int err, nr_st = 0, def_verdict = 0, i;
	bool has_default = false;
	struct inst existing;
	size_t sz;

	for (i = 1; i < argc; ) {
		if (!strcmp(argv[i], "name") && i + 1 < argc && !name) {
			name = argv[i + 1];
			i += 2;
		} else if (!strcmp(argv[i], "default") && !has_default) {
			int n = parse_verdict(argc - i - 1, argv + i + 1, &def_verdict);

			if (n < 0)
				return -1;
			has_default = true;
			i += 1 + n;
		} else {
			break;
		}
	}
	if (argc < 1 || i < argc) {
		p_err("usage: %s %s load OBJ [name NAME] [default { allow | deny [ERRNO] }]%s%s%s",
		      bin_name, kind_word, argc > i ? " (at '" : "", argc > i ? argv[i] : "",
		      argc > i ? "')" : "");
		return -1;
	}
	if (name && (!*name || strlen(name) >= UCMD_NAME_LEN ||
		     strchr(name, '/'))) {
		p_err("name must be 1-%d characters, no '/'", UCMD_NAME_LEN - 1);
		return -1;
	}
	if (resolve_obj(argv[0], path, sizeof(path)))
		return -1;
	obj = open_obj(path);
	if (!obj)
		return -1;
	if (obj_is_lsm(obj)) {
		err = lsm_load(obj, argv[0], path, name, has_default);
		bpf_object__close(obj);
		return err;
	}
	if (!module_loaded()) {
		p_err("the ucmd module is not loaded (no /sys/class/misc/%s)", UCMD_DEV_NAME);
		goto err_close;
	}
	if (!bpf_available(why, sizeof(why))) {
		p_err("ucmd.ko cannot take BPF policies or handlers: %s", why);
		goto err_close;
	}
	if (check_bpffs())
		goto err_close;
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS) {
			st_map = map;
			nr_st++;
		}
	}
	if (nr_st != 1) {
		p_err("%s: must define exactly one struct ucmd_ops in SEC(\".struct_ops.link\"), has %d",
		      path, nr_st);
		goto err_close;
	}
	head = bpf_map__initial_value(st_map, &sz);
	if (!head || sz < sizeof(*head)) {
		p_err("%s: cannot read the struct_ops value (libbpf too old?)", path);
		goto err_close;
	}
	if (name) {
		memset(head->name, 0, sizeof(head->name));
		strncpy(head->name, name, sizeof(head->name) - 1);
	}
	name = head->name;
	if (!name[0]) {
		p_err("%s: struct ucmd_ops has no name; pass 'name NAME'", path);
		goto err_close;
	}
	err = find_instance(name, &existing);
	if (err) {
		if (err > 0)
			p_err("'%s' is already attached (unload it first)", name);
		goto err_close;
	}

	if (has_default && !bpf_object__find_map_by_name(obj, "defaults")) {
		p_err("'default': %s has no \"defaults\" map (only the rules policy has a default)",
		      path);
		goto err_close;
	}
	libbpf_capture(true);
	err = bpf_object__load(obj);
	libbpf_capture(false);
	if (err == -EINVAL && sleepable_prog(obj)) {
		p_err("%s: program '%s' is sleepable (SEC(\"struct_ops.s/...\")): ucmd refuses it, its callbacks run in atomic context (EINVAL)",
		      path, sleepable_prog(obj));
		goto err_close;
	}
	if (err) {
		/* The verifier says EACCES or EINVAL; missing capabilities vary. */
		if (load_privilege_error(path))
			goto err_close;
		if (err == -ESRCH || err == -ENOENT)
			p_err("%s: the kernel has no struct ucmd_ops (kernel too old? needs 6.9+ and ucmd.ko with BTF)",
			      path);
		else
			load_failed(path, err);
		goto err_close;
	}
	/* A policy must validate, a handler handle: else refuse before attaching. */
	if (!implements(obj, !strcmp(kind_word, "policy") ? "validate" : "handle")) {
		p_err("'%s': %s has no %s member: not a %s (use '%s %s load')",
		      argv[0], path, !strcmp(kind_word, "policy") ? "validate" : "handle",
		      kind_word, bin_name, !strcmp(kind_word, "policy") ? "handler" : "policy");
		goto err_close;
	}
	/* Before attaching: never a moment without the default asked for. */
	if (has_default &&
	    rules_set_default(bpf_map__fd(bpf_object__find_map_by_name(obj, "defaults")),
			      def_verdict))
		goto err_close;
	link = bpf_map__attach_struct_ops(st_map);
	if (!link) {
		err = -errno;
		if (err == -EEXIST)
			p_err("'%s': a cmd_op in 0x%x..0x%x is already owned by another handler (EEXIST)",
			      name, head->op_first, head->op_last);
		else if (err == -EINVAL)
			p_err("'%s': rejected by ucmd: bad cmd_op range 0x%x..0x%x, no callback, or both handle and handle_sleepable (EINVAL)",
			      name, head->op_first, head->op_last);
		else
			p_err("'%s': attach failed: %s", name, strerror(-err));
		goto err_close;
	}

	snprintf(dir, sizeof(dir), "%s/%s", UCMD_BPFFS_DIR, name);
	if (pin_instance(obj, link, dir))
		goto err_detach;
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "pinned", json_object_new_string(dir));
		json_print(o);
	} else
		printf("attached %s, pinned at %s\n", name, dir);
	bpf_link__disconnect(link);	/* the pin keeps it attached */
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;

err_detach:
	bpf_link__destroy(link);
err_close:
	bpf_object__close(obj);
	return -1;
}

/*
 * replace NAME OBJ: load OBJ as instance NAME and swap it in through the
 * pinned link (bpf_link_update(), ucmd's struct_ops .update): no moment
 * in which neither instance validates. The link pin stays; the map pins
 * are moved to the new object's maps.
 */
static int do_replace(int argc, char **argv)
{
	char path[PATH_MAX], dir[PATH_MAX], pin[PATH_MAX + 64];
	struct bpf_map *map, *st_map = NULL;
	struct ucmd_ops_head *head;
	struct bpf_object *obj;
	struct bpf_link *link;
	int err, nr_st = 0;
	size_t sz;

	if (argc != 2) {
		p_err("usage: %s %s replace NAME OBJ", bin_name, kind_word);
		return -1;
	}
	if (strlen(argv[0]) >= UCMD_NAME_LEN || strchr(argv[0], '/')) {
		p_err("no instance '%s' (names are 1-%d characters, no '/')", argv[0],
		      UCMD_NAME_LEN - 1);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/%s", UCMD_BPFFS_DIR, argv[0]);
	snprintf(pin, sizeof(pin), "%s/link", dir);
	if (access(pin, F_OK)) {
		p_err("no instance '%s' pinned by %s (no %s)", argv[0], bin_name, pin);
		return -1;
	}
	if (resolve_obj(argv[1], path, sizeof(path)))
		return -1;
	obj = open_obj(path);
	if (!obj)
		return -1;
	bpf_object__for_each_map(map, obj)
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS) {
			st_map = map;
			nr_st++;
		}
	head = nr_st == 1 ? bpf_map__initial_value(st_map, &sz) : NULL;
	if (!head || sz < sizeof(*head)) {
		p_err("%s: must define exactly one struct ucmd_ops in SEC(\".struct_ops.link\")",
		      path);
		goto err_close;
	}
	memset(head->name, 0, sizeof(head->name));
	strncpy(head->name, argv[0], sizeof(head->name) - 1);
	libbpf_capture(true);
	err = bpf_object__load(obj);
	libbpf_capture(false);
	if (err) {
		if (!load_privilege_error(path))
			load_failed(path, err);
		goto err_close;
	}
	link = bpf_link__open(pin);
	if (!link) {
		p_err("%s: %s", pin, strerror(errno));
		goto err_close;
	}
	err = bpf_link__update_map(link, st_map);
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	if (err) {
		if (err == -EOPNOTSUPP)
			p_err("'%s': only policies (validate, no handle) are replaced in place; unload and load handlers (EOPNOTSUPP)",
			      argv[0]);
		else if (err == -EINVAL)
			p_err("'%s': %s has no validate, or the kernel cannot update this link (EINVAL)",
			      argv[0], path);
		else
			p_err("'%s': link update failed: %s", argv[0], strerror(-err));
		goto err_close;
	}
	/*
	 * The new instance is live: point the map pins at its maps (bpffs
	 * cannot rename a pin over another, so each is unpinned and pinned
	 * again; the link pin never goes away).
	 */
	bpf_object__for_each_map(map, obj) {
		if (map == st_map || bpf_map__is_internal(map))
			continue;
		snprintf(pin, sizeof(pin), "%s/%s", dir, bpf_map__name(map));
		unlink(pin);
		err = bpf_map__pin(map, pin);
		if (err)
			fprintf(stderr, "Warning: pin %s: %s\n", pin, strerror(-err));
	}
	if (json_output)
		json_print(NULL);
	else
		printf("replaced %s with %s\n", argv[0], path);
	bpf_object__close(obj);
	return 0;

err_close:
	bpf_object__close(obj);
	return -1;
}

static int do_unload(int argc, char **argv)
{
	char dir[PATH_MAX], pin[PATH_MAX + 8];
	struct inst_ids ids;
	struct inst inst, *all;
	int fd, err, found, n;

	if (argc != 1) {
		p_err("usage: %s %s unload NAME", bin_name, kind_word);
		return -1;
	}
	if (lsm_pinned(argv[0], &fd))
		return lsm_unload(argv[0], fd);
	found = find_instance(argv[0], &inst);
	if (found < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/%s", UCMD_BPFFS_DIR, argv[0]);
	snprintf(pin, sizeof(pin), "%s/link", dir);
	fd = bpf_obj_get(pin);
	if (fd < 0) {
		err = -errno;
		if (err == -EPERM || err == -EACCES)
			p_err("%s: permission denied (%s)", pin, errno_name(-err));
		else if (found)
			p_err("'%s' is attached but not pinned by ucmdctl (no %s)", argv[0], pin);
		else
			p_err("'%s' is not loaded", argv[0]);
		return -1;
	}
	/* What the kernel frees after the detach, to wait for below. */
	if (inst_ids_collect(fd, &ids))
		ids.nr_maps = ids.nr_progs = 0;	/* then only module_refs */
	err = bpf_link_detach(fd);
	close(fd);
	if (err) {
		err = -errno;
		p_err("detach '%s': %s", argv[0], strerror(-err));
		return -1;
	}
	remove_pins(dir);
	n = read_instances(&all);
	if (n >= 0)
		free(all);
	inst_wait_released(&ids, n == 0, argv[0]);
	if (json_output) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(argv[0]));
		json_object_object_add(o, "detached", json_object_new_boolean(1));
		json_print(o);
	} else
		printf("detached %s\n", argv[0]);
	return 0;
}

static bool inst_pinned(const struct inst *i)
{
	char pin[PATH_MAX];

	snprintf(pin, sizeof(pin), "%s/%s/link", UCMD_BPFFS_DIR, i->name);
	return access(pin, F_OK) == 0;
}

static struct json_object *inst_json(const struct inst *i)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(i->name));
	json_object_object_add(o, "kind", json_object_new_string(inst_kind(i)));
	json_object_object_add(o, "validate", json_object_new_boolean(i->validate));
	json_object_object_add(o, "handle", json_object_new_boolean(i->handle));
	if (i->handle) {
		json_object_object_add(o, "op_first", json_object_new_uint64(i->first));
		json_object_object_add(o, "op_last", json_object_new_uint64(i->last));
		json_object_object_add(o, "sleepable", json_object_new_boolean(i->sleepable));
	}
	json_object_object_add(o, "release", json_object_new_boolean(i->release));
	json_object_object_add(o, "pinned", json_object_new_boolean(inst_pinned(i)));
	return o;
}

static void print_inst(const struct inst *i)
{
	bool pinned = inst_pinned(i);

	printf("%-16s %-15s", i->name, inst_kind(i));
	if (i->handle)
		printf(" ops 0x%08x..0x%08x", i->first, i->last);
	if (i->sleepable)
		printf(" sleepable");
	if (i->release)
		printf(" release");
	printf("%s\n", pinned ? "" : "  (not pinned)");
}

static int do_list(int argc, char **argv)
{
	int n, shown = 0;
	struct json_object *arr;
	struct inst *all;

	n = read_instances(&all);
	if (n < 0)
		return -1;
	arr = json_output ? json_object_new_array() : NULL;
	for (int i = 0; i < n; i++) {
		if (!inst_is_kind(&all[i]))
			continue;
		shown++;
		if (arr)
			json_object_array_add(arr, inst_json(&all[i]));
		else
			print_inst(&all[i]);
	}
	if (arr)
		json_print(arr);
	else if (!shown)
		printf("no %s attached\n", kind_word);
	free(all);
	return 0;
}

static int do_show(int argc, char **argv)
{
	char dir[PATH_MAX], pin[PATH_MAX + 256];
	struct bpf_link_info li = { 0 };
	__u32 li_len = sizeof(li);
	struct json_object *o = NULL, *maps = NULL;
	struct dirent *de;
	struct inst inst;
	int found, fd;
	DIR *d;

	if (argc != 1) {
		p_err("usage: %s %s show NAME", bin_name, kind_word);
		return -1;
	}
	found = find_instance(argv[0], &inst);
	if (found <= 0) {
		if (!found)
			p_err("'%s' is not attached", argv[0]);
		return -1;
	}
	if (json_output) {
		o = json_object_new_object();
		maps = json_object_new_array();
		json_object_object_add(o, "instance", inst_json(&inst));
	} else {
		print_inst(&inst);
	}
	snprintf(dir, sizeof(dir), "%s/%s", UCMD_BPFFS_DIR, argv[0]);
	snprintf(pin, sizeof(pin), "%s/link", dir);
	fd = bpf_obj_get(pin);
	if (fd >= 0 && !bpf_link_get_info_by_fd(fd, &li, &li_len)) {
		if (o) {
			json_object_object_add(o, "link_id", json_object_new_uint64(li.id));
			json_object_object_add(o, "struct_ops_map_id",
					       json_object_new_uint64(li.struct_ops.map_id));
		} else
			printf("  link id %u, struct_ops map id %u, pinned at %s\n",
			       li.id, li.struct_ops.map_id, dir);
	}
	if (fd >= 0)
		close(fd);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		struct bpf_map_info mi = { 0 };
		__u32 mi_len = sizeof(mi);
		int mfd;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "link"))
			continue;
		snprintf(pin, sizeof(pin), "%s/%s", dir, de->d_name);
		mfd = bpf_obj_get(pin);
		if (mfd < 0 || bpf_map_get_info_by_fd(mfd, &mi, &mi_len)) {
			if (mfd >= 0)
				close(mfd);
			continue;
		}
		if (o) {
			struct json_object *m = json_object_new_object();

			json_object_object_add(m, "name", json_object_new_string(de->d_name));
			json_object_object_add(m, "id", json_object_new_uint64(mi.id));
			json_object_object_add(m, "max_entries",
					       json_object_new_uint64(mi.max_entries));
			json_object_array_add(maps, m);
		} else
			printf("  map %-12s id %u, max_entries %u, pinned at %s\n",
			       de->d_name, mi.id, mi.max_entries, pin);
		close(mfd);
	}
	if (d)
		closedir(d);
	if (o) {
		json_object_object_add(o, "maps", maps);
		json_print(o);
	}
	return 0;
}

/* Each kind's own options: handlers have no default verdict and no replace. */
static int obj_help(int argc, char **argv)
{
	bool policy = !strcmp(kind_word, "policy");

	fprintf(stderr, "Usage: %s %s load OBJ [name NAME]%s\n", bin_name, kind_word,
		policy ? " [default { allow | deny [ERRNO] }]" : "");
	fprintf(stderr, "       %s %s list\n", bin_name, kind_word);
	fprintf(stderr, "       %s %s show NAME\n", bin_name, kind_word);
	fprintf(stderr, "       %s %s unload NAME\n", bin_name, kind_word);
	if (policy)
		fprintf(stderr, "       %s %s replace NAME OBJ\n", bin_name, kind_word);
	fprintf(stderr, "       OBJ := { PATH | %s }\n",
		policy ? "rules | payload_check" : "kv | arith | timer | csum | counter");
	fprintf(stderr, "  load pins the instance at %s/NAME/ (link and maps), so it\n"
		"  stays attached after %s exits; unload detaches and unpins it%s\n",
		UCMD_BPFFS_DIR, bin_name,
		policy ? ";\n  replace swaps the policy for OBJ in place (the link is updated)." :
		" (handlers\n  are not replaced in place: unload, then load).");
	return 0;
}

static const struct cmd obj_cmds[] = {
	{ "load", do_load },
	{ "list", do_list },
	{ "show", do_show },
	{ "unload", do_unload },
	{ "replace", do_replace },
	{ "help", obj_help },
	{ 0 }
};

int do_policy(int argc, char **argv)
{
	kind_word = "policy";
	return cmd_select(obj_cmds, argc, argv, obj_help);
}

int do_handler(int argc, char **argv)
{
	kind_word = "handler";
	return cmd_select(obj_cmds, argc, argv, obj_help);
}
