
# skillc_run_next: `on_failure: { next: SKILL }` after a failed verification. Runs the next
# skill's script for this target (in this script's directory) with --apply and this run's
# --json, --require, --wait and --token values, after releasing this run's lock (the next script
# takes it again: never two at once); at most 4 hand-overs deep (`on-failure-cycle` rejects
# circles at compile time). This run is then `fixed` (exit 0) only if its own verify holds.
skillc_run_next() {
	if [ -z "$SKILLC_NEXT_FILE" ]; then
		skillc_say "next: $SKILLC_NEXT_SKILL does not apply to $SKILLC_TARGET; nothing more to try"
		return 0
	fi
	if [ "$SKILLC_CHAIN" -ge 4 ]; then
		skillc_warn "next: not running $SKILLC_NEXT_SKILL: this run is already hand-over $SKILLC_CHAIN"
		return 0
	fi
	case $0 in
		*/*) skillc_nf=${0%/*}/$SKILLC_NEXT_FILE ;;
		*) skillc_nf=./$SKILLC_NEXT_FILE ;;
	esac
	if [ ! -f "$skillc_nf" ]; then
		skillc_warn "next: $skillc_nf is missing; nothing more to try"
		return 0
	fi
	set -- --apply --chain "$((SKILLC_CHAIN + 1))" --require "$SKILLC_REQUIRE" --wait "$SKILLC_WAIT"
	if [ "$SKILLC_JSON" -eq 1 ]; then
		set -- "$@" --json
	fi
	if [ -n "$SKILLC_CLIENT" ]; then
		set -- "$@" --client "$SKILLC_CLIENT"
	fi
	skillc_tk=$SKILLC_TOKENS
	while [ -n "$skillc_tk" ]; do
		skillc_t=${skillc_tk%%"$SKILLC_NL"*}
		skillc_tk=${skillc_tk#*"$SKILLC_NL"}
		set -- "$@" --token "$skillc_t"
	done
	skillc_say "next: running $SKILLC_NEXT_SKILL ($skillc_nf)"
	skillc_audit next_skill "\"next\":$(skillc_json_str "$SKILLC_NEXT_SKILL")"
	skillc_unlock
	#@normal-build
	set -- /bin/sh "$skillc_nf" "$@"
	#@end
	#@test-build
	# shellcheck disable=SC2086
	set -- ${SKILLC_TEST_SHELL:-/bin/sh} "$skillc_nf" "$@"
	#@end
	if [ "$SKILLC_JSON" -eq 1 ]; then
		SKILLC_J_NEXT_RESULT=$("$@")
		skillc_nrc=$?
		case $SKILLC_J_NEXT_RESULT in
			'{'*'}') ;;
			*) SKILLC_J_NEXT_RESULT=null ;;
		esac
	else
		"$@"
		skillc_nrc=$?
	fi
	skillc_audit next_end "\"next\":$(skillc_json_str "$SKILLC_NEXT_SKILL"),\"exit\":$skillc_nrc"
	# Fixed only when this skill's own verification holds now.
	if skillc_verify; then
		skillc_audit verify '"status":"passed"'
		skillc_say "verify: passed after $SKILLC_NEXT_SKILL"
		skillc_finish 0 fixed
	fi
	skillc_say "verify: still FAILED after $SKILLC_NEXT_SKILL (exit $skillc_nrc)"
}
