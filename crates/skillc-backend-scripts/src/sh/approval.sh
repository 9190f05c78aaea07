# skillc_sha256: hex SHA-256 of stdin.
skillc_sha256() {
	openssl dgst -sha256 | sed 's/^.*= *//'
}

# skillc_unsafe PATH: why PATH may not be trusted (prints nothing when it may): a symlink, missing,
# owned by someone other than root or this script's effective user, group- or other-writable, or
# with an ACL (`+` after the mode in ls(1) -l output; macOS ls(1) "The Long Format").
skillc_unsafe() {
	if [ -L "$1" ]; then
		printf 'it is a symlink'
		return 0
	fi
	if [ ! -e "$1" ]; then
		printf 'it does not exist'
		return 0
	fi
	skillc_ls=$(ls -lnd -- "$1" 2>/dev/null) || {
		printf 'it cannot be inspected'
		return 0
	}
	skillc_m=${skillc_ls%% *}
	skillc_u=$(printf '%s\n' "$skillc_ls" | awk '{ print $3 }')
	if [ "$skillc_u" != 0 ] && [ "$skillc_u" != "$(id -u)" ]; then
		printf 'it is owned by uid %s (neither root nor uid %s)' "$skillc_u" "$(id -u)"
		return 0
	fi
	case $skillc_m in
		?????w* | ????????w*) printf 'group or others may write it (mode %s)' "$skillc_m" ;;
		??????????+*) printf 'it has an access control list (mode %s)' "$skillc_m" ;;
	esac
}

# skillc_trust_file FILE: why the approvers' trust file may not be used (nothing when it may): FILE
# must be a regular file, not a symlink, safe by skillc_unsafe, in a directory that is too.
skillc_trust_file() {
	skillc_r=$(skillc_unsafe "$1")
	if [ -z "$skillc_r" ] && [ ! -f "$1" ]; then
		skillc_r='it is not a regular file'
	fi
	if [ -n "$skillc_r" ]; then
		printf '%s' "$skillc_r"
		return 0
	fi
	case $1 in
		*/*) skillc_d=${1%/*} ;;
		*) skillc_d=. ;;
	esac
	skillc_r=$(skillc_unsafe "${skillc_d:-/}")
	if [ -n "$skillc_r" ]; then
		printf 'its directory %s is not safe: %s' "${skillc_d:-/}" "$skillc_r"
	fi
}

# skillc_signer_known FILE PRINCIPAL: whether PRINCIPAL is one of the (comma-separated) principals
# that start a line of the allowed_signers FILE (ssh-keygen(1) "ALLOWED SIGNERS"); exact names only.
skillc_signer_known() {
	SKILLC_P=$2 awk 'BEGIN { p = ENVIRON["SKILLC_P"] }
		/^[ \t]*(#|$)/ { next }
		{ n = split($1, a, ","); for (i = 1; i <= n; i++) if (a[i] == p) found = 1 }
		END { exit found ? 0 : 1 }' "$1"
}

# skillc_check_token TOKEN: sets skillc_why (empty when TOKEN is a valid approval of this plan),
# skillc_who (its approver), skillc_nonce and skillc_key (the signing key's fingerprint).
skillc_check_token() {
	skillc_why=''
	skillc_who=''
	skillc_nonce=''
	skillc_key=''
	case $1 in
		skillc2:*:*:*:*:*:*:*) ;;
		*)
			skillc_why=malformed
			return 0
			;;
	esac
	skillc_rest=${1#skillc2:}
	skillc_t_skill=${skillc_rest%%:*}
	skillc_rest=${skillc_rest#*:}
	skillc_t_target=${skillc_rest%%:*}
	skillc_rest=${skillc_rest#*:}
	skillc_t_plan=${skillc_rest%%:*}
	skillc_rest=${skillc_rest#*:}
	skillc_t_exp=${skillc_rest%%:*}
	skillc_rest=${skillc_rest#*:}
	skillc_t_nonce=${skillc_rest%%:*}
	skillc_rest=${skillc_rest#*:}
	skillc_t_who=${skillc_rest%%:*}
	skillc_t_sig=${skillc_rest#*:}
	# Every field by an explicit character list (no locale-dependent ranges).
	case $skillc_t_exp in
		'' | *[!0123456789]* | ?????????????*) skillc_why=malformed ;;
	esac
	case $skillc_t_nonce in
		*[!0123456789abcdef]*) skillc_why=malformed ;;
	esac
	[ "${#skillc_t_nonce}" -eq 32 ] || skillc_why=malformed
	case $skillc_t_who in
		'' | [!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789]* | *[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@-]*)
			skillc_why=malformed
			;;
	esac
	[ "${#skillc_t_who}" -le 64 ] || skillc_why=malformed
	case $skillc_t_sig in
		'' | *[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=]*) skillc_why=malformed ;;
	esac
	[ "${#skillc_t_sig}" -le 16384 ] || skillc_why=malformed
	[ -z "$skillc_why" ] || return 0
	skillc_nonce=$skillc_t_nonce
	skillc_who=$skillc_t_who
	if [ "$skillc_t_skill" != "$SKILLC_SKILL" ]; then
		skillc_why=wrong_skill
	elif [ "$skillc_t_target" != "$SKILLC_TARGET" ]; then
		skillc_why=wrong_target
	elif [ "$skillc_t_plan" != "$SKILLC_PLAN_HASH" ]; then
		skillc_why=wrong_plan
	elif [ "$skillc_t_exp" -le "$skillc_now" ]; then
		skillc_why=expired
	elif ! printf '%s\n' "$SKILLC_ALL_APPROVERS" | grep -Fqx -e "$skillc_who"; then
		skillc_why=not_an_approver
	elif [ -n "$skillc_trust" ]; then
		skillc_why=untrusted_signers
	elif ! skillc_signer_known "$SKILLC_ALLOWED_SIGNERS" "$skillc_who"; then
		skillc_why=unknown_approver
	fi
	[ -z "$skillc_why" ] || return 0
	# The statement the approver signed, rebuilt from this script's own skill, target and plan.
	if ! printf 'skillc-approval-v2\nskill=%s\ntarget=%s\nplan=%s\nexpires=%s\nnonce=%s\napprover=%s\n' \
		"$SKILLC_SKILL" "$SKILLC_TARGET" "$SKILLC_PLAN_HASH" "$skillc_t_exp" "$skillc_t_nonce" "$skillc_t_who" >"$SKILLC_TMP/approval.msg" ||
		! printf '%s\n' '-----BEGIN SSH SIGNATURE-----' "$skillc_t_sig" '-----END SSH SIGNATURE-----' >"$SKILLC_TMP/approval.sig"; then
		skillc_die 73 error "cannot write to the temporary directory $SKILLC_TMP"
	fi
	if skillc_key=$(ssh-keygen -Y verify -f "$SKILLC_ALLOWED_SIGNERS" -I "$skillc_t_who" -n skillc-approval \
		-s "$SKILLC_TMP/approval.sig" <"$SKILLC_TMP/approval.msg" 2>/dev/null); then
		skillc_key=$(printf '%s\n' "$skillc_key" | sed -n 's/.* key \(SHA256:[A-Za-z0-9+/=]*\).*/\1/p' | sed -n 1p)
	else
		skillc_why=bad_signature
		skillc_key=''
	fi
	rm -f "$SKILLC_TMP/approval.msg" "$SKILLC_TMP/approval.sig"
	[ -z "$skillc_why" ] || return 0
	case $SKILLC_NL$SKILLC_TOKEN_NONCES in
		*"$SKILLC_NL$skillc_nonce$SKILLC_NL"*) skillc_why=duplicate ;;
	esac
	if [ -z "$skillc_why" ] && { [ -e "$SKILLC_STATE_DIR/used-tokens/$skillc_nonce" ] || [ -L "$SKILLC_STATE_DIR/used-tokens/$skillc_nonce" ]; }; then
		skillc_why=used
	fi
}

