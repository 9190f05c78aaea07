
# skillc_audit EVENT FIELDS: append one JSON line; FIELDS is a JSON fragment (`"k":v,...`) or ''.
skillc_audit() {
	[ "$SKILLC_AUDIT_OK" -eq 1 ] || return 0
	skillc_line="{\"schema_version\":1,\"ts\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"run_id\":\"$SKILLC_RUN_ID\",\"event\":\"$1\",$SKILLC_J_STATIC,\"mode\":\"$SKILLC_MODE\",\"plan_hash\":\"$SKILLC_PLAN_HASH\"${2:+,$2}}"
	if ! printf '%s\n' "$skillc_line" >>"$SKILLC_AUDIT_LOG" 2>/dev/null; then
		SKILLC_AUDIT_OK=0
		skillc_warn "cannot append to the audit log $SKILLC_AUDIT_LOG"
	fi
}

# skillc_finish CODE STATUS: audit the end of the run, print the --json result, exit CODE.
skillc_finish() {
	skillc_audit run_end "\"status\":\"$2\",\"exit\":$1"
	if [ "$SKILLC_JSON" -eq 1 ]; then
		printf '{"schema_version":1,%s,"mode":"%s","plan_hash":"%s","run_id":"%s","detected":%s,"status":"%s","exit":%s,"steps":[%s],"next_skill":%s}\n' \
			"$SKILLC_J_STATIC" "$SKILLC_MODE" "$SKILLC_PLAN_HASH" "$SKILLC_RUN_ID" "$SKILLC_DETECTED" "$2" "$1" "$SKILLC_J_STEPS" "$SKILLC_J_NEXT"
	fi
	exit "$1"
}

# skillc_die CODE STATUS TEXT
skillc_die() {
	skillc_warn "$3"
	skillc_finish "$1" "$2"
}

skillc_cleanup() {
	if [ "$SKILLC_LOCKED" -eq 1 ]; then
		rm -f "$SKILLC_LOCK_DIR/pid"
		rmdir "$SKILLC_LOCK_DIR" 2>/dev/null
		SKILLC_LOCKED=0
	fi
	if [ -n "$SKILLC_TMP" ]; then
		rm -f "$SKILLC_TMP"/timeout.*
		rmdir "$SKILLC_TMP" 2>/dev/null
	fi
}

# skillc_tree PID: PID and all its descendants (one ps snapshot), parents before children, one
# per line (a parent signalled first cannot go on to run anything after its child dies).
skillc_tree() {
	ps -A -o pid= -o ppid= 2>/dev/null | awk -v root="$1" '
		{ pp[$1] = $2 }
		END {
			q[1] = root; head = 1; tail = 1; seen[root] = 1
			while (head <= tail) {
				p = q[head++]
				print p
				for (c in pp) if (pp[c] == p && !(c in seen)) { seen[c] = 1; q[++tail] = c }
			}
		}'
}

# skillc_kill_tree SIGNAL PID: signal PID and every descendant.
skillc_kill_tree() {
	skillc_tree "$2" | while read -r skillc_v; do
		kill "-$1" "$skillc_v" 2>/dev/null
	done
}

# skillc_run SECONDS FUNCTION: run FUNCTION in the background; a watchdog kills its whole process
# tree after SECONDS (TERM, then KILL 2 s later). Returns FUNCTION's status, 124 on timeout.
skillc_run() {
	if [ "$SKILLC_JSON" -eq 1 ]; then
		"$2" </dev/null >&2 &
	else
		"$2" </dev/null &
	fi
	skillc_pid=$!
	skillc_mark="$SKILLC_TMP/timeout.$skillc_pid"
	(
		sleep "$1"
		: >"$skillc_mark"
		skillc_tree "$skillc_pid" >"$skillc_mark.pids"
		while read -r skillc_v; do kill -TERM "$skillc_v" 2>/dev/null; done <"$skillc_mark.pids"
		sleep 2
		skillc_tree "$skillc_pid" >>"$skillc_mark.pids"
		while read -r skillc_v; do kill -KILL "$skillc_v" 2>/dev/null; done <"$skillc_mark.pids"
	) </dev/null >/dev/null 2>&1 &
	skillc_wd=$!
	wait "$skillc_pid"
	skillc_rc=$?
	if [ -e "$skillc_mark" ]; then
		wait "$skillc_wd"
		rm -f "$skillc_mark.pids"
		return 124
	fi
	skillc_kill_tree TERM "$skillc_wd"
	wait "$skillc_wd" 2>/dev/null
	return "$skillc_rc"
}

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

