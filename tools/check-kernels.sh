#!/usr/bin/env bash
# make check-kernels: the guest suite on every kernel of tools/kernels.conf,
# one boot at a time. Each kernel's output is kept in
# build/kernels/RELEASE/check.log; the end is a table of kernels x results
# and the summed "N passed, N failed, N skipped" line. Exits 1 if any test
# failed on any kernel. UCMD_SKIP_KERNELS="RELEASE..." leaves those out
# (.ci/run: the host's kernel, which make check has just run).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tp=0 tf=0 ts=0 table=""
for rel in $("$top/tools/kernel.sh" list); do
	case " ${UCMD_SKIP_KERNELS:-} " in *" $rel "*) echo "=== $rel: left out (UCMD_SKIP_KERNELS)"; continue ;; esac
	log=$top/build/kernels/$rel/check.log
	mkdir -p "${log%/*}"
	echo "=== $rel"
	t0=$(date +%s)
	"$top/tools/kernel.sh" check "$rel" 2>&1 | tee "$log"
	t1=$(date +%s)
	read -r p f s < <(awk '/^[0-9]+ passed, [0-9]+ failed/ { p = $1; f = $3; s = ($5 == "" ? 0 : $5) } END { print p + 0, f + 0, s + 0 }' "$log")
	# A kernel whose run printed no summary failed as a whole.
	grep -Eq '^[0-9]+ passed, [0-9]+ failed' "$log" || f=$((f + 1))
	table+=$(printf '%-24s %6d %6d %7d %6ds' "$rel" "$p" "$f" "$s" "$((t1 - t0))")$'\n'
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
done
echo
printf '%-24s %6s %6s %7s %7s\n' kernel passed failed skipped wall
printf '%s' "$table"
echo "$tp passed, $tf failed, $ts skipped"
[ "$tf" -eq 0 ]
