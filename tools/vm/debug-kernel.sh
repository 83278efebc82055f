#!/usr/bin/env bash
# Build (once, cached under build/debug-kernel/) a small 6.12 guest kernel
# from Debian's linux-source-6.12 with the debug options that catch what the
# tests alone would not: KASAN, lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP,
# DEBUG_OBJECTS, KMEMLEAK, hung-task detection, and slab fault injection
# (FAILSLAB with /proc/thread-self/fail-nth and debugfs, for the tests that
# step a failure over every allocation of a path). Prints the tree's path.
# The first build takes 15-25 minutes on 2 cores; later calls return at once.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
D=$top/build/debug-kernel
src=$D/linux
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -1)
[ -n "$tarball" ] || { echo "Error: linux-source-6.12 is not installed (make deps)" >&2; exit 1; }

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
  DEBUG_FS FAULT_INJECTION FAILSLAB FAULT_INJECTION_DEBUG_FS USERFAULTFD"
DISABLE="DEBUG_INFO_NONE DEBUG_INFO_REDUCED DEBUG_KMEMLEAK_DEFAULT_OFF
  KMEMLEAK_AUTO_SCAN MODULE_SIG WERROR SLUB_TINY"
MUST="KASAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_OBJECTS DEBUG_KMEMLEAK
  IO_URING DEBUG_INFO_BTF_MODULES BPF_LSM MODULES FAILSLAB
  FAULT_INJECTION_DEBUG_FS"

stamp="$(stat -c %Y "$tarball") $(echo "$ENABLE $DISABLE" | sha1sum | cut -c1-12)"

if [ "$(cat "$D/config-stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$D"
	mkdir -p "$D"
	tar -C "$D" -xf "$tarball"
	mv "$D"/linux-source-6.12 "$src"
	cd "$src"
	make -s tinyconfig >&2
	for o in $ENABLE; do scripts/config --enable "$o"; done
	for o in $DISABLE; do scripts/config --disable "$o"; done
	scripts/config --set-val DEFAULT_HUNG_TASK_TIMEOUT 30 --set-str LSM "bpf"
	make -s olddefconfig >&2
	for o in $MUST; do
		grep -q "^CONFIG_$o=y" .config || { echo "Error: CONFIG_$o did not stick" >&2; exit 1; }
	done
	echo "$stamp" > "$D/config-stamp"
fi

if [ "$(cat "$D/build-stamp" 2>/dev/null)" != "$stamp" ]; then
	cd "$src"
	# modules: writes Module.symvers, which out-of-tree modules link against.
	make -j"$(nproc)" -s bzImage modules >&2
	echo "$stamp" > "$D/build-stamp"
fi
echo "$src"