# skillc_check_tokens: verify every --token (an ssh-keygen signature of this plan, by a principal of
# the trust file SKILLC_ALLOWED_SIGNERS who is an approver of the policy); sets SKILLC_APPROVERS
# (valid approver names, one per line) and SKILLC_TOKEN_NONCES (to mark used).
skillc_check_tokens() {
	SKILLC_APPROVERS=''
	SKILLC_TOKEN_NONCES=''
	[ -n "$SKILLC_TOKENS" ] || return 0
	command -v ssh-keygen >/dev/null 2>&1 || skillc_die 69 error "ssh-keygen (OpenSSH 8.1 or later) is needed to verify approval tokens"
	skillc_trust=$(skillc_trust_file "$SKILLC_ALLOWED_SIGNERS")
	if [ -n "$skillc_trust" ]; then
		skillc_warn "refusing the approvers' trust file $SKILLC_ALLOWED_SIGNERS: $skillc_trust; no approval token counts"
		skillc_audit approval "\"status\":\"untrusted_signers\",\"reason\":$(skillc_json_str "$skillc_trust")"
	fi
	skillc_now=$(date +%s)
	skillc_toks=$SKILLC_TOKENS
	while [ -n "$skillc_toks" ]; do
		skillc_tok=${skillc_toks%%"$SKILLC_NL"*}
		skillc_toks=${skillc_toks#*"$SKILLC_NL"}
		skillc_check_token "$skillc_tok"
		if [ -n "$skillc_nonce" ]; then
			skillc_tid=$skillc_nonce
		else
			skillc_tid=$(printf '%s' "$skillc_tok" | cut -c1-24)
		fi
		if [ -n "$skillc_why" ]; then
			skillc_warn "approval token $skillc_tid refused: $skillc_why${skillc_who:+ (approver $skillc_who)}"
			skillc_audit approval "\"token_id\":$(skillc_json_str "$skillc_tid"),\"status\":\"$skillc_why\"${skillc_who:+,\"approver\":$(skillc_json_str "$skillc_who")}"
		else
			skillc_say "approval token of $skillc_who accepted (key $skillc_key)"
			skillc_audit approval "\"token_id\":\"$skillc_tid\",\"status\":\"valid\",\"approver\":$(skillc_json_str "$skillc_who"),\"key\":$(skillc_json_str "$skillc_key")"
			SKILLC_APPROVERS="$SKILLC_APPROVERS$skillc_who$SKILLC_NL"
			SKILLC_TOKEN_NONCES="$SKILLC_TOKEN_NONCES$skillc_nonce$SKILLC_NL"
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

# skillc_confirm: ask on the terminal; refuse when there is none. With --confirmed HASH (and
# --client), the caller asked a person, who confirmed exactly this plan: only this plan hash counts.
skillc_confirm() {
	if [ -n "$SKILLC_CONFIRMED" ]; then
		if [ -n "$SKILLC_CLIENT" ] && [ "$SKILLC_CONFIRMED" = "$SKILLC_PLAN_HASH" ]; then
			skillc_say "step(s)$SKILLC_CONFIRM confirmed by a person through $SKILLC_CLIENT (plan hash $SKILLC_PLAN_HASH)"
			SKILLC_CONFIRM_VIA=',"via":"caller"'
			return 0
		fi
		skillc_warn "--confirmed names another plan (or no --client was given): not a confirmation of plan $SKILLC_PLAN_HASH"
		return 1
	fi
	if [ ! -t 0 ] || [ ! -t 2 ]; then
		skillc_warn "step(s)$SKILLC_CONFIRM need an interactive confirmation, and there is no terminal to ask on"
		return 1
	fi
	printf 'Apply step(s)%s to %s (plan hash %s)\n' "$SKILLC_CONFIRM" "$SKILLC_TARGET" "$SKILLC_PLAN_HASH" >&2
	if [ -n "$SKILLC_J_PARAMS" ]; then
		printf '  with the run-time values {%s}\n' "$SKILLC_J_PARAMS" >&2
	fi
	if [ -n "$SKILLC_J_FACTS" ]; then
		printf '  on the facts read at plan time {%s}\n' "$SKILLC_J_FACTS" >&2
	fi
	printf 'Type yes to continue: ' >&2
	read -r skillc_answer || return 1
	[ "$skillc_answer" = yes ]
}

# skillc_consume_tokens: mark each accepted token used: its nonce as a directory under
# used-tokens/ (mkdir is atomic: a token works once), created under umask 077, in a used-tokens/
# that skillc_unsafe accepts. Fails (1) when a token was used meanwhile, (2) when it cannot record.
skillc_consume_tokens() {
	(umask 077 && mkdir -p "$SKILLC_STATE_DIR/used-tokens") 2>/dev/null || return 2
	skillc_r=$(skillc_unsafe "$SKILLC_STATE_DIR/used-tokens")
	if [ -n "$skillc_r" ]; then
		skillc_warn "$SKILLC_STATE_DIR/used-tokens is not safe to record used tokens in: $skillc_r"
		return 2
	fi
	skillc_ns=$SKILLC_TOKEN_NONCES
	while [ -n "$skillc_ns" ]; do
		skillc_n=${skillc_ns%%"$SKILLC_NL"*}
		skillc_ns=${skillc_ns#*"$SKILLC_NL"}
		(umask 077 && mkdir "$SKILLC_STATE_DIR/used-tokens/$skillc_n") 2>/dev/null || return 1
	done
}

# skillc_gate: refuse (exit 77, nothing changed) unless every step may run.
skillc_gate() {
	SKILLC_CONFIRM=''
	SKILLC_CONFIRM_VIA=''
	SKILLC_MISSING=''
	SKILLC_DENIED=''
	SKILLC_USES_TOKENS=0
	skillc_recheck_facts
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
		skillc_audit approval "\"status\":\"confirmed\"${SKILLC_CONFIRM_VIA:-}"
	fi
	if [ "$SKILLC_USES_TOKENS" -eq 1 ]; then
		skillc_consume_tokens
		case $? in
			0) ;;
			1) skillc_die 77 approval_missing "an approval token was used by another run; nothing was changed" ;;
			*) skillc_die 73 error "cannot record used approval tokens under $SKILLC_STATE_DIR/used-tokens; nothing was changed" ;;
		esac
	fi
}

