#!/bin/sh
# Print the Debian mirror the host's apt sources name, never a fixed host:
#   tools/mirror.sh          the main archive's URI
#   tools/mirror.sh security the security archive's URI (empty if none)
# Reads /etc/apt/sources.list.d/debian.sources (deb822), else
# /etc/apt/sources.list. Used by deps.sh, kernel.sh and fresh-host.sh.
want=${1:-main}
uri=""
f=/etc/apt/sources.list.d/debian.sources
if [ -r "$f" ]; then
	uri=$(awk -v w="$want" '/^URIs:/ { u = $2 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ((w == "security") == ($i ~ /-security$/)) { print u; exit } }' "$f")
fi
if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
	uri=$(awk -v w="$want" '/^deb / && (w == "security") == ($3 ~ /-security$/) { print $2; exit }' /etc/apt/sources.list)
fi
echo "$uri"
