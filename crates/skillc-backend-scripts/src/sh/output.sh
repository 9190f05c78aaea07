# ---- skillc runtime (the same in every generated script) ----------------------------------

# skillc_say TEXT: human output (stderr under --json, so stdout stays one JSON document).
skillc_say() {
	if [ "$SKILLC_JSON" -eq 1 ]; then
		printf '%s\n' "$1" >&2
	else
		printf '%s\n' "$1"
	fi
}

# skillc_warn TEXT: a problem, always on stderr.
skillc_warn() {
	printf 'skillc: %s\n' "$1" >&2
}

