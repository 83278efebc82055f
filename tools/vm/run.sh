#!/usr/bin/env bash
# Boot the installed Debian 6.12 kernel under QEMU TCG with ucmd.ko and the
# guest tests in an initramfs, and report.
#
#   tools/vm/run.sh check   run every guest test; one line per test, then
#                           the dmesg scan; exit 1 on any failure
#   tools/vm/run.sh demo    run tools/vm/demo.sh in the guest and show it
#   tools/vm/run.sh bench   run tools/bench/bench.sh; tables under build/bench/
# UCMD_TESTS=a,b runs only those guest tests (for the edit-boot loop).
# UCMD_KCMDLINE="preempt=full ..." adds kernel parameters (the preemption
# tests on 6.12, whose default is voluntary).
# UCMD_FUZZ=SECONDS:SEED:THREADS[:FLAGS] runs the fuzz test that long (make
# fuzz); FLAGS are ucmd-fuzz's (-P). UCMD_LOGLEVEL=8 puts every kernel
# message on the console (KASAN's allocation and free stacks included).
# UCMD_GCOV=1 has the guest dump ucmd.ko's gcov counters at the end (make
# coverage); UCMD_KCOV=1 adds the fuzz-kcov test (make fuzz KCOV=1).
# UCMD_VM_ICOUNT=1 boots with -icount shift=0,sleep=off on one vCPU: the
# guest clock counts executed instructions, so ratios are exact and
# repeatable (../shared/platform.md); for make bench-icount.
#
# Inputs (made by the Makefile): build/kmod/ucmd.ko, build/tests/guest/*,
# build/bin/* (static). Results: build/vm/{console,results}.log.
# The guest reports on its second serial port, so kernel messages on the
# console never interleave with results.
set -uo pipefail

mode=${1:-check}
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${UCMD_BUILD:-$top/build}
V=$B/vm
TIMEOUT=${UCMD_VM_TIMEOUT:-900}

# UCMD_KERNEL: a kernel image of our own (make check-debug); else Debian's.
kernel=${UCMD_KERNEL:-}
if [ -z "$kernel" ]; then
	KVER=${KVER:-$("$top/tools/kver.sh")} || exit 2
	kernel=/boot/vmlinuz-$KVER
fi
[ -r "$kernel" ] || { echo "Error: $kernel not found (make deps)" >&2; exit 2; }

rm -rf "$V/root"
mkdir -p "$V/root"/{bin,sbin,dev,proc,sys,tmp,tests,lib/ucmd,tests-bpf}
cp /bin/busybox "$V/root/bin/busybox"
ln -s busybox "$V/root/bin/sh"
cp "$top/tools/vm/init" "$V/root/init"
cp "$top/tools/vm/demo.sh" "$V/root/demo.sh"
cp "$top/tools/bench/bench.sh" "$V/root/bench.sh"
[ -f "$B/kmod/ucmd_bare.ko" ] && cp "$B/kmod/ucmd_bare.ko" "$V/root/"
cp "$B/kmod/ucmd.ko" "$B/kmod/ucmd_test.ko" "$V/root/"
[ -f "$B/kmod/ucmd-nobtf.ko" ] && cp "$B/kmod/ucmd-nobtf.ko" "$V/root/"
cp "$B"/tests/guest/* "$V/root/tests/"
# make fuzz KCOV=1 (tools/fuzz-kcov.sh): its test exists in that run only.
[ -n "${UCMD_KCOV:-}" ] && install -m 755 "$top/tools/vm/fuzz-kcov.sh" "$V/root/tests/fuzz-kcov"
cp "$B"/bin/* "$V/root/bin/" 2>/dev/null || true
cp "$B"/bpf/*.bpf.o "$V/root/lib/ucmd/" 2>/dev/null || true
cp "$B"/tests/bpf/*.bpf.o "$V/root/tests-bpf/" 2>/dev/null || true
# make install's staging tree (DESTDIR), for tests/guest/install-layout.sh:
# this build's, or (check-kernels: the tools are the host build's) the tree's
stage=$B/stage
[ -d "$stage" ] || stage=$top/build/stage
[ -d "$stage" ] && cp -aH "$stage" "$V/root/stage"
# The template handler built from that tree (Makefile), for tests/guest/bpf-kit.sh.
kit=$B/kit
[ -d "$kit" ] || kit=$top/build/kit
[ -d "$kit" ] && cp -a "$kit" "$V/root/kit"
# The host's / read-only over virtio-9p (mount tag hostfs), so that
# tests/guest/standard-tools.sh runs the host's bpftool, bpftrace and perf
# chrooted; the guest kernel's 9p modules, decompressed for busybox insmod
# (built in on the debug kernel: none found, none needed).
rel=${UCMD_KREL:-$(basename "$kernel")}; rel=${rel#vmlinuz-}
# The module DKMS built (host test dkms) for this kernel, if it is this one,
# for tests/guest/dkms-module.sh.
dk=$top/build/dkms-test/ucmd.ko
if [ -f "$dk" ] && [ "$(modinfo -F vermagic "$dk" | cut -d' ' -f1)" = "$rel" ]; then
	cp "$dk" "$V/root/ucmd-dkms.ko"
fi
# put_module SRC DST: a kernel module, decompressed for busybox insmod.
put_module() {
	case $1 in
	*.xz) xz -dc "$1" > "$2" ;;
	*.zst) zstd -qdc "$1" > "$2" ;;
	*) cp "$1" "$2" ;;
	esac
}
# Only for make check's kernel (tools/kver.sh), from its installed
# package: tools/kernel.sh says why not for the others.
moddir=/lib/modules/$rel
if [ "$rel" = "$("$top/tools/kver.sh" 2>/dev/null)" ] && [ -d "$moddir/kernel/fs/9p" ]; then
	mkdir -p "$V/root/lib/9p"
	for m in fs/netfs/netfs net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p; do
		f=$(ls "$moddir/kernel/$m.ko"* 2>/dev/null | head -1)
		[ -n "$f" ] && put_module "$f" "$V/root/lib/9p/${m##*/}.ko"
	done
