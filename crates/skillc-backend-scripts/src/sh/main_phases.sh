skillc_say "plan hash $SKILLC_PLAN_HASH"

# detect
if skillc_detect; then
	SKILLC_DETECTED=true
	skillc_audit detect '"detected":true'
	skillc_say 'detect: the failure is present'
else
	SKILLC_DETECTED=false
	skillc_audit detect '"detected":false'
	skillc_say 'detect: not present; nothing to do'
	skillc_finish 0 healthy
fi

# diagnose (read-only)
skillc_say 'diagnose:'
skillc_diagnose now

# plan
skillc_say 'plan:'
skillc_plan
if [ "$SKILLC_MODE" = plan ]; then
	skillc_say 'plan only: nothing was changed (run with --apply to act)'
	skillc_finish 0 planned
fi

# apply: only a runner the policy names; in safe state; one remediation per target at a time;
# then the policy gate
skillc_check_runner
skillc_safe_dir "$SKILLC_STATE_DIR" 'state directory'
skillc_safe_dir "$SKILLC_STATE_DIR/locks" 'lock directory'
skillc_safe_dir "$SKILLC_STATE_DIR/used-tokens" 'used-token directory'
skillc_lock
if ! skillc_detect; then
	skillc_say 'the failure went away while waiting for the lock; nothing to do'
	skillc_finish 0 healthy
fi
skillc_gate
if [ "$SKILLC_SKILL_TIMEOUT" -gt 0 ]; then
	# The skill's own time limit: every step after the gate shares it.
	SKILLC_DEADLINE=$(skillc_deadline "$SKILLC_SKILL_TIMEOUT")
fi
skillc_diagnose gated
skillc_say 'apply:'
if skillc_apply; then
	skillc_audit apply_end '"status":"ok"'
else
	skillc_audit apply_end '"status":"failed"'
	skillc_say 'a step failed; remaining steps were not run'
fi

# verify (independent of the steps' exit codes)
if skillc_verify; then
	skillc_audit verify '"status":"passed"'
	skillc_say 'verify: passed'
	skillc_finish 0 fixed
fi
skillc_audit verify '"status":"failed"'
