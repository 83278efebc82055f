// SPDX-License-Identifier: GPL-2.0
/*
 * json-check [-s] [-k KEY -v VALUE]: for the guest tests of `ucmdctl -j`
 * and `-p`, which have no jq. Parses stdin with json-c's parser:
 *   default  every non-empty line is one JSON value (-j output);
 *   -s       stdin is a stream of JSON values across lines (-p output).
 * With -k/-v, also require some object, at any depth, whose member KEY
 * is the string VALUE (compared after decoding escapes).
 * Exits 0 on success, else prints what failed and exits 1.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

static const char *key, *want;
static int found;

static void search(struct json_object *o)
{
	struct json_object *v;

	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			search(json_object_array_get_idx(o, i));
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) &&
	    !strcmp(json_object_get_string(v), want))
		found = 1;
	json_object_object_foreach(o, k, child) {
		(void)k;
		search(child);
	}
}

/* Parse [buf, buf + len) as values one after another; the count, or -1. */
static int parse_all(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	size_t off = 0;
	int n = 0;

	while (off < len) {
		struct json_object *o;

		while (off < len && strchr(" \t\r\n", buf[off]))
			off++;
		if (off == len)
			break;
		json_tokener_reset(tok);
		/* With the NUL: a literal at the end of the input is complete. */
		o = json_tokener_parse_ex(tok, buf + off, len - off + 1);
		if (json_tokener_get_error(tok) != json_tokener_success) {
			fprintf(stderr, "json-check: not JSON at byte %zu: %.60s\n", off, buf + off);
			json_tokener_free(tok);
			return -1;
		}
		if (key && o)
			search(o);
		json_object_put(o);
		off += tok->char_offset;
		n++;
	}
	json_tokener_free(tok);
	return n;
}

int main(int argc, char **argv)
{
	static char buf[1 << 22];
	int stream = 0, c, n = 0;
	size_t len = 0, r;

	while ((c = getopt(argc, argv, "sk:v:")) != -1) {
		switch (c) {
		case 's': stream = 1; break;
		case 'k': key = optarg; break;
		case 'v': want = optarg; break;
		default:
			fprintf(stderr, "usage: json-check [-s] [-k KEY -v VALUE]\n");
			return 2;
		}
	}
	if (!key != !want) {
		fprintf(stderr, "json-check: -k and -v go together\n");
		return 2;
	}
	while (len < sizeof(buf) - 1 && (r = fread(buf + len, 1, sizeof(buf) - 1 - len, stdin)) > 0)
		len += r;
	buf[len] = '\0';
	if (stream) {
		n = parse_all(buf, len);
		if (n < 0)
			return 1;
	} else {
		char *line = buf, *next;

		for (; *line; line = next) {
			char *nl = strchr(line, '\n');

			next = nl ? nl + 1 : line + strlen(line);
			if (nl)
				*nl = '\0';
			if (!*line)
				continue;
			if (parse_all(line, strlen(line)) != 1) {
				fprintf(stderr, "json-check: line is not one JSON value: %.80s\n", line);
				return 1;
			}
			n++;
		}
	}
	if (!n) {
		fprintf(stderr, "json-check: no JSON at all\n");
		return 1;
	}
	if (key && !found) {
		fprintf(stderr, "json-check: no object with \"%s\": \"%s\"\n", key, want);
		return 1;
	}
	return 0;
}
