
# remove PATH: delete an installed file (skipped when absent).
remove() {
	if [ -e "$destdir$1" ] || [ -L "$destdir$1" ]; then
		say "remove: $destdir$1"
		act rm -f -- "$destdir$1" || exit 73
	else
		say "absent: $destdir$1"
	fi
}

# stop TARGET: bootout when loaded.
stop() {
	if is_loaded "$1"; then
		launchd bootout "$1" || exit 75
	else
		say "not loaded: $1"
	fi
}
