# Sourced by the guest's shell tests: small helpers around ucmdctl.
# A test exits 0 on pass, 1 on failure (with a message), 77 to skip.

fail() { echo "FAIL: $*" >&2; exit 1; }

# userspace_only: skip on the debug kernel (tools/vm/init sets
# UCMD_DEBUG_KERNEL) a test of ucmdctl's own behaviour, whose kernel paths
# other tests cross there; it runs in make check and make check-kernels.
userspace_only() {
	[ -z "${UCMD_DEBUG_KERNEL:-}" ] && return 0
	echo "ucmdctl's userspace only (run by make check and check-kernels); its kernel paths are other tests' on this debug kernel"
	exit 77
}

# res OP [ARG...]: the CQE's res of one "ucmdctl cmd"
res() { ucmdctl -j cmd "$@" | sed -n 's/.*"res":\(-\{0,1\}[0-9]*\).*/\1/p'; }
# res2 OP [ARG...]: the CQE's res2 (decimal)
res2() { ucmdctl -j cmd "$@" | sed -n 's/.*"res2":\([0-9]*\).*/\1/p'; }

# expect WANT OP [ARG...]: fail unless the command completes with WANT
expect() {
	want=$1; shift
	got=$(res "$@")
	[ "$got" = "$want" ] || fail "cmd $*: res '$got', want '$want'"
}

# expect_count FILE PATTERN N: FILE has N lines matching PATTERN
count() { grep -c "$2" "$1"; }
expect_count() {	# FILE PATTERN N
	got=$(count "$1" "$2")
	[ "$got" -eq "$3" ] || { cat "$1" >&2; fail "'$2' seen $got times, want $3"; }
}

# errline CMD...: CMD must exit non-zero with exactly one stderr line,
# "Error: ..."; prints that line
errline() {
	"$@" > /tmp/errline.out 2> /tmp/errline.err && fail "'$*' succeeded"
	n=$(wc -l < /tmp/errline.err)
	[ "$n" -eq 1 ] || { cat /tmp/errline.err >&2; fail "'$*': $n stderr lines, want 1"; }
	grep -q '^Error: ' /tmp/errline.err || fail "'$*': no 'Error: ' line"
	cat /tmp/errline.err
}

# wait_attached PID FILE: wait until the streaming ucmdctl (trace, stats)
# PID says in FILE that it is attached ("Hit Ctrl-C"), at most 60 s
# (loading takes seconds on the debug kernel). Returns 1 if it exited or
# never did. Only then does a SIGINT reach it: a background job starts
# with SIGINT ignored, and ucmdctl takes it over once attached.
wait_attached() {
	for i in $(seq 600); do
		grep -q 'Hit Ctrl-C' "$2" 2> /dev/null && return 0
		kill -0 "$1" 2> /dev/null || return 1
		sleep 0.1
	done
	return 1
}

# start_ucmdctl FILE ARGS...: ucmdctl ARGS (trace, stats) in the background,
# stdout to FILE and stderr to FILE.err, until it is attached
# (wait_attached); its pid in BGPID
start_ucmdctl() {
	out=$1; shift
	ucmdctl "$@" > "$out" 2> "$out.err" &
	BGPID=$!
	wait_attached "$BGPID" "$out.err" && return 0
	cat "$out.err" "$out" >&2
	ucmdctl -d trace --duration 1 2>&1 | grep -v '^libbpf: \(elf\|sec\|map\|prog\|CO-RE\)' | tail -25 >&2
	fail "ucmdctl $* did not start"
}

# Stop what the test started in the background, and detach whatever a
# failed run left attached. SIGTERM, not SIGINT: a background job starts
# with SIGINT ignored, and a ucmdctl that has not attached yet would not
# see it (ucmdctl ends on either once attached).
cleanup() {
	for p in $(jobs -p); do kill -TERM "$p" 2> /dev/null; done
	wait
	for d in /sys/fs/bpf/ucmd/*; do
		[ -e "$d/link" ] && ucmdctl policy unload "${d##*/}" > /dev/null 2>&1
	done
	return 0
}
trap cleanup EXIT

# reload_ucmd KO: rmmod ucmd (retrying: rings an earlier test closed are
# torn down asynchronously, io_ring_exit_work, and hold their /dev/ucmd
# file until then) and insmod KO
reload_ucmd() {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		rmmod ucmd 2> /dev/null && break
		sleep 0.3
	done
	[ -e /sys/class/misc/ucmd ] && fail "rmmod ucmd"
	insmod "$1" || fail "insmod $1"
}
