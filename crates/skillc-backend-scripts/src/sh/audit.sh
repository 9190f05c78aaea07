
# skillc_audit EVENT FIELDS: append one JSON line; FIELDS is a JSON fragment (`"k":v,...`) or ''.
skillc_audit() {
	[ "$SKILLC_AUDIT_OK" -eq 1 ] || return 0
	skillc_line="{\"schema_version\":1,\"ts\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"run_id\":\"$SKILLC_RUN_ID\",\"event\":\"$1\",$SKILLC_J_STATIC,$SKILLC_J_INVOKER,\"mode\":\"$SKILLC_MODE\",\"plan_hash\":\"$SKILLC_PLAN_HASH\"${2:+,$2}}"
	if ! printf '%s\n' "$skillc_line" >>"$SKILLC_AUDIT_LOG" 2>/dev/null; then
		SKILLC_AUDIT_OK=0
		skillc_warn "cannot append to the audit log $SKILLC_AUDIT_LOG"
	fi
}

# skillc_finish CODE STATUS: audit the end of the run, print the --json result, exit CODE.
skillc_finish() {
	skillc_audit run_end "\"status\":\"$2\",\"exit\":$1"
	if [ "$SKILLC_JSON" -eq 1 ]; then
		printf '{"schema_version":1,%s,%s,"mode":"%s","plan_hash":"%s","run_id":"%s","params":{%s},"facts":{%s},"detected":%s,"status":"%s","exit":%s,"steps":[%s],"next_skill":%s,"next_result":%s}
' \
			"$SKILLC_J_STATIC" "$SKILLC_J_INVOKER" "$SKILLC_MODE" "$SKILLC_PLAN_HASH" "$SKILLC_RUN_ID" "$SKILLC_J_PARAMS" "$SKILLC_J_FACTS" "$SKILLC_DETECTED" "$2" "$1" "$SKILLC_J_STEPS" "$SKILLC_J_NEXT" "$SKILLC_J_NEXT_RESULT"
	fi
	exit "$1"
}

# skillc_die CODE STATUS TEXT
skillc_die() {
	skillc_warn "$3"
	skillc_finish "$1" "$2"
}

skillc_cleanup() {
	skillc_unlock
	if [ -n "$SKILLC_TMP" ]; then
		rm -f "$SKILLC_TMP"/timeout.*
		rmdir "$SKILLC_TMP" 2>/dev/null
	fi
}

