#!/bin/sh
# Description: the LSM policy and trace --all on ublk's control device
# (/dev/ublk-control), with commands that need no ublk server: a rule on
# ublk_add_dev denies ADD_DEV (EACCES, the count exact) while
# GET_FEATURES and GET_DEV_INFO run (counted per issue: twice on 6.12,
# whose ublk punts every control command to io-wq, once on 7.x); with the rule gone ADD_DEV creates a
# device and DEL_DEV removes it; trace --all names each command. Debian
# has no ublk server, so the data path (/dev/ublkcN) is not exercised.
. /tests/lib.sh
set -u
trap cleanup EXIT

[ -e /dev/ublk-control ] || { echo "SKIP: no /dev/ublk-control (no ublk_drv for this kernel in the guest)"; exit 77; }
U=/dev/ublk-control
res() { ublk-ctrl "$@" | sed -n 's/^res //p'; }
want() {	# WANT ARGS...: the CQE's res ("0", "-13 EACCES")
	w=$1; shift
	got=$(res "$@")
	[ "$got" = "$w" ] || fail "ublk-ctrl $*: '$got', want '$w'"
}
dev_count() {	# DEV FIELD: the LSM policy's count for DEV (rule list)
	ucmdctl rule list policy lsm | sed -n "s|^device $1 (.*  $2 \([0-9]*\).*|\1|p"
}

ublk-ctrl get_features | sed 's/^/ublk: /'
want 0 get_features

start_ucmdctl /tmp/u1 -j trace --device $U
TP=$BGPID
lsm=0 denied=0
case "$(ucmdctl feature | grep '^BPF LSM')" in
*" active") lsm=1 denied=2 ;;
esac
if [ $lsm = 1 ]; then
	ucmdctl policy load lsm > /dev/null || fail "policy load lsm"
	ucmdctl rule add ublk_add_dev deny EACCES device $U 2> /dev/null || fail "rule add"
	want "-13 EACCES" add_dev
	want "-13 EACCES" add_dev
	want 0 get_features
	[ "$(dev_count $U denied)" = 2 ] || fail "denied $(dev_count $U denied), want 2"
	# The hook decides (and counts) each issue. 6.12's
	# ublk_ctrl_uring_cmd() answers every inline issue
	# (IO_URING_F_NONBLOCK) with -EAGAIN, and io_uring issues it again
	# from io-wq: GET_FEATURES is allowed twice. 7.x's runs the commands
	# that do not sleep (ublk_ctrl_uring_cmd_may_sleep(): GET_FEATURES,
	# GET_DEV_INFO...) inline: once. The denials end at the first issue.
	case $(uname -r) in 6.*) issues=2 ;; *) issues=1 ;; esac
	[ "$(dev_count $U allowed)" = $issues ] ||
		fail "allowed $(dev_count $U allowed), want $issues (1 command, $issues issues on $(uname -r))"
	ucmdctl rule del ublk_add_dev device $U || fail "rule del"
else
	echo "BPF LSM is not active here: the policy part is skipped"
	want 0 get_features
fi
ublk-ctrl add_dev > /tmp/u.add || fail "add_dev"
id=$(sed -n 's/^dev_id \([0-9]*\) .*/\1/p' /tmp/u.add)
[ -n "$id" ] && grep -q "^res 0$" /tmp/u.add || fail "add_dev: $(cat /tmp/u.add)"
[ -e /dev/ublkc$id ] || { sleep 0.5; [ -e /dev/ublkc$id ]; } || fail "no /dev/ublkc$id after ADD_DEV"
want 0 get_dev_info $id
want 0 del_dev $id
[ -e /dev/ublkc$id ] && fail "/dev/ublkc$id left after DEL_DEV"
[ $lsm = 1 ] && { ucmdctl policy unload lsm > /dev/null || fail "unload"; }
sleep 0.3
kill -INT $TP; wait $TP || fail "trace exited $?"
T=/tmp/u1
expect_count $T '"device":"/dev/ublk-control",.*"op":"ublk_get_features",.*"res":0,' 1
expect_count $T '"op":"ublk_add_dev",.*"res":-13,"errno":"EACCES",' $denied
expect_count $T '"op":"ublk_add_dev",.*"res":0,' 1
expect_count $T '"op":"ublk_get_dev_info",.*"res":0,' 1
expect_count $T '"op":"ublk_del_dev",.*"res":0,' 1
expect_count $T "\"summary\":{\"events\":$((4 + denied)),\"lost\":0}" 1
echo ok