# skillc_level OUTCOME: auto 0, confirm 1, approve 2, deny 3.
skillc_level() {
	case $1 in
		auto) echo 0 ;;
		confirm) echo 1 ;;
		approve) echo 2 ;;
		*) echo 3 ;;
	esac
}

# skillc_stricter OUTCOME: OUTCOME raised to SKILLC_REQUIRE (flags and environment only raise).
skillc_stricter() {
	if [ "$(skillc_level "$SKILLC_REQUIRE")" -gt "$(skillc_level "$1")" ]; then
		echo "$SKILLC_REQUIRE"
	else
		echo "$1"
	fi
}

# skillc_lock: take this target's lock (a directory holding the owner's PID). A lock whose owner is
# dead is moved aside (audited); a live owner makes us wait up to --wait seconds, then exit 75.
skillc_lock() {
	mkdir -p "$SKILLC_STATE_DIR/locks" 2>/dev/null || skillc_die 73 error "cannot create $SKILLC_STATE_DIR/locks"
	skillc_waited=0
	while :; do
		if mkdir "$SKILLC_LOCK_DIR" 2>/dev/null; then
			SKILLC_LOCKED=1
			printf '%s\n' "$$" >"$SKILLC_LOCK_DIR/pid" || skillc_die 73 error "cannot write $SKILLC_LOCK_DIR/pid"
			skillc_audit lock_acquired ''
			return 0
		fi
		skillc_holder=$(cat "$SKILLC_LOCK_DIR/pid" 2>/dev/null)
		case $skillc_holder in
			'' | *[!0-9]*) skillc_holder='' ;;
		esac
		if [ -n "$skillc_holder" ] && ! ps -p "$skillc_holder" >/dev/null 2>&1; then
			skillc_stale="$SKILLC_LOCK_DIR.stale-$(date -u +%Y%m%dT%H%M%SZ)-$$"
			if mv "$SKILLC_LOCK_DIR" "$skillc_stale" 2>/dev/null; then
				skillc_say "reclaimed the lock of dead process $skillc_holder (kept as $skillc_stale)"
				skillc_audit lock_reclaimed "\"holder_pid\":$skillc_holder"
				continue
			fi
		fi
		if [ "$skillc_waited" -ge "$SKILLC_WAIT" ]; then
			skillc_audit lock_busy "\"holder_pid\":${skillc_holder:-null}"
			skillc_die 75 locked "another remediation of this target holds $SKILLC_LOCK_DIR (pid ${skillc_holder:-unknown}); nothing was changed, try again later"
		fi
		sleep 1
		skillc_waited=$((skillc_waited + 1))
	done
}

# skillc_sha256: hex SHA-256 of stdin.
skillc_sha256() {
	openssl dgst -sha256 | sed 's/^.*= *//'
}

