// SPDX-License-Identifier: GPL-2.0
/*
 * json-check: exit 0 if every non-empty line of stdin is one JSON value
 * (json-c's parser), else print the first bad line and exit 1. For the
 * guest tests of `ucmdctl -j`, which has no jq.
 */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

int main(void)
{
	char line[65536];
	int n = 0;

	while (fgets(line, sizeof(line), stdin)) {
		struct json_tokener *tok = json_tokener_new();
		struct json_object *o;
		size_t len = strcspn(line, "\n");

		if (!len) {
			json_tokener_free(tok);
			continue;
		}
		/* With its NUL: a literal at the end of the input is complete. */
		line[len] = '\0';
		o = json_tokener_parse_ex(tok, line, len + 1);
		/* "null" parses to a NULL object: judge by the tokener's state. */
		if (json_tokener_get_error(tok) != json_tokener_success ||
		    tok->char_offset < (int)len) {
			fprintf(stderr, "json-check: line %d is not one JSON value: %.*s\n",
				n + 1, (int)len, line);
			return 1;
		}
		json_object_put(o);
		json_tokener_free(tok);
		n++;
	}
	if (!n) {
		fprintf(stderr, "json-check: no JSON at all\n");
		return 1;
	}
	return 0;
}
