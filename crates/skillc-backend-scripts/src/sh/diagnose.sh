# skillc_diag FUNCTION ID OUTCOME PHASE RISK: run a diagnose step now (phase `now`, also in plan
# mode) only when it is read-only (RISK `read_only`) and the policy lets it run unattended; else
# after the gate (phase `gated`, --apply only). Plan mode never runs a step that changes something.
skillc_diag() {
	if [ "$(skillc_stricter "$3")" = auto ] && [ "$5" = read_only ]; then
		[ "$4" = now ] || return 0
	elif [ "$4" = now ]; then
		if [ "$5" = read_only ]; then
			skillc_say "  deferred  $2: needs $(skillc_stricter "$3"); runs after the gate with --apply"
		else
			skillc_say "  deferred  $2: changes something; runs after the gate with --apply"
		fi
		return 0
	fi
	"$1" || skillc_say "  (diagnose step $2 failed; continuing)"
}
