#!/usr/bin/env bash
# make coverage: line, branch and function coverage of kmod/ by the whole
# guest suite (the fuzzer included) on the debug kernel, with ucmd.ko built
# with GCOV_PROFILE (tools/vm/instrumented.sh gcov). The guest dumps
# ucmd.ko's counters from /sys/kernel/debug/gcov after the last rmmod
# (gcov_persist keeps them over the tests' reloads); lcov and genhtml turn
# them into build/coverage/ucmd.info and build/coverage/html/, and a table
# per kmod/ file goes to stdout.
#
# Fails when a test failed, when line coverage of kmod/*.c is under
# UCMD_COVERAGE_MIN percent (default 90), or when a function that no test
# reaches is not named in docs/coverage.md (every such function has a
# test, or a line there saying why it cannot be reached).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
MIN=${UCMD_COVERAGE_MIN:-90}
out=$top/build/coverage
command -v lcov > /dev/null || { echo "Error: lcov is not installed (make deps)" >&2; exit 2; }

read -r kernel b < <(tools/vm/instrumented.sh gcov) || exit 2
[ -n "${b:-}" ] || exit 2
# UCMD_COVERAGE_REPORT=1: only the report, from the last run's results.
if [ "${UCMD_COVERAGE_REPORT:-}" != 1 ]; then
	UCMD_GCOV=1 UCMD_KERNEL=$kernel UCMD_BUILD=$b UCMD_VM_TIMEOUT=${UCMD_VM_TIMEOUT:-3000} \
		tools/vm/run.sh check
	echo $? > "$b/vm/coverage-rc"
fi
rc=$(cat "$b/vm/coverage-rc" 2> /dev/null || echo 1)

# The counters, next to the .gcno files kbuild wrote beside the objects.
obj=$b/ksrc/kmod
rm -f "$obj"/*.gcda
awk -v dir="$obj" '
	/^UCMD-GCDA-BEGIN / { n = split($2, p, "/"); f = dir "/" p[n]; printf "" > f; on = 1; next }
	/^UCMD-GCDA-END/ { close(cmd); on = 0; next }
	on { cmd = "base64 -d >> " f; print | cmd }
' "$b/vm/results.txt"
ls "$obj"/*.gcda > /dev/null 2>&1 || { echo "Error: the guest reported no gcov data (see $b/vm/console.log)" >&2; exit 1; }

rm -rf "$out" && mkdir -p "$out"
lcov -q --rc lcov_branch_coverage=1 --capture --directory "$obj" --base-directory "$obj" \
	-o "$out/raw.info" 2> "$out/lcov.log" || { cat "$out/lcov.log" >&2; exit 1; }
# Sources as the tree names them (kbuild compiled copies under ksrc/).
sed "s|^SF:$b/ksrc/kmod/|SF:$top/kmod/|" "$out/raw.info" > "$out/all.info"
# kmod/'s own files: geninfo names the kernel headers it inlined relative to
# the object directory too (ksrc/kmod/include/linux/...); those go.
lcov -q --rc lcov_branch_coverage=1 --extract "$out/all.info" "$top/kmod/*" -o "$out/kmod.info" 2>> "$out/lcov.log"
lcov -q --rc lcov_branch_coverage=1 --remove "$out/kmod.info" "$top/kmod/include/*" "$top/kmod/arch/*" \
	-o "$out/ucmd.info" 2>> "$out/lcov.log"
genhtml -q --branch-coverage --legend -t "ucmd kmod/ coverage" -o "$out/html" "$out/ucmd.info" \
	2>> "$out/lcov.log" || echo "Warning: genhtml failed (see $out/lcov.log)" >&2

# The table: per file lines, branches and functions, then kmod/*.c in all.
awk -v top="$top/" -v min="$MIN" '
	/^SF:/ { f = substr($0, 4); sub(top, "", f); files[++n] = f }
	/^LF:/ { lf[f] = substr($0, 4) } /^LH:/ { lh[f] = substr($0, 4) }
	/^BRF:/ { bf[f] = substr($0, 5) } /^BRH:/ { bh[f] = substr($0, 5) }
	/^FNF:/ { ff[f] = substr($0, 5) } /^FNH:/ { fh[f] = substr($0, 5) }
	function pct(h, t) { return t ? sprintf("%5.1f%%", 100 * h / t) : "    -" }
	END {
		printf "%-28s %15s %15s %11s\n", "file", "lines", "branches", "functions"
		for (i = 1; i <= n; i++) {
			f = files[i]
			printf "%-28s %s %4d/%-4d %s %4d/%-4d %4d/%-4d\n", f, pct(lh[f], lf[f]), lh[f], lf[f],
				pct(bh[f], bf[f]), bh[f], bf[f], fh[f], ff[f]
			if (f ~ /\.c$/) { L += lf[f]; H += lh[f]; BF += bf[f]; BH += bh[f]; FF += ff[f]; FH += fh[f] }
		}
		printf "%-28s %s %4d/%-4d %s %4d/%-4d %4d/%-4d\n", "kmod/*.c", pct(H, L), H, L, pct(BH, BF), BH, BF, FH, FF
		printf "%.1f\n", L ? 100 * H / L : 0 > "/dev/stderr"
	}' "$out/ucmd.info" 2> "$out/line-pct" | tee "$out/summary.txt"
pct=$(cat "$out/line-pct")
echo "HTML: $out/html/index.html"

# Functions no test reaches, each to be explained in docs/coverage.md.
awk -v top="$top/" '
	/^SF:/ { f = substr($0, 4); sub(top, "", f) }
	/^FNDA:0,/ { print f ":" substr($0, 8) }' "$out/ucmd.info" | sort -u > "$out/uncovered-functions.txt"
bad=0
while IFS=: read -r f fn; do
	if grep -q "\`$fn()\`" docs/coverage.md 2> /dev/null; then
		echo "not reached: $f $fn() (explained in docs/coverage.md)"
	else
		echo "NOT REACHED and not explained in docs/coverage.md: $f $fn()"
		bad=1
	fi
done < "$out/uncovered-functions.txt"

st=0
[ "$rc" -eq 0 ] || { echo "coverage: the guest suite failed (exit $rc)"; st=1; }
awk -v p="$pct" -v m="$MIN" 'BEGIN { exit !(p + 0 >= m + 0) }' ||
	{ echo "coverage: kmod/*.c line coverage ${pct}% is under ${MIN}%"; st=1; }
[ $bad -eq 0 ] || st=1
[ $st -eq 0 ] && echo "coverage: kmod/*.c lines ${pct}%, every function reached or explained"
exit $st
