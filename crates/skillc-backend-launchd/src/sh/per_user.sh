# Per-user agents (`for_user`): their files are in the user's home, which the user controls, so
# root never writes there itself: every change is made as the user (sudo(8) `-u USER`; root needs
# no password), and a link the user planted can only lead the user's own writes astray.

# user_home USER EXPANDED: sets `home` to USER's home directory (EXPANDED is `~USER`, expanded by
# the shell from the user database); exits 67 (EX_NOUSER) when there is no such user. A staged
# install (SKILLC_DESTDIR) uses macOS's default, /Users/USER, and so does a dry run for a user
# this machine does not have (it says so).
user_home() {
	if [ -n "$destdir" ]; then
		home=/Users/$1
		return 0
	fi
	case $2 in
		/*) home=$2 ;;
		*)
			if [ "$dry_run" -eq 1 ]; then
				say "note: there is no user $1 here; planning with /Users/$1 (install exits 67 unless it exists)"
				home=/Users/$1
				return 0
			fi
			echo "skillc: there is no user $1 here (its per-user agents are installed in its home): create the user, or remove for_user" >&2
			exit 67
			;;
	esac
}

# user_run USER CMD...: run CMD now as USER; as the caller in a staged install or a dry run (whose
# commands only read).
user_run() {
	u=$1
	shift
	if [ -n "$destdir" ] || [ "$dry_run" -eq 1 ]; then
		"$@"
	else
		sudo -u "$u" -- "$@"
	fi
}

# as_user USER CMD...: run CMD as USER (user_run), or print it in a dry run.
as_user() {
	u=$1
	shift
	if [ "$dry_run" -eq 1 ]; then
		if [ -n "$destdir" ]; then
			act "$@"
		else
			act sudo -u "$u" -- "$@"
		fi
		return 0
	fi
	user_run "$u" "$@"
}

# user_session UID: that user is logged in (its gui domain exists); never in a staged install.
user_session() {
	[ -z "$destdir" ] && [ -n "$1" ] && launchctl print "gui/$1" >/dev/null 2>&1
}
