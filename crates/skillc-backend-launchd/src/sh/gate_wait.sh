# skillc_wait WHAT PROBE BUDGET CAP: run PROBE until it succeeds; sleep 1, 2, 4, ... seconds
# (at most CAP) between attempts; fail once BUDGET seconds have passed.
skillc_wait() {
	skillc_what=$1
	skillc_probe=$2
	skillc_deadline=$(($(date +%s) + $3))
	skillc_cap=$4
	skillc_delay=1
	skillc_tries=0
	while :; do
		skillc_tries=$((skillc_tries + 1))
		if "$skillc_probe"; then
			skillc_log "ready: $skillc_what (attempt $skillc_tries)"
			return 0
		fi
		skillc_now=$(date +%s)
		if [ "$skillc_now" -ge "$skillc_deadline" ]; then
			skillc_log "not ready: $skillc_what after $skillc_tries attempts within $3s"
			return 1
		fi
		if [ "$skillc_tries" -eq 1 ]; then
			skillc_log "waiting for $skillc_what (budget $3s)"
		fi
		skillc_left=$((skillc_deadline - skillc_now))
		if [ "$skillc_delay" -gt "$skillc_left" ]; then
			skillc_delay=$skillc_left
		fi
		sleep "$skillc_delay"
		skillc_delay=$((skillc_delay * 2))
		if [ "$skillc_delay" -gt "$skillc_cap" ]; then
			skillc_delay=$skillc_cap
		fi
	done
}