fi
# The device drivers of tests/guest/nvme-*, ublk-*, conformance: nvme.ko
# and ublk_drv.ko, each after what modules.dep says it needs (deepest
# first), decompressed into /lib/drivers/ with the order in
# /lib/drivers/order, which tools/vm/init loads: the emulated controller
# below then shows up as /dev/nvme0 and /dev/ng0n1, ublk as
# /dev/ublk-control (built in on the debug kernel if at all).
for moddir in "/lib/modules/$rel" "$(dirname "$kernel")/lib/modules/$rel" "$(dirname "$kernel")/../lib/modules/$rel"; do
	[ -f "$moddir/modules.dep" ] || continue
	mkdir -p "$V/root/lib/drivers"
	: > "$V/root/lib/drivers/order"
	for drv in drivers/nvme/host/nvme drivers/block/ublk_drv; do
		dep=$(grep "^kernel/$drv\.ko[^:]*:" "$moddir/modules.dep") || continue
		# shellcheck disable=SC2086
		for f in $(echo ${dep#*:} | tr ' ' '\n' | tac) ${dep%%:*}; do
			n=$(basename "$f"); n=${n%%.ko*}
			grep -qx "$n" "$V/root/lib/drivers/order" && continue
			put_module "$moddir/$f" "$V/root/lib/drivers/$n.ko"
			echo "$n" >> "$V/root/lib/drivers/order"
		done
	done
	break
done
(cd "$V/root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$V/initramfs.gz"
# The NVMe namespace's backing store: 16 MiB, sparse, new each boot.
rm -f "$V/nvme.img"
truncate -s 16M "$V/nvme.img"

rm -f "$V/console.log" "$V/results.log"
t0=$(date +%s)
cpus="-smp 2"
[ -n "${UCMD_VM_ICOUNT:-}" ] && cpus="-smp 1 -icount shift=0,sleep=off"
boot() {
	rm -f "$V/console.log" "$V/results.log"
	# shellcheck disable=SC2086
	timeout --foreground -k 5 "$TIMEOUT" qemu-system-x86_64 \
		-accel tcg -cpu max -m 1G $cpus -nographic -no-reboot \
		-kernel "$kernel" -initrd "$V/initramfs.gz" \
		-fsdev local,id=hostfs,path=/,security_model=none,readonly=on \
		-device virtio-9p-pci,fsdev=hostfs,mount_tag=hostfs \
		-drive "file=$V/nvme.img,if=none,id=nvm,format=raw" \
		-device nvme,serial=ucmd0001,drive=nvm \
		-append "console=ttyS0 panic=-1 loglevel=${UCMD_LOGLEVEL:-4} ucmd.mode=$mode ${UCMD_TESTS:+ucmd.tests=$UCMD_TESTS} ${UCMD_FUZZ:+ucmd.fuzz=$UCMD_FUZZ} ${UCMD_BENCH:+ucmd.bench=$UCMD_BENCH} ${UCMD_ROUNDS:+ucmd.rounds=$UCMD_ROUNDS} ${UCMD_GCOV:+ucmd.gcov=1} ${UCMD_KCMDLINE:-}" \
		-serial "file:$V/console.log" \
		-chardev "file,id=results,path=$V/results.log" \
		-device isa-serial,chardev=results \
		-monitor none > "$V/qemu.log" 2>&1
	qrc=$?
	t1=$(date +%s)
	tr -d '\r' < "$V/results.log" > "$V/results.txt" 2>/dev/null || : > "$V/results.txt"
}
boot
# A guest kernel that oopsed before it ran init (no UCMD-BOOT line) is not
# the tests' doing: under TCG, text patching (int3) has oopsed Debian's
# kernels during boot, at random. Once more, said; a second one fails.
if ! grep -q '^UCMD-BOOT' "$V/results.txt" && grep -q 'Oops:\|Kernel panic' "$V/console.log"; then
	echo "note: the guest kernel oopsed while booting, before init:" >&2
	grep -m1 -A2 'Oops:' "$V/console.log" | tr -d '\r' >&2
	echo "note: booting it again (once)" >&2
	boot
fi

if [ "$mode" = bench ]; then
	grep -q '^UCMD-DONE' "$V/results.txt" || {
		echo "Error: the guest did not finish (qemu exit $qrc); see $V/console.log" >&2
		exit 1
	}
	grep '^BENCH-ERROR' "$V/results.txt" >&2
	exec python3 "$top/tools/bench/report.py" "$V/results.txt" \
		"$B/bench${UCMD_VM_ICOUNT:+-icount}" ${UCMD_VM_ICOUNT:+--icount}
fi

if [ "$mode" = demo ]; then
	sed -n '/^UCMD-RESULT insmod/,/^UCMD-DMESG-BEGIN/p' "$V/results.txt" |
		grep -v '^UCMD-'
	grep -q '^UCMD-DONE' "$V/results.txt" || {
		echo "Error: the guest did not finish (qemu exit $qrc); see $V/console.log" >&2
		tail -20 "$V/console.log" >&2
		exit 1
	}
	exit 0
fi

exec "$top/tools/vm/report.sh" "$V/results.txt" "$V/console.log" "$qrc" "$((t1 - t0))"
