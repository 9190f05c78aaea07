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

# skillc_pg ARGV...: run the command ARGV of a step (`run`, `shell`, a family action) in a
# process group of its own, recorded in the step's file $SKILLC_GROUPS, so that whatever it
# leaves behind (a backgrounded or double-forked child keeps its group) is ended with the step.
# The group is made by perl because dash and zsh refuse `set -m` without a terminal and macOS has
# no setsid(1); /usr/bin/perl ships on macOS 13-15 and Debian (perlfunc: setpgrp(0, 0) makes the
# process a group leader; `exec { FILE } LIST` runs FILE with LIST as argv, no shell). Without
# perl the command runs as it is and only the step's process tree is ended.
skillc_pg() {
	if [ -n "$SKILLC_GROUPS" ] && [ -x /usr/bin/perl ]; then
		/usr/bin/perl -e 'setpgrp(0, 0) or exit 126; exec { $ARGV[0] } @ARGV; exit 127' -- "$@" &
		skillc_g=$!
		printf '%s\n' "$skillc_g" >>"$SKILLC_GROUPS"
		# dash and busybox sh print "Terminated" to the wait's stderr when a signal ended the job.
		wait "$skillc_g" 2>/dev/null
		return
	fi
	"$@"
}

# skillc_group_pids PGID: the processes of process group PGID (ps -o pgid, POSIX and BSD ps).
skillc_group_pids() {
	[ -n "$1" ] || return 0
	ps -A -o pid= -o pgid= 2>/dev/null | awk -v g="$1" '$2 == g { print $1 }'
}

# skillc_living "PID...": those of the PIDs that still run (one ps snapshot; a zombie, dead but not
# yet reaped, does not count).
skillc_living() {
	[ "$#" -gt 0 ] || return 0
	ps -A -o pid= -o stat= 2>/dev/null | awk -v want=" $* " '
		index(want, " " $1 " ") && $2 !~ /^Z/ { print $1 }'
}

# skillc_end PID PGID [GROUPS]: end a step for good: TERM to its process group (when it has one:
# every process it started, also those that left their parent), to the groups of its commands
# listed in the file GROUPS (skillc_pg) and to its process tree, then KILL to whatever is left
# after 2 seconds, and reap it. The script itself is never signalled.
skillc_end() {
	skillc_e_groups=$2
	if [ -n "${3:-}" ] && [ -f "$3" ]; then
		skillc_e_groups="$skillc_e_groups $(tr '\n' ' ' <"$3")"
	fi
	skillc_e_pids=$( {
		skillc_tree "$1"
		for skillc_g in $skillc_e_groups; do
			skillc_group_pids "$skillc_g"
		done
	} | awk -v me="$$" '$1 != me && !seen[$1]++')
	[ -n "$skillc_e_pids" ] || {
		wait "$1" 2>/dev/null
		return 0
	}
	for skillc_v in $skillc_e_pids; do
		kill -TERM "$skillc_v" 2>/dev/null
	done
	skillc_e_n=0
	while [ "$skillc_e_n" -lt 20 ] && [ -n "$(skillc_living "$skillc_e_pids")" ]; do
		sleep 0.1 2>/dev/null || sleep 1
		skillc_e_n=$((skillc_e_n + 1))
	done
	# What is left, and whatever it started meanwhile.
	skillc_e_more=$( {
		for skillc_v in $skillc_e_pids; do
			skillc_tree "$skillc_v"
		done
		for skillc_g in $skillc_e_groups; do
			skillc_group_pids "$skillc_g"
		done
	} | awk -v me="$$" '$1 != me && !seen[$1]++')
	for skillc_v in $skillc_e_pids $skillc_e_more; do
		kill -KILL "$skillc_v" 2>/dev/null
	done
	wait "$1" 2>/dev/null
	return 0
}

# skillc_remaining SECONDS: SECONDS, or less when the skill's or a group's deadline
# (SKILLC_DEADLINE, Unix time; 0 = none) comes first; 0 when it has passed.
skillc_remaining() {
	if [ "$SKILLC_DEADLINE" -eq 0 ]; then
		echo "$1"
		return 0
	fi
	skillc_left=$((SKILLC_DEADLINE - $(date +%s)))
	if [ "$skillc_left" -le 0 ]; then
		echo 0
	elif [ "$skillc_left" -lt "$1" ]; then
		echo "$skillc_left"
	else
		echo "$1"
	fi
}

# skillc_deadline SECONDS: the deadline SECONDS from now, or the current one if it comes first.
skillc_deadline() {
	skillc_d=$(($(date +%s) + $1))
	if [ "$SKILLC_DEADLINE" -eq 0 ] || [ "$skillc_d" -lt "$SKILLC_DEADLINE" ]; then
		echo "$skillc_d"
	else
		echo "$SKILLC_DEADLINE"
	fi
}

