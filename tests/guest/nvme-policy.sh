#!/bin/sh
# Description: the LSM policy (bpf/lsm.bpf.c, 'ucmdctl policy load lsm')
# polices the guest's NVMe devices' uring_cmd without ucmd.ko: a rule on
# a named admin opcode (Identify: harmless) denies it on /dev/nvme0 while
# Get Features and reads on /dev/ng0n1 still run; a field rule on nsid
# decides exactly as stated and only on SQEs io_uring copied (IOSQE_ASYNC;
# inline ones get EPERM, counted as unstable); default deny per device;
# a rule replaced takes its new verdict at once; the counts of
# allowed/denied/unstable match the commands issued exactly; unload is
# finished when it returns. Then the time-of-check race: a thread
# rewriting the opcode in the SQ ring during submission never gets a
# denied Identify executed under the default ('sqe copied'); with 'sqe
# ring' the bypasses are counted and printed, and rule add warns. Where
# BPF LSM is not active, load fails with one line naming why.
. /tests/lib.sh
set -u
trap cleanup EXIT

why=$(ucmdctl feature | grep '^BPF LSM')
case "$why" in
*" active") ;;
*)
	line=$(errline ucmdctl policy load lsm)
	echo "$line" | grep -q "BPF LSM is not usable" || fail "load without BPF LSM: $line"
	echo "$line"
	echo "SKIP: BPF LSM is not active here ($why)"
	exit 77 ;;
esac
for i in $(seq 50); do [ -e /dev/ng0n1 ] && break; sleep 0.1; done
[ -e /dev/ng0n1 ] || { echo "SKIP: no /dev/ng0n1 (no nvme modules for this kernel in the guest)"; exit 77; }
C=/dev/nvme0 NG=/dev/ng0n1
n() { nvme-cmd "$@" | tee -a /tmp/np.log | sed -n 's/^res //p' | sort | uniq -c | tr -s ' ' | sed 's/^ //'; }
want() {	# WANT ARGS...: every CQE's res, counted ("3 0", "2 -1 EPERM")
	w=$1; shift
	got=$(n "$@")
	[ "$got" = "$w" ] || fail "nvme-cmd $*: '$got', want '$w'"
}
dev_count() {	# DEV FIELD: the LSM policy's count for DEV (rule list)
	ucmdctl rule list policy lsm | sed -n "s|^device $1 (.*  $2 \([0-9]*\).*|\1|p"
}

ucmdctl policy load lsm > /tmp/np.load || fail "policy load lsm: $(cat /tmp/np.load)"
grep -q "attached lsm (BPF LSM" /tmp/np.load || fail "load: $(cat /tmp/np.load)"
# Before any rule: the devices are left alone.
want "1 0" $C admin 0x06
want "1 0" $NG io 0x02

# A named admin opcode: Identify denied, Get Features not; reads untouched.
ucmdctl rule add nvme_admin_identify deny EPERM device $C 2> /tmp/np.note ||
	fail "rule add: $(cat /tmp/np.note)"
grep -q "^Note: field conditions are judged only on SQEs io_uring copied" /tmp/np.note ||
	fail "no note: $(cat /tmp/np.note)"
want "2 -1 EPERM" -a -n 2 $C admin 0x06		# the rule
want "3 0" -a -n 3 $C admin 0x0a -c 2		# get features FID 2: no rule
want "1 -1 EPERM" $C admin 0x0a -c 2		# inline: unstable
want "1 -1 EPERM" $C admin_vec 0x06 -a		# the vectored cmd_op too
want "4 0" -n 4 $NG io 0x02			# another device, inline
[ "$(dev_count $C denied)" = 4 ] || fail "denied $(dev_count $C denied), want 4"
[ "$(dev_count $C allowed)" = 3 ] || fail "allowed $(dev_count $C allowed), want 3"
[ "$(dev_count $C unstable)" = 1 ] || fail "unstable $(dev_count $C unstable), want 1"
ucmdctl -j rule list policy lsm | json-check -k device -v $C || fail "rule list -j"

