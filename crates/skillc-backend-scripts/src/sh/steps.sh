# skillc_step N ID FIELDS SECONDS: step N (functions skillc_sN, skillc_sN_when, skillc_sN_needed):
# skipped when its `when` is false, "no change" when its guard says nothing needs doing, else run
# under the timeout. Every outcome is audited; fails when the step fails.
skillc_step() {
	if ! "skillc_s$1_when"; then
		skillc_say "  skip      $2: its when-condition is false"
		skillc_audit step_skip "$3,\"status\":\"skipped\""
		return 0
	fi
	if ! "skillc_s$1_needed"; then
		skillc_say "  no change $2: its guard says nothing needs doing"
		skillc_audit step_skip "$3,\"status\":\"no_change\""
		return 0
	fi
	skillc_say "  run       $2"
	skillc_audit step_start "$3"
	skillc_t0=$(date +%s)
	skillc_run "$4" "skillc_s$1"
	skillc_src=$?
	skillc_dt=$(($(date +%s) - skillc_t0))
	if [ "$skillc_src" -eq 0 ]; then
		skillc_audit step_end "$3,\"status\":\"ok\",\"exit\":0,\"duration_s\":$skillc_dt"
		return 0
	fi
	if [ "$skillc_src" -eq 124 ]; then
		skillc_say "  TIMEOUT   $2 after $4 s (its processes were killed)"
		skillc_audit step_end "$3,\"status\":\"timeout\",\"exit\":124,\"duration_s\":$skillc_dt"
	else
		skillc_say "  FAILED    $2 (exit $skillc_src)"
		skillc_audit step_end "$3,\"status\":\"failed\",\"exit\":$skillc_src,\"duration_s\":$skillc_dt"
	fi
	return 1
}

# skillc_plan_step N ID FIELDS OUTCOME TEXT: one plan line, evaluated now (would run / skip / no change).
skillc_plan_step() {
	if [ "$SKILLC_PLAN_SKIP" -eq 1 ] || ! "skillc_s$1_when"; then
		skillc_p=skip
	elif ! "skillc_s$1_needed"; then
		skillc_p=no_change
	else
		skillc_p=would_run
	fi
	skillc_plan_line "$2" "$3" "$4" "$5" "$skillc_p"
}

# skillc_plan_line ID FIELDS OUTCOME TEXT PLAN
skillc_plan_line() {
	skillc_p=$5
	if [ "$SKILLC_PLAN_SKIP" -eq 1 ]; then
		skillc_p=skip # inside a group whose when-condition is false
	fi
	set -- "$1" "$2" "$3" "$4" "$skillc_p"
	skillc_o=$(skillc_stricter "$3")
	skillc_say "$(printf '  %-10s %-16s %-8s %s' "$5" "$1" "$skillc_o" "$4")"
	skillc_audit plan "$2,\"plan\":\"$5\""
	SKILLC_J_STEPS="$SKILLC_J_STEPS${SKILLC_J_STEPS:+,}{$2,\"plan\":\"$5\",\"run_outcome\":\"$skillc_o\"}"
}

# skillc_wait_ready FUNCTION SECONDS: poll FUNCTION every second until it succeeds or time is up.
skillc_wait_ready() {
	skillc_deadline=$(($(date +%s) + $2))
	while :; do
		if "$1"; then
			return 0
		fi
		[ "$(date +%s)" -lt "$skillc_deadline" ] || return 1
		sleep 1
	done
}

# skillc_move_aside PATH: rename PATH to PATH.skillc-<UTC timestamp> (never deletes).
skillc_move_aside() {
	skillc_dest="$1.skillc-$(date -u +%Y%m%dT%H%M%SZ)"
	if [ -e "$skillc_dest" ] || [ -L "$skillc_dest" ]; then
		skillc_dest="$skillc_dest-$$"
	fi
	mv -- "$1" "$skillc_dest" || return 1
	printf 'moved %s aside to %s\n' "$1" "$skillc_dest"
}

# skillc_signal_pidfile SIGNAL FILE: send SIGNAL to the PID (digits only) in FILE.
skillc_signal_pidfile() {
	skillc_v=$(tr -d ' \t\r\n' <"$2") || return 1
	case $skillc_v in
		'' | *[!0-9]*) return 1 ;;
	esac
	kill -s "$1" "$skillc_v"
}

# skillc_notify TEXT: tell the operator and record it.
skillc_notify() {
	printf 'NOTE: %s\n' "$1"
	skillc_audit notify "\"message\":$(skillc_json_str "$1")"
}

