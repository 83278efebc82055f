#!/usr/bin/env bash
# Build (once per machine, cached outside the clone: tools/cache.sh) a
# small 6.12 guest kernel from Debian's linux-source-6.12 with the debug
# options that catch what the tests alone would not: KASAN, lockdep
# (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS, KMEMLEAK, hung-task
# detection, slab fault injection (FAILSLAB with /proc/thread-self/fail-nth
# and debugfs, for the tests that step a failure over every allocation of a
# path), and, for make coverage and make fuzz KCOV=1, GCOV_KERNEL and KCOV
# with nothing of the kernel itself instrumented (GCOV_PROFILE_ALL and
# KCOV_INSTRUMENT_ALL off: only a module built with GCOV_PROFILE or
# KCOV_INSTRUMENT is, so the normal suite runs as fast as without them).
# Prints the tree's path; says on stderr whether it was cached or built.
# The cache key is the source package's version, this script's option lists
# and the compiler's version: a change to any of them builds anew (15-25
# minutes on 2 cores); a later call with the same key returns at once.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/cache.sh
. "$top/tools/cache.sh"
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -1)
[ -n "$tarball" ] || { echo "Error: linux-source-6.12 is not installed (make deps)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || stat -c %Y "$tarball")

ENABLE="64BIT SMP PRINTK PRINTK_TIME BUG TTY SERIAL_8250 SERIAL_8250_CONSOLE
  BLK_DEV_INITRD RD_GZIP DEVTMPFS PROC_FS SYSFS TMPFS SHMEM BINFMT_ELF
  BINFMT_SCRIPT MULTIUSER FUTEX EPOLL SIGNALFD TIMERFD EVENTFD POSIX_TIMERS
  FILE_LOCKING UNIX NET INET ACPI PCI
  MODULES MODULE_UNLOAD MODULE_FORCE_UNLOAD KALLSYMS KALLSYMS_ALL
  IO_URING BPF_SYSCALL BPF_JIT BPF_JIT_ALWAYS_ON PERF_EVENTS KPROBES
  KPROBE_EVENTS FTRACE FUNCTION_TRACER DYNAMIC_FTRACE BPF_EVENTS
  SECURITY BPF_LSM STACKTRACE
  DEBUG_KERNEL DEBUG_INFO_DWARF5 DEBUG_INFO_BTF DEBUG_INFO_BTF_MODULES
  KASAN KASAN_GENERIC KASAN_INLINE SLUB_DEBUG
  PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_LIST
  DEBUG_OBJECTS DEBUG_OBJECTS_WORK DEBUG_OBJECTS_RCU_HEAD DEBUG_OBJECTS_TIMERS
  DEBUG_OBJECTS_FREE DEBUG_KMEMLEAK DETECT_HUNG_TASK SOFTLOCKUP_DETECTOR
  DEBUG_FS FAULT_INJECTION FAILSLAB FAULT_INJECTION_DEBUG_FS USERFAULTFD
  GCOV_KERNEL KCOV"
DISABLE="DEBUG_INFO_NONE DEBUG_INFO_REDUCED DEBUG_KMEMLEAK_DEFAULT_OFF
  KMEMLEAK_AUTO_SCAN MODULE_SIG WERROR SLUB_TINY GCOV_PROFILE_ALL
  KCOV_INSTRUMENT_ALL KCOV_ENABLE_COMPARISONS"
MUST="KASAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_OBJECTS DEBUG_KMEMLEAK
  IO_URING DEBUG_INFO_BTF_MODULES BPF_LSM MODULES FAILSLAB
  FAULT_INJECTION_DEBUG_FS GCOV_KERNEL KCOV"
# Must stay off: they would instrument the whole kernel.
MUST_NOT="GCOV_PROFILE_ALL KCOV_INSTRUMENT_ALL"
SETVAL="--set-val DEFAULT_HUNG_TASK_TIMEOUT 30 --set-str LSM bpf"

key=$srcver-$( { echo "$ENABLE $DISABLE $SETVAL"; gcc --version | head -1; } | sha1sum | cut -c1-12)
key=${key//[^A-Za-z0-9.+_-]/_}
C=$(cache_root)/debug-kernel
D=$C/$key
src=$D/linux
mkdir -p "$C"
exec 9> "$C/.lock"
flock 9

if [ -e "$D/complete" ]; then
	echo "debug kernel: cached $D (built $(date -r "$D/complete" '+%F %T'))" >&2
	echo "$src"
	exit 0
fi
echo "debug kernel: building $D (key: linux-source-6.12 $srcver, options and compiler hash; 15-25 minutes on 2 cores)" >&2
rm -rf "$D"
mkdir -p "$D"
tar -C "$D" -xf "$tarball"
mv "$D"/linux-source-6.12 "$src"
cd "$src"
make -s tinyconfig >&2
for o in $ENABLE; do scripts/config --enable "$o"; done
for o in $DISABLE; do scripts/config --disable "$o"; done
# shellcheck disable=SC2086
scripts/config $SETVAL
make -s olddefconfig >&2
for o in $MUST; do
	grep -q "^CONFIG_$o=y" .config || { echo "Error: CONFIG_$o did not stick" >&2; exit 1; }
done
for o in $MUST_NOT; do
	! grep -q "^CONFIG_$o=y" .config || { echo "Error: CONFIG_$o is on" >&2; exit 1; }
done
# modules: writes Module.symvers, which out-of-tree modules link against.
make -j"$(nproc)" -s bzImage modules >&2
touch "$D/complete"
cache_prune "$C" "$key"
echo "$src"
