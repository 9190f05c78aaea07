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

