#!/usr/bin/env bash
# make fuzz KCOV=1 [FUZZ_SECONDS=N] [FUZZ_SEED=S] [FUZZ_THREADS=T]: the
# fuzzer on the debug kernel (KCOV) with ucmd.ko built with KCOV_INSTRUMENT
# (tools/vm/instrumented.sh kcov), in one boot: FUZZ_SECONDS without
# feedback (-K: edges measured only), then FUZZ_SECONDS with feedback (-F),
# same seed. Prints the edges of ucmd.ko each reached over time, side by
# side, and keeps the table in build/kcov/edges.txt.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
secs=${1:-120} seed=${2:-} threads=${3:-}
[ -n "$seed" ] || seed=$(( $(date +%s) % 1000000007 ))
if [ -n "${UCMD_KCOV_REPORT:-}" ]; then
	# The report of the last run again, from its results (no guest).
	b=$top/build/kcov rc=0
	seed=$(sed -n 's/.*=== ucmd-fuzz -K (seed \([0-9]*\)).*/\1/p' "$b/vm/results.txt")
else
	read -r kernel b < <(tools/vm/instrumented.sh kcov) || exit 2
	[ -n "${b:-}" ] || exit 2
	# Debug kernel timeouts are tripled by the guest; two runs and a boot here.
	UCMD_KCOV=1 UCMD_TESTS=fuzz-kcov UCMD_FUZZ="$secs:$seed:$threads" \
		UCMD_KERNEL=$kernel UCMD_BUILD=$b UCMD_VM_TIMEOUT=$((2 * secs + 600)) \
		tools/vm/run.sh check
	rc=$?
fi
awk '
	/=== ucmd-fuzz -K/ { run = "blind" } /=== ucmd-fuzz -F/ { run = "guided" }
	/fuzz: kcov remote/ && run != "" { sub(/.*fuzz: kcov remote /, ""); r[run] = $0; next }
	/fuzz: kcov/ && !/fuzz: kcov (pcs|edges)/ && run != "" {
		line = $0; sub(/.*fuzz: kcov/, "", line)
		fin = line ~ /^ final/; sub(/^ final/, "", line)
		split(line, w, " ")	# w[1] seconds, w[3] edges, w[5] PCs, w[9] SQEs, w[12] corpus
		k = fin ? "final" : int((w[1] + 15) / 30) * 30	# the reports are ~30 s apart
		if (!(k in seen)) { seen[k] = 1; keys[++n] = k }
		e[run, k] = w[3]; p[run, k] = w[5]; q[run, k] = w[9]; c[run, k] = w[12]
	}
	END {
		printf "%8s  %14s %10s  %14s %10s %8s\n", "time", "edges -K", "SQEs", "edges -F", "SQEs", "corpus"
		for (i = 1; i <= n; i++) {
			k = keys[i]
			printf "%8s  %14s %10s  %14s %10s %8s\n", k == "final" ? "final" : k " s",
				e["blind", k], q["blind", k], e["guided", k], q["guided", k], c["guided", k]
		}
		for (x in r)
			printf "remote %-7s %s\n", x ":", r[x]
		if (e["blind", "final"] != "" && e["guided", "final"] != "")
			printf "feedback: %d edges (%d PCs) vs %d (%d PCs) without: %+.1f%%\n",
				e["guided", "final"], p["guided", "final"], e["blind", "final"], p["blind", "final"],
				100 * (e["guided", "final"] - e["blind", "final"]) / e["blind", "final"]
	}' "$b/vm/results.txt" | tee "$b/edges.txt"
# The PCs (offsets into ucmd.ko's .text) one run reached and the other
# did not, by function: what feedback found, and what it lost.
for r in K F; do
	awk -v want="=== ucmd-fuzz -$r" '/=== ucmd-fuzz -/ { on = index($0, want) > 0 }
		on && /fuzz: kcov pcs/ { sub(/.*fuzz: kcov pcs /, ""); gsub(/ /, "\n"); print }' \
		"$b/vm/results.txt" | sort -u > "$b/pcs-$r.txt"
