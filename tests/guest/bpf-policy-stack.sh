#!/bin/sh
# Description: two policies stacked run in attach order and the first
# denial wins: payload_check (reads the payload: DELAY over 100 ms ->
# -E2BIG) attached before rules (DELAY -> -EACCES); allowed requests pass
# both; unloading the first leaves the second in force.
. /tests/lib.sh
set -u
cleanup

ucmdctl policy load payload_check > /dev/null || fail "load payload_check"
ucmdctl policy load rules > /dev/null || fail "load rules"
[ "$(ucmdctl policy list | wc -l)" -eq 2 ] || fail "policy list"

expect -7 delay 500000		# payload_check says E2BIG
expect 3 delay 10 3		# both allow
ucmdctl rule add delay deny EACCES || fail "rule add"
expect -7 delay 500000		# first attached, first denial
expect -13 delay 10 3		# payload_check allows, rules denies
expect -22 echo 1 0xbad		# payload_check inspects ECHO's res2
expect 1 echo 1 2

ucmdctl policy unload payload_check > /dev/null || fail "unload payload_check"
expect -13 delay 500000		# only rules now
ucmdctl policy unload rules > /dev/null || fail "unload rules"
expect 4 delay 10 4
exit 0
