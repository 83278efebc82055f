#!/bin/sh
# Description: a load the kernel or libbpf refuses says why in one line,
# without -d: an object built without -g (no BTF), a deferred request
# not completed on every path, one completed twice, a kfunc's return used
# as a size unclamped, a sleepable kfunc in .handle, a kfunc declared
# with another prototype (what clang < 19 makes); each line names what
# to change and quotes the verifier's own line, and nothing attaches.
. /tests/lib.sh
set -u
cleanup
# refused OBJ WANT [VERIFIER]: the one error line names WANT (and quotes VERIFIER)
refused() {
	line=$(errline ucmdctl handler load "/tests-bpf/$1.bpf.o")
	echo "$line" | grep -qF -- "$2" || fail "$1: '$line' does not say '$2'"
	[ -z "${3:-}" ] || echo "$line" | grep -q -- "the verifier: \".*$3" ||
		fail "$1: '$line' does not quote the verifier's '$3'"
	[ ! -s /sys/class/misc/ucmd/bpf_ops ] || fail "$1: something attached: $(cat /sys/class/misc/ucmd/bpf_ops)"
}
refused nobtf "has no BTF (no .BTF section): compile it with -g"
refused req_leak "is not completed on every path" "Unreleased reference"
refused req_double "a request is completed twice, or used after bpf_ucmd_req_complete()" "R1\|arg#0\|release"
refused unclamped "clamp it first" "min value is negative\|unbounded memory access"
refused ucopy_nonsleep 'call it from SEC("struct_ops.s/handle_sleepable")' "program must be sleepable"
refused kfunc_proto "kfunc declarations do not match ucmd.ko's: built by a clang older than 19?" "func_proto.*incompatible"
exit 0
