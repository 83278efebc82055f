#!/usr/bin/env bash
# tools/vm/instrumented.sh gcov|kcov: ucmd.ko (with ucmd-nobtf.ko and
# ucmd_test.ko) built against the debug kernel (tools/vm/debug-kernel.sh)
# with gcov counters (make coverage) or KCOV's trace-pc calls (make fuzz
# KCOV=1), under build/gcov/ or build/kcov/; the tests, tools and BPF
# objects are make check-debug's (build/debug/). Prints the kernel image
# and the build directory, for tools/vm/run.sh's UCMD_KERNEL and
# UCMD_BUILD.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
case ${1:-} in
gcov) var=UCMD_GCOV=y ;;
kcov) var=UCMD_KCOV=y ;;
*) echo "usage: $0 gcov|kcov" >&2; exit 2 ;;
esac
kdir=$("$top/tools/vm/debug-kernel.sh")
make -C "$top" --no-print-directory B=build/debug KDIR="$kdir" guest >&2
b=build/$1
make -C "$top" --no-print-directory B="$b" KDIR="$kdir" UCMD_KBUILD="$var" \
	"$b/kmod/ucmd.ko" "$b/kmod/ucmd-nobtf.ko" "$b/kmod/ucmd_test.ko" >&2
for d in tests bin bpf stage; do
	rm -rf "${top:?}/$b/$d"
	ln -s "$top/build/debug/$d" "$top/$b/$d"
done
echo "$kdir/arch/x86/boot/bzImage $top/$b"
