# shellcheck shell=bash
# Sourced by the tools that build or fetch something large (the debug
# kernel, the trixie chroot, the kernel images): where such things are kept
# so that a clean clone on a machine that has built them once reuses them.
#
# UCMD_CACHE names the place; else /var/cache/ucmd when it can be written
# (root, or sudo), else ${XDG_CACHE_HOME:-~/.cache}/ucmd. Every entry is
# keyed by what it is made from (a package version, a config's hash) and
# complete only once its "complete" stamp exists: an interrupted build is
# redone, never reused.

# cache_root: make and print the cache directory.
cache_root() {
	local d=${UCMD_CACHE:-}
	if [ -z "$d" ]; then
		d=/var/cache/ucmd
		if ! mkdir -p "$d" 2>/dev/null || [ ! -w "$d" ]; then
			if [ "$(id -u)" -ne 0 ] && sudo -n true 2>/dev/null; then
				sudo mkdir -p "$d" && sudo chown "$(id -u):$(id -g)" "$d"
			else
				d=${XDG_CACHE_HOME:-$HOME/.cache}/ucmd
			fi
		fi
	fi
	mkdir -p "$d" || { echo "Error: cannot create the cache $d (set UCMD_CACHE)" >&2; return 1; }
	echo "$d"
}

# cache_prune DIR KEEP: remove all but DIR/KEEP and the newest other entry
# of DIR (one older build stays, for a branch that still uses it).
cache_prune() {
	local dir=$1 keep=$2 e n=0
	for e in $(ls -1t "$dir" 2>/dev/null); do
		[ "$e" = "$keep" ] && continue
		case $e in *.lock) continue ;; esac
		n=$((n + 1))
		[ $n -le 1 ] && continue
		echo "cache: removing $dir/$e (superseded)" >&2
		rm -rf "${dir:?}/$e"
	done
}
