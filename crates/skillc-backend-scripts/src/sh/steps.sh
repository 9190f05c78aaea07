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
	if skillc_expired; then
		skillc_say "  TIMEOUT   $2: the skill's or its group's time is up; not run"
		skillc_audit step_end "$3,\"status\":\"timeout\",\"exit\":124,\"duration_s\":0"
		return 1
	fi
	skillc_say "  run       $2"
	skillc_audit step_start "$3"
	skillc_t0=$(date +%s)
	SKILLC_STEP_FIELDS=$3
	skillc_run "$4" "skillc_s$1"
	skillc_src=$?
	SKILLC_STEP_FIELDS=
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

# skillc_move_aside PATH: rename PATH to PATH.skillc-<UTC timestamp> (never deletes; a symbolic
# link is renamed itself). No link a service user owns may lead to PATH; a name planted at the
# destination is never followed: it must not exist, and `-h` (macOS mv(1): "If the target operand
# is a symbolic link to a directory, do not follow it") renames onto a link swapped in after the
# check instead of moving PATH into the directory it points to.
skillc_move_aside() {
	skillc_fs_safe "$1" || return 1
	skillc_dest="$1.skillc-$(date -u +%Y%m%dT%H%M%SZ)"
	if [ -e "$skillc_dest" ] || [ -L "$skillc_dest" ]; then
		skillc_dest="$skillc_dest-$$"
	fi
	if [ -e "$skillc_dest" ] || [ -L "$skillc_dest" ]; then
		skillc_warn "refusing to move $1 aside: $skillc_dest is already there; nothing was changed"
		return 1
	fi
	mv -h -- "$1" "$skillc_dest" || return 1
	printf 'moved %s aside to %s\n' "$1" "$skillc_dest"
}

# skillc_read_pid FILE: the PID in FILE (its first 32 bytes, blanks removed) when that is a
# decimal number without leading zeros; else nothing.
skillc_read_pid() {
	[ -f "$1" ] || return 0
	skillc_v=$(head -c 32 -- "$1" 2>/dev/null | tr -d ' \t\r\n')
	case $skillc_v in
		'' | 0?* | *[!0123456789]* | ??????????*) return 0 ;;
	esac
	printf '%s' "$skillc_v"
}

# skillc_proc PID: "UID COMM" of process PID (ps(1) keywords uid and comm), or nothing.
skillc_proc() {
	ps -o uid= -o comm= -p "$1" 2>/dev/null | sed -n '1s/^ *//p'
}

# skillc_fact_add STEP JSON TEXT: record one fact STEP acts on (SKILLC_J_FACTS, SKILLC_FACTS_TEXT).
skillc_fact_add() {
	SKILLC_J_FACTS="$SKILLC_J_FACTS${SKILLC_J_FACTS:+,}$(skillc_json_str "$1"):{$2}"
	SKILLC_FACTS_TEXT="$SKILLC_FACTS_TEXT  $1: $3$SKILLC_NL"
}

# skillc_fact_pid STEP FILE: the PID in pidfile FILE (SKILLC_FACT_PID) and its process's uid and
# program, as a fact of STEP.
skillc_fact_pid() {
	SKILLC_FACT_PID=$(skillc_read_pid "$2")
	skillc_fj="\"pidfile\":$(skillc_json_str "$2")"
	if [ -z "$SKILLC_FACT_PID" ]; then
		skillc_fact_add "$1" "$skillc_fj,\"pid\":null" "pidfile $(skillc_json_str "$2") holds no PID"
		return 0
	fi
	skillc_pr=$(skillc_proc "$SKILLC_FACT_PID")
	if [ -z "$skillc_pr" ]; then
		skillc_fact_add "$1" "$skillc_fj,\"pid\":$SKILLC_FACT_PID,\"uid\":null,\"program\":null" \
			"pidfile $(skillc_json_str "$2") holds PID $SKILLC_FACT_PID (no such process)"
		return 0
	fi
	skillc_pu=${skillc_pr%% *}
	skillc_pc=$(skillc_json_str "${skillc_pr#* }")
	case $skillc_pu in
		'' | *[!0123456789]*) skillc_pu=null ;;
	esac
	skillc_fact_add "$1" "$skillc_fj,\"pid\":$SKILLC_FACT_PID,\"uid\":$skillc_pu,\"program\":$skillc_pc" \
		"pidfile $(skillc_json_str "$2") holds PID $SKILLC_FACT_PID (uid $skillc_pu, program $skillc_pc)"
}

# skillc_fact_path STEP PATH: whether PATH is a symlink, and where it points, as a fact of STEP.
skillc_fact_path() {
	if [ -L "$2" ]; then
		skillc_l=$(readlink -- "$2" 2>/dev/null)
		skillc_fact_add "$1" "\"path\":$(skillc_json_str "$2"),\"symlink_to\":$(skillc_json_str "$skillc_l")" \
			"$(skillc_json_str "$2") is a symlink to $(skillc_json_str "$skillc_l")"
	else
		skillc_fact_add "$1" "\"path\":$(skillc_json_str "$2"),\"symlink_to\":null" "$(skillc_json_str "$2") is not a symlink"
	fi
}