# A field rule on nsid, on the namespace's generic device.
ucmdctl rule add nvme_io deny EACCES device $NG if nsid ne 1 2> /dev/null || fail "rule add nsid"
want "2 0" -a -n 2 $NG io 0x02 -s 1
want "2 -13 EACCES" -a -n 2 $NG io 0x02 -s 2
want "1 -1 EPERM" $NG io 0x02 -s 1		# inline: unstable
ucmdctl rule list policy lsm | grep "^$NG .*nvme_io .*deny EACCES *if nsid ne 1  hits 2$" ||
	{ ucmdctl rule list policy lsm; fail "rule list: the nsid rule, 2 hits"; }

# Replace: the same rule with another verdict, at once.
ucmdctl rule add nvme_io deny EPERM device $NG if nsid ne 1 2> /dev/null || fail "replace"
want "1 -1 EPERM" -a $NG io 0x02 -s 2
[ "$(ucmdctl rule list policy lsm | grep -c "^$NG .*nvme_io ")" = 1 ] || fail "replace kept two rules"

# Default deny on the controller: Get Features (no rule) denied now.
ucmdctl rule default deny EACCES device $C || fail "rule default"
want "1 -13 EACCES" -a $C admin 0x0a -c 2
ucmdctl rule default allow device $C || fail "rule default allow"
want "1 0" -a $C admin 0x0a -c 2
[ "$(dev_count $C denied)" = 5 ] || fail "denied $(dev_count $C denied), want 5"
[ "$(dev_count $C allowed)" = 4 ] || fail "allowed $(dev_count $C allowed), want 4"
[ "$(dev_count $C hits)" = 5 ] || fail "default hits $(dev_count $C hits), want 5"

# Bad input: one line each, nothing changed.
errline ucmdctl rule add nvme_admin_formatt deny device $C | grep -q "no NVMe admin opcode 'formatt'" ||
	fail "bad opcode"
errline ucmdctl rule add nvme_io deny device $NG if nsidd eq 1 | grep -q "'nsidd' is not a field of nvme_io" ||
	fail "bad field"
errline ucmdctl rule add nvme_io deny device /dev/null2 | grep -q "device '/dev/null2'" || fail "bad device"
errline ucmdctl rule add nvme_io deny | grep -q "name the device" || fail "no device"

# The time-of-check race, 3 s each way. 'sqe copied' (the default):
# inline submissions with field rules never reach the driver.
S=${UCMD_FLIP_SECONDS:-3}
nvme-cmd -f "$S" $C > /tmp/np.flip || fail "flip"
cat /tmp/np.flip
grep -q "flip: [0-9]* submitted, [0-9]* denied, 0 get_features, 0 identify, 0 other" /tmp/np.flip ||
	fail "copied: a command ran: $(cat /tmp/np.flip)"
ucmdctl rule default allow device $C sqe ring 2> /tmp/np.warn || fail "sqe ring"
grep -q "^Warning: $C: field conditions now read the SQ ring" /tmp/np.warn || fail "no warning"
ucmdctl rule add nvme_admin_identify deny EPERM device $C 2>&1 | grep -q "^Warning: $C judges field conditions on the SQ ring" ||
	fail "rule add: no warning for 'sqe ring'"
nvme-cmd -f "$S" $C > /tmp/np.flip || fail "flip"
sed 's/^/ring: /' /tmp/np.flip
grep -q "flip: [1-9][0-9]* submitted, [0-9]* denied, [1-9][0-9]* get_features" /tmp/np.flip ||
	fail "ring: $(cat /tmp/np.flip)"
# (identify > 0 here is the bypass the note measures; not asserted either way)
ucmdctl rule default allow device $C sqe copied 2> /dev/null || fail "sqe copied"

# Unload: finished on return, Identify runs at once.
ucmdctl policy unload lsm > /dev/null || fail "unload"
[ -e /sys/fs/bpf/ucmd/lsm ] && fail "pins left"
want "1 0" $C admin 0x06
want "1 0" $NG io 0x02 -s 1
exit 0