# skillc_check_tokens: verify every --token against the approver keys; sets SKILLC_APPROVERS (valid
# approver names, one per line) and SKILLC_TOKEN_MACS (tokens to mark used).
skillc_check_tokens() {
	SKILLC_APPROVERS=''
	SKILLC_TOKEN_MACS=''
	[ -n "$SKILLC_TOKENS" ] || return 0
	command -v openssl >/dev/null 2>&1 || skillc_die 69 error "openssl is needed to verify approval tokens"
	skillc_now=$(date +%s)
	skillc_toks=$SKILLC_TOKENS
	while [ -n "$skillc_toks" ]; do
		skillc_tok=${skillc_toks%%"$SKILLC_NL"*}
		skillc_toks=${skillc_toks#*"$SKILLC_NL"}
		skillc_why=''
		case $skillc_tok in
			skillc1.*.*.*) ;;
			*) skillc_why=malformed ;;
		esac
		skillc_rest=${skillc_tok#skillc1.}
		skillc_kid=${skillc_rest%%.*}
		skillc_rest=${skillc_rest#*.}
		skillc_exp=${skillc_rest%%.*}
		skillc_mac=${skillc_rest#*.}
		case $skillc_kid:$skillc_exp:$skillc_mac in
			*[!0-9a-f:]* | :* | *::*) skillc_why=malformed ;;
		esac
		case $skillc_exp in
			'' | *[!0-9]*) skillc_why=malformed ;;
		esac
		if [ -z "$skillc_why" ] && [ "$skillc_exp" -le "$skillc_now" ]; then
			skillc_why=expired
		fi
		if [ -z "$skillc_why" ] && [ -e "$SKILLC_STATE_DIR/used-tokens/$skillc_mac" ]; then
			skillc_why=used
		fi
		skillc_who=''
		if [ -z "$skillc_why" ]; then
			skillc_why=unknown_key
			for skillc_f in "$SKILLC_APPROVERS_DIR"/*.key; do
				[ -f "$skillc_f" ] || continue
				case $(ls -ln "$skillc_f") in
					-??-------*) ;;
					*)
						skillc_warn "ignoring $skillc_f: group or others may access it (chmod 600)"
						continue
						;;
				esac
				skillc_key=$(sed -n 1p "$skillc_f")
				skillc_k=$(printf '%s' "$skillc_key" | skillc_sha256 | cut -c1-16)
				[ "$skillc_k" = "$skillc_kid" ] || continue
				skillc_want=$(printf 'skillc-approval-v1\n%s\n%s\n%s\n%s' "$SKILLC_SKILL" "$SKILLC_TARGET" "$SKILLC_PLAN_HASH" "$skillc_exp" |
					openssl dgst -sha256 -hmac "$skillc_key" | sed 's/^.*= *//')
				if [ "$skillc_want" = "$skillc_mac" ]; then
					skillc_who=${skillc_f##*/}
					skillc_who=${skillc_who%.key}
					skillc_why=''
				else
					skillc_why=bad_signature
				fi
				break
			done
		fi
		skillc_tid=$(printf '%s' "$skillc_tok" | cut -c1-40)
		if [ -n "$skillc_why" ]; then
			skillc_warn "approval token $skillc_tid... refused: $skillc_why"
			skillc_audit approval "\"token_id\":$(skillc_json_str "$skillc_tid"),\"status\":\"$skillc_why\""
		else
			skillc_say "approval token of $skillc_who accepted"
			skillc_audit approval "\"token_id\":$(skillc_json_str "$skillc_tid"),\"status\":\"valid\",\"approver\":$(skillc_json_str "$skillc_who")"
			SKILLC_APPROVERS="$SKILLC_APPROVERS$skillc_who$SKILLC_NL"
			SKILLC_TOKEN_MACS="$SKILLC_TOKEN_MACS$skillc_mac$SKILLC_NL"
		fi
	done
}

# skillc_count_approvers ALLOWED: how many distinct valid approvers are in ALLOWED (one per line).
skillc_count_approvers() {
	SKILLC_A=$1 SKILLC_B=$SKILLC_APPROVERS awk 'BEGIN {
		n = split(ENVIRON["SKILLC_A"], a, "\n"); for (i = 1; i <= n; i++) if (a[i] != "") ok[a[i]] = 1
		m = split(ENVIRON["SKILLC_B"], b, "\n"); c = 0
		for (i = 1; i <= m; i++) if ((b[i] in ok) && !(b[i] in seen)) { seen[b[i]] = 1; c++ }
		print c
	}'
}

# skillc_gate_step ID FIELDS OUTCOME COUNT APPROVERS: collect what step ID needs before it may run.
skillc_gate_step() {
	skillc_o=$(skillc_stricter "$3")
	skillc_c=$4
	skillc_who=$5
	if [ "$skillc_o" = approve ] && [ "$3" != approve ]; then
		skillc_c=1
		skillc_who=$SKILLC_ALL_APPROVERS
	fi
	case $skillc_o in
		auto)
			skillc_audit decision "$2,\"run_outcome\":\"auto\",\"status\":\"allowed\""
			;;
		confirm)
			SKILLC_CONFIRM="$SKILLC_CONFIRM $1"
			skillc_audit decision "$2,\"run_outcome\":\"confirm\",\"status\":\"needs_confirmation\""
			;;
		approve)
			skillc_have=$(skillc_count_approvers "$skillc_who")
			if [ "$skillc_have" -ge "$skillc_c" ]; then
				SKILLC_USES_TOKENS=1
				skillc_audit decision "$2,\"run_outcome\":\"approve\",\"status\":\"approved\",\"approvals\":$skillc_have,\"required\":$skillc_c"
			else
				SKILLC_MISSING="$SKILLC_MISSING $1 ($skillc_have of $skillc_c approvals)"
				skillc_audit decision "$2,\"run_outcome\":\"approve\",\"status\":\"approval_missing\",\"approvals\":$skillc_have,\"required\":$skillc_c"
			fi
			;;
		*)
			SKILLC_DENIED="$SKILLC_DENIED $1"
			skillc_audit decision "$2,\"run_outcome\":\"deny\",\"status\":\"denied\""
			;;
	esac
}

