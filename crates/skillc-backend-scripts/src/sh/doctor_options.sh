SKILLC_MODE=plan
SKILLC_JSON=0
SKILLC_PASS=''
SKILLC_PARAMS=''
SKILLC_NL='
'
while [ "$#" -gt 0 ]; do
	case $1 in
		--apply) SKILLC_MODE=apply ;;
		--json) SKILLC_JSON=1 ;;
		--require | --token | --client)
			[ "$#" -ge 2 ] || {
				printf 'skillc: %s needs a value\n' "$1" >&2
				exit 64
			}
			SKILLC_PASS="$SKILLC_PASS$1$SKILLC_NL$2$SKILLC_NL"
			shift
			;;
		--param)
			# NAME=VALUE, given to every remediation script that takes the run-time parameter
			# NAME (the script checks the value itself).
			case ${2-} in
				[a-z]*=*) ;;
				*)
					printf 'skillc: --param needs NAME=VALUE\n' >&2
					exit 64
					;;
			esac
			case ${2%%=*} in
				*[!a-z0-9-]*)
					printf 'skillc: --param %s: not a parameter name\n' "${2%%=*}" >&2
					exit 64
					;;
			esac
			case $2 in
				*"$SKILLC_NL"*)
					printf 'skillc: --param %s: the value holds a line break\n' "${2%%=*}" >&2
					exit 64
					;;
			esac
			SKILLC_PARAMS="$SKILLC_PARAMS$2$SKILLC_NL"
			shift
			;;
		*)
			printf 'usage: %s [--apply] [--json] [--require OUTCOME] [--token TOKEN]... [--client NAME] [--param NAME=VALUE]...\n' "$0" >&2
			exit 64
			;;
	esac
	shift
done
command -v launchctl >/dev/null 2>&1 || {
	printf 'skillc: launchctl not found (this script runs on macOS)\n' >&2
	exit 69
}
SKILLC_DIR=$(cd "$(dirname -- "$0")" && pwd) || exit 70
SKILLC_STATUS=0
SKILLC_ROWS=''

