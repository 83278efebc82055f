#!/usr/bin/env bash
# Build (once, cached under build/debug-kernel/) a small 6.12 guest kernel
# from Debian's linux-source-6.12 with the debug options that catch what the
# tests alone would not: KASAN, lockdep (PROVE_LOCKING), DEBUG_ATOMIC_SLEEP,
# DEBUG_OBJECTS, KMEMLEAK, hung-task detection. Prints the tree's path.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
D=$top/build/debug-kernel
src=$D/linux
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -1)
[ -n "$tarball" ] || { echo "Error: linux-source-6.12 is not installed (make deps)" >&2; exit 1; }

stamp="$(stat -c %Y "$tarball") $(sha1sum "$0" | cut -c1-12)"
if [ -f "$D/stamp" ] && [ "$(cat "$D/stamp")" = "$stamp" ] && [ -f "$src/arch/x86/boot/bzImage" ]; then
	echo "$src"
	exit 0
fi

rm -rf "$D"
mkdir -p "$D"
tar -C "$D" -xf "$tarball"
mv "$D"/linux-source-6.12 "$src"
cd "$src"
make -s tinyconfig >&2
y() { for o in "$@"; do scripts/config --enable "$o"; done; }
y 64BIT SMP PRINTK PRINTK_TIME BUG TTY SERIAL_8250 SERIAL_8250_CONSOLE \
  BLK_DEV_INITRD RD_GZIP DEVTMPFS PROC_FS SYSFS TMPFS SHMEM BINFMT_ELF \
  BINFMT_SCRIPT MULTIUSER FUTEX EPOLL SIGNALFD TIMERFD EVENTFD POSIX_TIMERS \
  FILE_LOCKING UNIX NET INET ACPI PCI \
  MODULES MODULE_UNLOAD MODULE_FORCE_UNLOAD KALLSYMS KALLSYMS_ALL \
  IO_URING BPF_SYSCALL BPF_JIT BPF_JIT_ALWAYS_ON PERF_EVENTS KPROBES \
  KPROBE_EVENTS FTRACE FUNCTION_TRACER DYNAMIC_FTRACE BPF_EVENTS \
  SECURITY BPF_LSM \
  DEBUG_KERNEL DEBUG_INFO_DWARF5 DEBUG_INFO_BTF DEBUG_INFO_BTF_MODULES \
  KASAN KASAN_GENERIC KASAN_INLINE SLUB_DEBUG \
  PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_LIST \
  DEBUG_OBJECTS DEBUG_OBJECTS_WORK DEBUG_OBJECTS_RCU_HEAD DEBUG_OBJECTS_TIMERS \
  DEBUG_OBJECTS_FREE DEBUG_KMEMLEAK DETECT_HUNG_TASK SOFTLOCKUP_DETECTOR
scripts/config --disable DEBUG_INFO_NONE --disable DEBUG_INFO_REDUCED \
	--disable DEBUG_KMEMLEAK_DEFAULT_OFF --disable KMEMLEAK_AUTO_SCAN \
	--set-val DEFAULT_HUNG_TASK_TIMEOUT 30 --set-str LSM "bpf" \
	--disable MODULE_SIG --disable WERROR --disable SLUB_TINY --enable STACKTRACE
make -s olddefconfig >&2
for o in KASAN PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_OBJECTS DEBUG_KMEMLEAK \
	 IO_URING DEBUG_INFO_BTF_MODULES BPF_LSM MODULES; do
	grep -q "^CONFIG_$o=y" .config || { echo "Error: CONFIG_$o did not stick" >&2; exit 1; }
done
make -j"$(nproc)" -s bzImage modules_prepare >&2
echo "$stamp" > "$D/stamp"
echo "$src"