# skillc_confirm: ask on the terminal; refuse when there is none.
skillc_confirm() {
	if [ ! -t 0 ] || [ ! -t 2 ]; then
		skillc_warn "step(s)$SKILLC_CONFIRM need an interactive confirmation, and there is no terminal to ask on"
		return 1
	fi
	printf 'Apply step(s)%s to %s? Type yes to continue: ' "$SKILLC_CONFIRM" "$SKILLC_TARGET" >&2
	read -r skillc_answer || return 1
	[ "$skillc_answer" = yes ]
}

# skillc_consume_tokens: mark each accepted token used (mkdir is atomic: a token works once).
skillc_consume_tokens() {
	mkdir -p "$SKILLC_STATE_DIR/used-tokens" 2>/dev/null || return 1
	skillc_macs=$SKILLC_TOKEN_MACS
	while [ -n "$skillc_macs" ]; do
		skillc_m=${skillc_macs%%"$SKILLC_NL"*}
		skillc_macs=${skillc_macs#*"$SKILLC_NL"}
		mkdir "$SKILLC_STATE_DIR/used-tokens/$skillc_m" 2>/dev/null || return 1
	done
}

# skillc_gate: refuse (exit 77, nothing changed) unless every step may run.
skillc_gate() {
	SKILLC_CONFIRM=''
	SKILLC_MISSING=''
	SKILLC_DENIED=''
	SKILLC_USES_TOKENS=0
	skillc_check_tokens
	skillc_gates
	if [ -n "$SKILLC_DENIED" ]; then
		skillc_die 77 denied "policy denies step(s)$SKILLC_DENIED; nothing was changed"
	fi
	if [ -n "$SKILLC_MISSING" ]; then
		skillc_die 77 approval_missing "approval missing for step(s)$SKILLC_MISSING; plan hash $SKILLC_PLAN_HASH; nothing was changed"
	fi
	if [ -n "$SKILLC_CONFIRM" ] && ! skillc_confirm; then
		skillc_audit approval "\"status\":\"not_confirmed\""
		skillc_die 77 not_confirmed "not confirmed; nothing was changed"
	fi
	if [ -n "$SKILLC_CONFIRM" ]; then
		skillc_audit approval "\"status\":\"confirmed\""
	fi
	if [ "$SKILLC_USES_TOKENS" -eq 1 ] && ! skillc_consume_tokens; then
		skillc_die 77 approval_missing "an approval token was used by another run; nothing was changed"
	fi
}

# skillc_usage CODE
skillc_usage() {
	skillc_warn "usage: $0 [--apply] [--json] [--detect] [--require confirm|approve|deny] [--token TOKEN]... [--wait SECONDS] [--param NAME=VALUE]..."
	exit "$1"
}

# skillc_set_require OUTCOME: raise SKILLC_REQUIRE (never lowers it).
skillc_set_require() {
	case $1 in
		auto | confirm | approve | deny) ;;
		*)
			skillc_warn "--require / SKILLC_REQUIRE must be auto, confirm, approve or deny"
			exit 64
			;;
	esac
	if [ "$(skillc_level "$1")" -gt "$(skillc_level "$SKILLC_REQUIRE")" ]; then
		SKILLC_REQUIRE=$1
	fi
}

# skillc_diag FUNCTION ID OUTCOME PHASE: run a diagnose step now (phase `now`) when the
# policy lets it run unattended, else after the gate (phase `gated`, --apply only).
skillc_diag() {
	if [ "$(skillc_stricter "$3")" = auto ]; then
		[ "$4" = now ] || return 0
	elif [ "$4" = now ]; then
		skillc_say "  deferred  $2: needs $(skillc_stricter "$3"); runs after the gate with --apply"
		return 0
	fi
	"$1" || skillc_say "  (diagnose step $2 failed; continuing)"
}

