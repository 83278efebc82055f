#!/bin/bash
# Description: bash completion for ucmdctl, in an interactive bash (-i):
# "ucmdctl p<TAB>" gives policy, "ucmdctl policy l<TAB>" load and list,
# "ucmdctl policy load r<TAB>" the bundled rules object, "ucmdctl cmd e<TAB>"
# echo, "ucmdctl -j st<TAB>" stats, "ucmdctl rule add echo d<TAB>" deny.
# With the completion removed, "p<TAB>" gives nothing (the test can fail).
top=$(cd "$(dirname "$0")/../.." && pwd)
comp=${UCMD_COMPLETION:-$top/tools/completion/ucmdctl}
bin=$top/build/bin

# complete WORDS...: what TAB after WORDS (last word partial) offers, one line
complete_line() {
	PATH=$bin:$PATH bash --norc --noprofile -i 2>/dev/null <<EOS
. "$comp"
spec=\$(complete -p ucmdctl) || exit 1
fn=\${spec#*-F }; fn=\${fn%% *}
COMP_WORDS=($*)
case "$*" in *' ') COMP_WORDS+=(""); esac
COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}
\$fn ucmdctl "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
echo "REPLY: \${COMPREPLY[*]}"
EOS
}

fails=0
want() {
	got=$(complete_line "$1" | sed -n 's/^REPLY: //p')
	if [ "$got" != "$2" ]; then
		echo "completion of '$1': got '$got', want '$2'" >&2
		fails=$((fails + 1))
	fi
}
want "ucmdctl p" "policy"
want "ucmdctl policy l" "load list"
want "ucmdctl policy load r" "rules"
want "ucmdctl cmd e" "echo"
want "ucmdctl -j st" "stats"
want "ucmdctl rule add echo d" "deny"
want "ucmdctl trace --e" "--errors"
# mutation: a completion file that defines nothing must not pass
got=$(UCMD_COMPLETION=/dev/null; comp=/dev/null; complete_line "ucmdctl p" | sed -n 's/^REPLY: //p')
[ -z "$got" ] || { echo "empty completion offered '$got'" >&2; fails=$((fails + 1)); }
[ "$fails" -eq 0 ]
