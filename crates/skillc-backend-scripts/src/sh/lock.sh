# skillc_lock: take this target's lock, a directory made with mkdir (atomic) holding `pid`: the
# owner line "PID RUN_ID SCRIPT". A live owner makes us wait up to --wait seconds, then exit 75.
# A stale lock (skillc_lock_stale) is moved aside, never deleted, by skillc_reclaim.
skillc_lock() {
	mkdir -p "$SKILLC_STATE_DIR/locks" 2>/dev/null || skillc_die 73 error "cannot create $SKILLC_STATE_DIR/locks"
	SKILLC_LOCK_OWNER="$$ $SKILLC_RUN_ID ${0##*/}"
	skillc_waited=0
	while :; do
		if mkdir "$SKILLC_LOCK_DIR" 2>/dev/null; then
			SKILLC_LOCKED=1
			printf '%s\n' "$SKILLC_LOCK_OWNER" >"$SKILLC_LOCK_DIR/pid" || skillc_die 73 error "cannot write $SKILLC_LOCK_DIR/pid"
			skillc_audit lock_acquired ''
			return 0
		fi
		skillc_owner=$(cat "$SKILLC_LOCK_DIR/pid" 2>/dev/null)
		if skillc_lock_stale "$skillc_owner"; then
			skillc_reclaim "$skillc_owner"
			continue
		fi
		skillc_holder=${skillc_owner%% *}
		case $skillc_holder in
			'' | *[!0-9]*) skillc_holder='' ;;
		esac
		if [ "$skillc_waited" -ge "$SKILLC_WAIT" ]; then
			skillc_audit lock_busy "\"holder_pid\":${skillc_holder:-null}"
			skillc_die 75 locked "another remediation of this target holds $SKILLC_LOCK_DIR (pid ${skillc_holder:-unknown}); nothing was changed, try again later"
		fi
		sleep 1
		skillc_waited=$((skillc_waited + 1))
	done
}

# skillc_lock_old PATH: whether PATH was last changed more than a minute ago (find(1) -mmin
# rounds up to whole minutes, so "more than 1" is 1 to 2 minutes).
skillc_lock_old() {
	[ -n "$(find "$1" -prune -mmin +1 2>/dev/null)" ]
}

# skillc_lock_stale OWNER: whether the lock whose owner line is OWNER may be reclaimed: its owner
# is dead, or alive but not running the script it names (its PID was reused); or the line is
# empty, not a PID, or names PID 0 or 1 (launchd), and the lock is older than a minute (a run
# that just made the directory writes its line at once).
skillc_lock_stale() {
	skillc_hp=${1%% *}
	case $skillc_hp in
		'' | *[!0-9]*)
			skillc_lock_old "$SKILLC_LOCK_DIR"
			return
			;;
	esac
	if [ "$skillc_hp" -le 1 ]; then
		skillc_lock_old "$SKILLC_LOCK_DIR"
		return
	fi
	ps -p "$skillc_hp" >/dev/null 2>&1 || return 0
	skillc_hs=${1##* }
	case $1 in
		*' '*' '*) ;;
		*) return 1 ;; # no script named: a live PID holds it
	esac
	case $(ps -o command= -p "$skillc_hp" 2>/dev/null) in
		*"$skillc_hs"*) return 1 ;;
		*) return 0 ;;
	esac
}

# skillc_reclaim OWNER: move a stale lock aside, at most one run at a time: under the reclaim
# mutex (LOCK.reclaim, mkdir) the lock is moved only if it still holds OWNER and is still stale,
# so a run that judged it stale a moment ago can never move the lock another run has taken since.
# A mutex whose run was killed is removed once older than a minute.
skillc_reclaim() {
	skillc_mx="$SKILLC_LOCK_DIR.reclaim"
	if ! mkdir "$skillc_mx" 2>/dev/null; then
		if skillc_lock_old "$skillc_mx"; then
			rmdir "$skillc_mx" 2>/dev/null
		fi
		sleep 1
		return 0
	fi
	if [ -d "$SKILLC_LOCK_DIR" ] && [ "$(cat "$SKILLC_LOCK_DIR/pid" 2>/dev/null)" = "$1" ] && skillc_lock_stale "$1"; then
		skillc_stale="$SKILLC_LOCK_DIR.stale-$(date -u +%Y%m%dT%H%M%SZ)-$$"
		if mv "$SKILLC_LOCK_DIR" "$skillc_stale" 2>/dev/null; then
			skillc_h=${1%% *}
			case $skillc_h in
				'' | *[!0-9]*) skillc_h=null ;;
			esac
			skillc_say "reclaimed a stale lock (owner: ${1:-none}; kept as $skillc_stale)"
			skillc_audit lock_reclaimed "\"holder_pid\":$skillc_h"
		fi
	fi
	rmdir "$skillc_mx" 2>/dev/null
	return 0
}

# skillc_unlock: release this run's lock, only if it is still this run's (never another run's).
skillc_unlock() {
	if [ "$SKILLC_LOCKED" -eq 1 ]; then
		SKILLC_LOCKED=0
		if [ "$(cat "$SKILLC_LOCK_DIR/pid" 2>/dev/null)" = "$SKILLC_LOCK_OWNER" ]; then
			rm -f "$SKILLC_LOCK_DIR/pid"
			rmdir "$SKILLC_LOCK_DIR" 2>/dev/null
		else
			skillc_warn "the lock $SKILLC_LOCK_DIR is no longer this run's; left as it is"
		fi
	fi
}
