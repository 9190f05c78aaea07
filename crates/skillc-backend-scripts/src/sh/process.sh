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

