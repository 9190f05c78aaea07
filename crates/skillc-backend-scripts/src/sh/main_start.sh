command -v launchctl >/dev/null 2>&1 || {
	skillc_warn 'launchctl not found (this script runs on macOS)'
	exit 69
}
if [ "$SKILLC_DETECT_ONLY" -eq 1 ]; then
	if [ -n "$SKILLC_BAD_VALUE" ]; then
		skillc_warn "$SKILLC_BAD_TEXT; nothing was run"
		exit 65
	fi
	if skillc_detect; then
		exit 0
	fi
	exit 1
fi
SKILLC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/skillc.XXXXXX") || {
	skillc_warn 'cannot create a temporary directory'
	exit 73
}
trap skillc_cleanup EXIT
trap 'skillc_interrupted INT 130' INT
trap 'skillc_interrupted TERM 143' TERM
trap 'skillc_interrupted HUP 129' HUP
trap 'skillc_interrupted PIPE 141' PIPE

skillc_open_audit
skillc_audit run_start "\"require\":\"$SKILLC_REQUIRE\",\"params\":{$SKILLC_J_PARAMS},\"facts\":{$SKILLC_J_FACTS}"
# A refused run-time value stops the run here: before detect, any step, the lock and the gate.
[ -z "$SKILLC_BAD_VALUE" ] || skillc_refuse_value
