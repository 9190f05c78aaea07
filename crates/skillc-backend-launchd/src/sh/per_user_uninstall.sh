# user_remove USER PATH: delete a per-user agent's file as USER (skipped when absent).
user_remove() {
	if [ -e "$destdir$2" ] || [ -L "$destdir$2" ]; then
		say "remove: $destdir$2"
		as_user "$1" rm -f -- "$destdir$2" || exit 73
	else
		say "absent: $destdir$2"
	fi
}