done
for d in "F:K:only with feedback" "K:F:only without feedback"; do
	IFS=: read -r x y what <<< "$d"
	comm -23 "$b/pcs-$x.txt" "$b/pcs-$y.txt" > "$b/pcs-$x-only.txt"
	printf 'PCs %s: %d' "$what" "$(grep -c '' "$b/pcs-$x-only.txt")"
	if [ -s "$b/pcs-$x-only.txt" ]; then
		printf ' in'
		sed 's/^/0x/' "$b/pcs-$x-only.txt" |
			addr2line -e "$b/kmod/ucmd.ko" -j .text -f 2> /dev/null |
			awk 'NR % 2 == 1 { n[$1]++ } END { for (f in n) printf " %s(%d)", f, n[f] }'
	fi
	echo
done | tee -a "$b/edges.txt"
# The same for edges (FROM>TO, FROM 0: a trace's first PC), by function
# pair: the order of events feedback found, and what it missed.
for r in K F; do
	awk -v want="=== ucmd-fuzz -$r" '/=== ucmd-fuzz -/ { on = index($0, want) > 0 }
		on && /fuzz: kcov edges/ { sub(/.*fuzz: kcov edges /, ""); gsub(/ /, "\n"); print }' \
		"$b/vm/results.txt" | sort -u > "$b/edges-$r.txt"
done
fnof() {	# offsets on stdin, "offset function" out
	sed 's/^/0x/' | addr2line -e "$b/kmod/ucmd.ko" -j .text -f -a 2> /dev/null |
		awk 'NR % 3 == 1 { a = $1; sub(/^0x0*/, "", a) } NR % 3 == 2 { print (a == "" ? "0" : a), $1 }'
}
tr '>' '\n' < <(cat "$b/edges-K.txt" "$b/edges-F.txt") | grep -v '^0$' | sort -u | fnof > "$b/edges-fn.txt"
for d in "F:K:only with feedback" "K:F:only without feedback"; do
	IFS=: read -r x y what <<< "$d"
	comm -23 "$b/edges-$x.txt" "$b/edges-$y.txt" > "$b/edges-$x-only.txt"
	printf 'edges %s: %d' "$what" "$(grep -c '' "$b/edges-$x-only.txt")"
	awk 'NR == FNR { fn[$1] = $2; next }
		{ split($0, p, ">"); f = p[1] == "0" ? "(start)" : fn[p[1]]; n[f ">" fn[p[2]]]++ }
		END { for (k in n) printf " %s(%d)", k, n[k] }' "$b/edges-fn.txt" "$b/edges-$x-only.txt"
	echo
done | fold -s -w 100 | tee -a "$b/edges.txt"
# Every PC KCOV can record in .text: the return address of each call to
# __sanitizer_cov_trace_pc (its rel32 relocation + 4); those neither run
# reached, by function: what the fuzzer never runs in the submitting task.
objdump -dr "$b/kmod/ucmd.ko" -j .text | awk '
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3) }
	/R_X86_64_PLT32[ \t]+__sanitizer_cov_trace_pc/ {
		sub(/:$/, "", $1); print $1, fn
	}' | while read -r off fn; do printf '%x %s\n' $((0x$off + 4)) "$fn"; done |
	sort -k1,1 > "$b/pcs-sites.txt"
sort -u "$b/pcs-K.txt" "$b/pcs-F.txt" > "$b/pcs-any.txt"
join -v 1 "$b/pcs-sites.txt" "$b/pcs-any.txt" > "$b/pcs-never.txt"
printf 'PCs reached: %d of %d in .text; never, by function:' "$(join "$b/pcs-sites.txt" "$b/pcs-any.txt" | grep -c '')" \
	"$(grep -c '' "$b/pcs-sites.txt")" | tee -a "$b/edges.txt"
awk '{ n[$2]++ } END { for (f in n) printf " %s(%d)", f, n[f]; print "" }' "$b/pcs-never.txt" |
	fold -s -w 100 | tee -a "$b/edges.txt"
echo "seed $seed, $secs s each, $(grep -c '' "$b/edges.txt") lines in $b/edges.txt"
exit $rc
