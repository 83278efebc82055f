#!/usr/bin/env bash
# Turn the guest's results log into one line per test, scan the guest's
# dmesg for splats, and end with "N passed, N failed, N skipped".
#   report.sh RESULTS CONSOLE QEMU_RC SECONDS
# Host-side counts can be added through UCMD_PREV="passed failed skipped".
set -uo pipefail
res=$1 console=$2 qrc=$3 secs=$4
read -r pass fail skip <<< "${UCMD_PREV:-0 0 0}"

out=""
while IFS= read -r line; do
	case "$line" in
	"UCMD-RESULT "*)
		read -r _ name rc a b <<< "$line"
		ms=""
		[ -n "${b:-}" ] && ms=$(awk -v a="$a" -v b="$b" 'BEGIN { printf " (%d ms)", (b - a) * 1000 }')
		case "$rc" in
		0) echo "PASS $name$ms"; pass=$((pass + 1))
		   # A report a test keeps for the log (tests/guest/conformance.sh).
		   printf '%s\n' "$out" | sed -n 's/^ *\(conformance .*\)/    \1/p' ;;
		77) why=$(printf '%s\n' "$out" | grep -v '^$' | tail -1 | sed 's/^ *//')
		    echo "SKIP $name: ${why:-no reason given}"; skip=$((skip + 1)) ;;
		*) echo "FAIL $name (exit $rc)$ms"; printf '%s\n' "$out" | grep -v '^$'
		   fail=$((fail + 1)) ;;
		esac
		out="" ;;
	"    "*) out="$out"$'\n'"$line" ;;
	esac
done < "$res"

# The guest's whole kernel log, between markers, is scanned for anything a
# kernel developer would call a bug. A guest that never reached the dump
# (hang, panic, timeout) fails here too, with the console's tail.
if grep -q '^UCMD-DONE' "$res"; then
	# From the marker init writes before loading ucmd.ko: an early-boot
	# splat of the kernel itself (seen once on the debug kernel under TCG,
	# in identify_cpu()) is not the tests'; it is still shown.
	dmesg=$(sed -n '/^UCMD-DMESG-BEGIN/,/^UCMD-DMESG-END/p' "$res")
	boot=$(printf '%s\n' "$dmesg" | sed '/ucmd-guest: tests begin/,$d' |
		grep -E 'WARNING:|BUG:|Oops|general protection fault' | head -3)
	[ -n "$boot" ] && printf 'note: before the tests, the kernel logged:\n%s\n' "$boot"
	dmesg=$(printf '%s\n' "$dmesg" | sed -n '/ucmd-guest: tests begin/,$p')
	# Report headers only: WARN/lockdep/ODEBUG ("WARNING:"), KASAN and
	# sleeping-in-atomic ("BUG:"), oopses, hung tasks, UBSAN, RCU splats.
	bad=$(printf '%s\n' "$dmesg" | grep -E 'WARNING:|BUG:|Oops|Call Trace:|general protection fault|blocked for more than|UBSAN:|suspicious RCU usage|suspected memory leak|ODEBUG:|kernel BUG' | head -20)
	if [ -n "$bad" ]; then
		echo "FAIL guest-dmesg-clean"; printf '%s\n' "$bad"; fail=$((fail + 1))
	else
		echo "PASS guest-dmesg-clean"; pass=$((pass + 1))
	fi
	if grep -q '^UCMD-KMEMLEAK-BEGIN' "$res"; then
		leaks=$(sed -n '/^UCMD-KMEMLEAK-BEGIN/,/^UCMD-KMEMLEAK-END/p' "$res" | grep -v '^UCMD-')
		if [ -n "$leaks" ]; then
			echo "FAIL guest-kmemleak-clean"; printf '%s\n' "$leaks" | head -40
			fail=$((fail + 1))
		else
			echo "PASS guest-kmemleak-clean"; pass=$((pass + 1))
		fi
	fi
else
	echo "FAIL guest-finished (qemu exit $qrc after ${secs}s: hang, panic or timeout)"
	tail -40 "$console" | tr -d '\r'
	fail=$((fail + 1))
fi
echo "guest run: ${secs}s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
