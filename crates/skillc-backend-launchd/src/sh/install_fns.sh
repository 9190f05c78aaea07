
here=$(cd -- "$(dirname -- "$0")" && pwd -P) || exit 70

# put SRC DEST MODE: install SRC as DEST (root:wheel, MODE) atomically; sets `changed`.
put() {
	dest=$destdir$2
	changed=0
	if cmp -s -- "$1" "$dest"; then
		say "unchanged: $dest"
		return 0
	fi
	changed=1
	say "install: $dest (mode $3)"
	dir=$(dirname -- "$dest")
	tmp=$dir/.skillc-tmp.$$
	act mkdir -p -- "$dir" || exit 73
	act cp -- "$1" "$tmp" || exit 73
	if [ -z "$destdir" ]; then
		act chown root:wheel "$tmp" || exit 73
	fi
	act chmod "$3" "$tmp" || exit 73
	if [ "$is_darwin" -eq 1 ] && command -v xattr >/dev/null 2>&1; then
		act xattr -d com.apple.quarantine "$tmp" 2>/dev/null || :
	fi
	act mv -f -- "$tmp" "$dest" || exit 73
}

# lint PLIST: plutil -lint on macOS; exit 78 when launchd would reject the file.
lint() {
	if [ "$is_darwin" -eq 1 ] && [ "$dry_run" -eq 0 ] && command -v plutil >/dev/null 2>&1; then
		plutil -lint "$destdir$1" >/dev/null || {
			echo "skillc: $destdir$1 is not a valid property list" >&2
			exit 78
		}
	fi
}

# mkdirs OWNER DIR...: create missing directories (mode 0755) owned by OWNER.
mkdirs() {
	owner=$1
	shift
	for d in "$@"; do
		unmounted "$d" && continue
		if [ ! -d "$destdir$d" ]; then
			act mkdir -p -- "$destdir$d" || exit 73
			if [ -z "$destdir" ] && [ -n "$owner" ]; then
				act chown "$owner" "$destdir$d" || exit 73
			fi
		fi
	done
}

# unmounted PATH: PATH is on a volume under /Volumes that is not mounted now (its mount point is
# missing, or is a plain directory on the boot volume). Nothing is created there: a directory at
# /Volumes/NAME would make the volume mount as "NAME 1" later.
unmounted() {
	if [ -n "$destdir" ] || [ "$is_darwin" -ne 1 ]; then
		return 1
	fi
	case $1 in
		/Volumes/?*) ;;
		*) return 1 ;;
	esac
	vol=${1#/Volumes/}
	vol=/Volumes/${vol%%/*}
	dev=$(stat -f %d "$vol" 2>/dev/null) || dev=
	if [ -n "$dev" ] && [ "$dev" != "$(stat -f %d /)" ]; then
		return 1
	fi
	say "skipped: $1 ($vol is not mounted; nothing is created there, so the volume can mount)"
	return 0
}

# logfile OWNER PATH: create the log file PATH (mode 0640) owned by OWNER if it is missing, and
# give an existing one to OWNER; a symbolic link there is refused (root would change what it
# points to). Created with noclobber (O_EXCL), so a link swapped in meanwhile is not followed.
logfile() {
	unmounted "$2" && return 0
	f=$destdir$2
	if [ -L "$f" ]; then
		echo "skillc: $f is a symbolic link; refusing to create or chown it (remove it and run again)" >&2
		exit 73
	fi
	if [ ! -e "$f" ]; then
		if [ "$dry_run" -eq 1 ]; then
			say "would create: $f (mode 0640)"
		else
			(set -C && : >"$f") || exit 73
			chmod 0640 "$f" || exit 73
		fi
	fi
	if [ -z "$destdir" ] && [ -n "$1" ]; then
		act chown -h "$1" "$f" || exit 73
	fi
}

# start DOMAIN LABEL PLIST RELOAD: enable, then bootstrap (or re-bootstrap when RELOAD=plist,
# or kickstart -k when RELOAD=gate) a service. Bootstrap is retried: right after a bootout
# launchd may still be draining the label (errno 5).
start() {
	target=$1/$2
	launchd enable "$target" || exit 75
	if is_loaded "$target"; then
		case $4 in
			plist)
				launchd bootout "$target" || :
				n=0
				while is_loaded "$target" && [ "$n" -lt 10 ]; do
					sleep 1
					n=$((n + 1))
				done
				;;
			gate)
				launchd kickstart -k "$target" || exit 75
				return 0
				;;
			*)
				say "loaded: $target"
				return 0
				;;
		esac
	fi
	n=0
	until launchd bootstrap "$1" "$3"; do
		n=$((n + 1))
		if [ "$n" -ge 3 ]; then
			echo "skillc: bootstrap of $target failed" >&2
			exit 75
		fi
		sleep 2
	done
}
