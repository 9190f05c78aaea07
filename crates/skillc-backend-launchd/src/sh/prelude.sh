
usage() {
	printf 'usage: %s [--dry-run]\n' "$0" >&2
	exit 64
}
dry_run=0
case $# in
	0) ;;
	1) [ "$1" = --dry-run ] || usage; dry_run=1 ;;
	*) usage ;;
esac

destdir=${SKILLC_DESTDIR-}
is_darwin=0
if [ "$(uname -s)" = Darwin ]; then
	is_darwin=1
fi
if [ "$dry_run" -eq 0 ] && [ -z "$destdir" ]; then
	if [ "$is_darwin" -ne 1 ]; then
		echo "skillc: launchd services install only on macOS (use --dry-run or SKILLC_DESTDIR)" >&2
		exit 69
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "skillc: run as root (sudo $0)" >&2
		exit 77
	fi
fi

# The uid logged in at the console, for agents; empty when nobody is (or off macOS).
console_uid=
if [ "$is_darwin" -eq 1 ] && [ -z "$destdir" ]; then
	console_uid=$(stat -f %u /dev/console 2>/dev/null) || console_uid=
	case $console_uid in
		'' | 0 | *[!0-9]*) console_uid= ;;
	esac
fi

say() {
	printf '%s\n' "$*"
}

# act CMD...: run CMD, or print it in a dry run.
act() {
	if [ "$dry_run" -eq 1 ]; then
		printf 'would run:'
		printf ' %s' "$@"
		printf '\n'
		return 0
	fi
	"$@"
}

# launchd ARGS...: launchctl, skipped when staging into SKILLC_DESTDIR.
launchd() {
	if [ -n "$destdir" ]; then
		return 0
	fi
	act launchctl "$@"
}

# is_loaded TARGET: launchd knows the service (read-only, also in a dry run).
is_loaded() {
	[ -z "$destdir" ] && launchctl print "$1" >/dev/null 2>&1
}
