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


# skillc_unlock: release this run's lock, if it holds it.
skillc_unlock() {
	if [ "$SKILLC_LOCKED" -eq 1 ]; then
		rm -f "$SKILLC_LOCK_DIR/pid"
		rmdir "$SKILLC_LOCK_DIR" 2>/dev/null
		SKILLC_LOCKED=0
	fi
}