# skillc_expired: whether the skill's or a group's deadline has passed.
skillc_expired() {
	[ "$SKILLC_DEADLINE" -ne 0 ] && [ "$(date +%s)" -ge "$SKILLC_DEADLINE" ]
}

# skillc_jobctl: whether background jobs of this shell get their own process group here
# (SKILLC_JOBCTL 1 or 0, found once). zsh refuses `set -m` without a terminal and exits, so it is
# tried in a subshell; dash accepts it and does nothing, so a job is started and looked at.
SKILLC_JOBCTL=''
skillc_jobctl() {
	if [ -z "$SKILLC_JOBCTL" ]; then
		SKILLC_JOBCTL=0
		if (set -m) 2>/dev/null; then
			{ set -m; } 2>/dev/null
			sleep 5 >/dev/null 2>&1 &
			skillc_j=$!
			{ set +m; } 2>/dev/null
			if [ "$(ps -o pgid= -p "$skillc_j" 2>/dev/null | tr -d ' ')" = "$skillc_j" ]; then
				SKILLC_JOBCTL=1
			fi
			kill "$skillc_j" 2>/dev/null
			wait "$skillc_j" 2>/dev/null
		fi
	fi
	[ "$SKILLC_JOBCTL" -eq 1 ]
}

# skillc_run SECONDS FUNCTION: run FUNCTION in the background, in its own process group where the
# shell can make one (bash and zsh can without a terminal; dash cannot, and then only its process
# tree is known); a watchdog ends it after SECONDS (or at the deadline), and whatever it leaves
# running is ended when it returns (skillc_end). Returns FUNCTION's status, 124 on timeout.
skillc_run() {
	skillc_t=$(skillc_remaining "$1")
	if [ "$skillc_t" -le 0 ]; then
		return 124
	fi
	# The step's commands record their process groups here (skillc_pg).
	SKILLC_GROUPS="$SKILLC_TMP/groups.$2"
	: >"$SKILLC_GROUPS"
	skillc_pg=''
	if skillc_jobctl; then
		{ set -m; } 2>/dev/null
	fi
	if [ "$SKILLC_JSON" -eq 1 ]; then
		"$2" </dev/null >&2 &
	else
		"$2" </dev/null &
	fi
	skillc_pid=$!
	if [ "$SKILLC_JOBCTL" -eq 1 ]; then
		{ set +m; } 2>/dev/null
		skillc_pg=$skillc_pid
	fi
	SKILLC_STEP_PID=$skillc_pid
	SKILLC_STEP_PG=$skillc_pg
	skillc_mark="$SKILLC_TMP/timeout.$skillc_pid"
	(
		sleep "$skillc_t"
		: >"$skillc_mark"
		skillc_end "$skillc_pid" "$skillc_pg" "$SKILLC_GROUPS"
	) </dev/null >/dev/null 2>&1 &
	skillc_wd=$!
	SKILLC_STEP_WD=$skillc_wd
	# No job notice ("Terminated", from dash and busybox sh) for a step its timeout ended.
	wait "$skillc_pid" 2>/dev/null
	skillc_rc=$?
	if [ -e "$skillc_mark" ]; then
		wait "$skillc_wd" 2>/dev/null
		rm -f "$skillc_mark"
		skillc_rc=124
	else
		skillc_end "$skillc_wd" ''
	fi
	# Whatever the step left behind (a background or double-forked child) ends with it.
	skillc_end "$skillc_pid" "$skillc_pg" "$SKILLC_GROUPS"
	SKILLC_STEP_PID=''
	SKILLC_STEP_PG=''
	SKILLC_STEP_WD=''
	return "$skillc_rc"
}

# skillc_interrupted SIGNAL CODE: INT, TERM, HUP or PIPE arrived: end every process of the run
# (the running step's group and tree, its watchdog, parallel branches), audit the step and the
# run as interrupted, and only then exit CODE (the EXIT trap releases the lock after that).
skillc_interrupted() {
	trap '' INT TERM HUP PIPE
	if [ "$1" = PIPE ]; then
		# stdout is gone: say nothing more on it.
		SKILLC_JSON=0
		exec >/dev/null
	fi
	skillc_warn "interrupted by SIG$1: ending the running step's processes"
	if [ -n "${SKILLC_STEP_PID:-}" ]; then
		skillc_end "$SKILLC_STEP_PID" "$SKILLC_STEP_PG" "$SKILLC_GROUPS"
	fi
	if [ -n "${SKILLC_STEP_WD:-}" ]; then
		skillc_end "$SKILLC_STEP_WD" ''
	fi
	# Everything else the run started (parallel branches and their steps).
	for skillc_c in $(skillc_tree "$$" | awk -v me="$$" '$1 != me'); do
		skillc_end "$skillc_c" ''
	done
	if [ -n "${SKILLC_STEP_FIELDS:-}" ]; then
		skillc_audit step_end "$SKILLC_STEP_FIELDS,\"status\":\"interrupted\",\"exit\":$2"
	fi
	skillc_finish "$2" interrupted
}
