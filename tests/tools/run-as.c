// SPDX-License-Identifier: GPL-2.0
/*
 * run-as: run a command as another uid/gid and/or in another cgroup, for
 * the guest's shell tests (busybox has no setpriv --reuid).
 *
 *   run-as [-u UID] [-g GID] [-c CGROUP_DIR] [-d CAPS] CMD [ARG...]
 *
 * -c writes the process into CGROUP_DIR/cgroup.procs first, then -d drops
 * the comma-separated capabilities CAPS (cap_sys_admin,cap_bpf: libcap's
 * names) from the bounding set, as capsh --drop does, so that CMD, run as
 * root, starts without them; then -g sets the gid (supplementary groups
 * cleared), -u the uid, then CMD is executed. Exits 126 if a step fails,
 * else CMD's exit status.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/capability.h>

int main(int argc, char **argv)
{
	const char *cg = NULL;
	char *drop = NULL;
	long uid = -1, gid = -1;
	int opt;

	while ((opt = getopt(argc, argv, "+u:g:c:d:")) != -1) {
		switch (opt) {
		case 'u':
			uid = strtol(optarg, NULL, 10);
			break;
		case 'g':
			gid = strtol(optarg, NULL, 10);
			break;
		case 'c':
			cg = optarg;
			break;
		case 'd':
			drop = optarg;
			break;
		default:
			return 126;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: run-as [-u UID] [-g GID] [-c CGROUP_DIR] [-d CAPS] CMD [ARG...]\n");
		return 126;
	}
	if (cg) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
		f = fopen(path, "w");
		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f)) {
			fprintf(stderr, "run-as: %s: %s\n", path, strerror(errno));
			return 126;
		}
	}
	for (char *name = drop ? strtok(drop, ",") : NULL; name; name = strtok(NULL, ",")) {
		cap_value_t cap;

		if (cap_from_name(name, &cap) || cap_drop_bound(cap)) {
			fprintf(stderr, "run-as: drop %s: %s\n", name, strerror(errno));
			return 126;
		}
	}
	if (gid >= 0 && (setgroups(0, NULL) || setgid(gid))) {
		perror("run-as: setgid");
		return 126;
	}
	if (uid >= 0 && setuid(uid)) {
		perror("run-as: setuid");
		return 126;
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "run-as: %s: %s\n", argv[optind], strerror(errno));
	return 126;
}
