
skillc_header() {
	if [ "$SKILLC_JSON" -eq 0 ]; then
		printf '%-36s %-5s %-8s %s\n' SERVICE LAYER SCOPE STATUS
	fi
}

# skillc_service NAME LABEL LAYER SCOPE DOMAIN READY-FUNCTION: start a row.
skillc_service() {
	SKILLC_NAME=$1
	SKILLC_LABEL=$2
	SKILLC_LAYER=$3
	SKILLC_SCOPE=$4
	SKILLC_FOUND=''
	SKILLC_FOUND_J=''
	SKILLC_NOTES=''
	SKILLC_TODO=''
	SKILLC_SKIP=0
	# An agent lives in the console user's gui domain: with nobody logged in there is none, so
	# it is not checked (ready null), and not counted as a failure.
	if [ "$5" = gui ] && [ -z "${SKILLC_GUI_UID:-}" ]; then
		SKILLC_SKIP=1
		SKILLC_READY=null
		SKILLC_NOTES='; not checked: no user is logged in at the console (an agent lives in that user'"'"'s gui domain)'
		return 0
	fi
	if "$6"; then SKILLC_READY=true; else SKILLC_READY=false; fi
}

# skillc_check SKILL SCRIPT: does the script's detect hold?
skillc_check() {
	[ "$SKILLC_SKIP" -eq 0 ] || return 0
	"$SKILLC_DIR/remediate/$2" --detect </dev/null >/dev/null 2>&1
	skillc_rc=$?
	if [ "$skillc_rc" -eq 0 ]; then
		SKILLC_FOUND="$SKILLC_FOUND${SKILLC_FOUND:+, }$1"
		SKILLC_FOUND_J="$SKILLC_FOUND_J${SKILLC_FOUND_J:+,}$(skillc_json_str "$1")"
		SKILLC_TODO="$SKILLC_TODO$2$SKILLC_NL"
	elif [ "$skillc_rc" -ne 1 ]; then
		SKILLC_NOTES="$SKILLC_NOTES; $1 could not be checked (exit $skillc_rc)"
	fi
}

# skillc_unchecked SKILL WHY
skillc_unchecked() {
	[ "$SKILLC_SKIP" -eq 0 ] || return 0
	SKILLC_NOTES="$SKILLC_NOTES; $1 not checked: $2"
}

# skillc_remediate SCRIPT: run one remediation script in the doctor's mode.
skillc_remediate() {
	set -- "$SKILLC_DIR/remediate/$1"
	skillc_pass=$SKILLC_PASS
	while [ -n "$skillc_pass" ]; do
		set -- "$@" "${skillc_pass%%"$SKILLC_NL"*}"
		skillc_pass=${skillc_pass#*"$SKILLC_NL"}
	done
	if [ "$SKILLC_MODE" = apply ]; then
		set -- "$@" --apply
	fi
	if [ "$SKILLC_JSON" -eq 1 ]; then
		"$@" --json </dev/null
	else
		"$@" | sed 's/^/    /'
	fi
}

# skillc_row: print the row, then run the remediations found.
skillc_row() {
	if [ "$SKILLC_SKIP" -eq 1 ]; then
		skillc_st='not checked'
	elif [ "$SKILLC_READY" = true ] && [ -z "$SKILLC_FOUND" ]; then
		skillc_st=ready
	elif [ -n "$SKILLC_FOUND" ]; then
		skillc_st="failure: $SKILLC_FOUND"
		SKILLC_STATUS=1
	else
		skillc_st='not ready (no known failure mode detected)'
		SKILLC_STATUS=1
	fi
	if [ "$SKILLC_JSON" -eq 0 ]; then
		printf '%-36s %-5s %-8s %s%s\n' "$SKILLC_NAME" "$SKILLC_LAYER" "$SKILLC_SCOPE" "$skillc_st" "$SKILLC_NOTES"
	fi
	skillc_runs_j=''
	skillc_todo=$SKILLC_TODO
	while [ -n "$skillc_todo" ]; do
		skillc_s=${skillc_todo%%"$SKILLC_NL"*}
		skillc_todo=${skillc_todo#*"$SKILLC_NL"}
		if [ "$SKILLC_JSON" -eq 1 ]; then
			skillc_out=$(skillc_remediate "$skillc_s")
			skillc_runs_j="$skillc_runs_j${skillc_runs_j:+,}${skillc_out:-null}"
		else
			printf '  %s %s:\n' "$SKILLC_MODE" "$skillc_s"
			skillc_remediate "$skillc_s"
		fi
	done
	SKILLC_ROWS="$SKILLC_ROWS${SKILLC_ROWS:+,}{\"service\":$(skillc_json_str "$SKILLC_NAME"),\"label\":$(skillc_json_str "$SKILLC_LABEL"),\"layer\":\"$SKILLC_LAYER\",\"scope\":\"$SKILLC_SCOPE\",\"ready\":$SKILLC_READY,\"failures\":[$SKILLC_FOUND_J],\"notes\":$(skillc_json_str "${SKILLC_NOTES#; }"),\"runs\":[$skillc_runs_j]}"
}

skillc_end() {
	if [ "$SKILLC_JSON" -eq 1 ]; then
		printf '{"schema_version":1,"mode":"%s","exit":%s,"services":[%s]}\n' "$SKILLC_MODE" "$SKILLC_STATUS" "$SKILLC_ROWS"
	fi
	exit "$SKILLC_STATUS"
}

