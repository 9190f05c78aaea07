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