# skillc_plan_hash: SHA-256 of the compiled plan, the run-time values and the facts, each framed
# as JSON (no value can end its field early: JSON strings escape quotes and newlines).
skillc_plan_hash() {
	printf 'skillc-plan-v2\n%s\nparams {%s}\nfacts {%s}\n' "$SKILLC_PLAN_BASE" "$SKILLC_J_PARAMS" "$SKILLC_J_FACTS" | skillc_sha256
}

# skillc_plan_values: print the run-time values and facts the plan (and its hash) covers.
skillc_plan_values() {
	if [ -n "$SKILLC_PARAMS_TEXT" ]; then
		skillc_say 'run-time values (part of the plan hash):'
		skillc_say "${SKILLC_PARAMS_TEXT%"$SKILLC_NL"}"
	fi
	if [ -n "$SKILLC_FACTS_TEXT" ]; then
		skillc_say 'facts read now (part of the plan hash; --apply refuses if they change):'
		skillc_say "${SKILLC_FACTS_TEXT%"$SKILLC_NL"}"
	fi
}

# skillc_recheck_facts: after taking the lock, read the facts again; refuse (77, nothing changed)
# when they differ from those the plan (and its hash, and any approval) covered.
skillc_recheck_facts() {
	skillc_planned=$SKILLC_J_FACTS
	SKILLC_J_FACTS=''
	SKILLC_FACTS_TEXT=''
	skillc_facts
	[ "$SKILLC_J_FACTS" = "$skillc_planned" ] && return 0
	skillc_audit facts "\"status\":\"facts_changed\",\"planned_facts\":{$skillc_planned},\"facts\":{$SKILLC_J_FACTS}"
	SKILLC_J_FACTS=$skillc_planned
	skillc_die 77 facts_changed "what the plan acts on changed since it was planned (now:$SKILLC_NL${SKILLC_FACTS_TEXT%"$SKILLC_NL"}); nothing was changed, plan again"
}

# skillc_signal_pid SIGNAL PID USER PROGRAM: send SIGNAL to PID, the PID a pidfile held at plan
# time, only when it is a process of the service: not 0 or 1, not this script, its parent or its
# process group; owned by USER (when not empty) and running PROGRAM.
skillc_signal_pid() {
	skillc_r=''
	if [ -z "$2" ]; then
		skillc_r='the pidfile held no PID when the plan was made'
	elif [ "$2" -le 1 ]; then
		skillc_r="PID $2 is never a service's"
	elif [ "$2" -eq "$$" ] || [ "$2" -eq "$PPID" ]; then
		skillc_r="PID $2 is this script or its parent"
	elif [ "$(ps -o pgid= -p "$2" 2>/dev/null | tr -d ' ')" = "$(ps -o pgid= -p "$$" 2>/dev/null | tr -d ' ')" ]; then
		skillc_r="PID $2 is in this script's process group"
	else
		skillc_pr=$(skillc_proc "$2")
		skillc_pu=${skillc_pr%% *}
		skillc_pc=${skillc_pr#* }
		if [ -z "$skillc_pr" ]; then
			skillc_r="there is no process $2"
		elif [ -n "$3" ] && [ "$skillc_pu" != "$(id -u -- "$3" 2>/dev/null)" ]; then
			skillc_r="process $2 belongs to uid $skillc_pu, not to the service's user $3"
		elif ! skillc_program_is "$skillc_pc" "$4"; then
			skillc_r="process $2 runs $(skillc_json_str "$skillc_pc"), not the service's program $4"
		fi
	fi
	if [ -n "$skillc_r" ]; then
		skillc_warn "not signalling: $skillc_r"
		return 1
	fi
	kill -s "$1" "$2"
}

# skillc_program_is COMM PROGRAM: whether ps's comm COMM names PROGRAM: the path itself (macOS),
# its file name, or the file name cut to the kernel's 15 or 16 characters (MAXCOMLEN, TASK_COMM_LEN).
skillc_program_is() {
	[ -n "$1" ] || return 1
	[ "$1" = "$2" ] && return 0
	skillc_b=${2##*/}
	[ "$1" = "$skillc_b" ] && return 0
	case ${#1} in
		15 | 16)
			case $skillc_b in
				"$1"*) return 0 ;;
			esac
			;;
	esac
	return 1
}

# skillc_notify TEXT: tell the operator and record it.
skillc_notify() {
	printf 'NOTE: %s\n' "$1"
	skillc_audit notify "\"message\":$(skillc_json_str "$1")"
}

