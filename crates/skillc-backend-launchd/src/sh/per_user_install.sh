# user_put USER SRC DEST: install SRC as USER's DEST (mode 0644, owned by USER: launchd loads a
# per-user agent only from a file its user or root owns) atomically, written as USER; sets
# `changed`. SRC is read by the caller and streamed to the user's tee(1), so the user need not
# be able to read the build tree.
user_put() {
	dest=$destdir$3
	changed=0
	if [ -e "$dest" ] && user_run "$1" cmp -s -- - "$dest" <"$2"; then
		say "unchanged: $dest"
		return 0
	fi
	changed=1
	say "install: $dest (mode 0644, as $1)"
	dir=${dest%/*}
	tmp=$dir/.skillc-tmp.$$
	as_user "$1" mkdir -p -- "$dir" || exit 73
	if [ "$dry_run" -eq 1 ]; then
		say "would run: sudo -u $1 -- tee -- $tmp <$2"
	else
		user_run "$1" tee -- "$tmp" <"$2" >/dev/null || exit 73
	fi
	as_user "$1" chmod 0644 "$tmp" || exit 73
	as_user "$1" mv -f -- "$tmp" "$dest" || exit 73
}

# user_mkdirs USER DIR...: create missing directories as USER.
user_mkdirs() {
	u=$1
	shift
	for d in "$@"; do
		unmounted "$d" && continue
		if [ ! -d "$destdir$d" ]; then
			as_user "$u" mkdir -p -- "$destdir$d" || exit 73
		fi
	done
}

# user_logfile USER PATH: create the log file PATH (mode 0640) as USER if it is missing.
user_logfile() {
	unmounted "$2" && return 0
	f=$destdir$2
	if [ -e "$f" ] || [ -L "$f" ]; then
		return 0
	fi
	if [ "$dry_run" -eq 1 ]; then
		say "would create: $f (mode 0640, as $1)"
	else
		# shellcheck disable=SC2016 # "$1" is the inner shell's own argument
		user_run "$1" /bin/sh -c 'set -C && : >"$1" && chmod 0640 "$1"' sh "$f" || exit 73
	fi
}

# user_lint USER PLIST: lint, reading the user's file as the user.
user_lint() {
	if [ "$is_darwin" -eq 1 ] && [ "$dry_run" -eq 0 ] && command -v plutil >/dev/null 2>&1; then
		user_run "$1" plutil -lint "$destdir$2" >/dev/null || {
			echo "skillc: $destdir$2 is not a valid property list" >&2
			exit 78
		}
	fi
}
