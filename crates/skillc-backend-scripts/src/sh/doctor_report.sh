
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
	# A per-user agent lives in its user's gui domain, which exists while that user is logged in.
	case $5 in
		user:*)
			if ! launchctl print "gui/$(id -u "${5#user:}" 2>/dev/null)" >/dev/null 2>&1; then
				SKILLC_SKIP=1
				SKILLC_READY=null
				SKILLC_NOTES="; not checked: ${5#user:} is not logged in (a per-user agent lives in that user's gui domain)"
				return 0
			fi
			;;
	esac
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
		SKILLC_TODO="$SKILLC_TODO$2$SKILLC_NL$SKILLC_NL"
	elif [ "$skillc_rc" -ne 1 ]; then
		SKILLC_NOTES="$SKILLC_NOTES; $1 could not be checked (exit $skillc_rc)"
	fi
}

# skillc_param NAME: the value given with `--param NAME=VALUE` (the last one), or fail.
skillc_param() {
	skillc_rest=$SKILLC_PARAMS
	skillc_found=1
	while [ -n "$skillc_rest" ]; do
		skillc_line=${skillc_rest%%"$SKILLC_NL"*}
		skillc_rest=${skillc_rest#*"$SKILLC_NL"}
		if [ "${skillc_line%%=*}" = "$1" ]; then
			skillc_value=${skillc_line#*=}
			skillc_found=0
		fi
	done
	return "$skillc_found"
}

# skillc_check_with SKILL SCRIPT NAME...: skillc_check for a script with the run-time parameters
# NAME...: checked with the doctor's `--param` values when it was given them all, else noted.
skillc_check_with() {
	[ "$SKILLC_SKIP" -eq 0 ] || return 0
	skillc_skill=$1
	skillc_script=$2
	shift 2
	skillc_args=''
	skillc_missing=''
	for skillc_n in "$@"; do
		if skillc_param "$skillc_n"; then
			skillc_args="$skillc_args--param$SKILLC_NL$skillc_n=$skillc_value$SKILLC_NL"
		else
			skillc_missing="$skillc_missing${skillc_missing:+ }--param $skillc_n=VALUE"
		fi
	done
	if [ -n "$skillc_missing" ]; then
		SKILLC_NOTES="$SKILLC_NOTES; $skillc_skill not checked: needs $skillc_missing"
		return 0
	fi
	set -- "$SKILLC_DIR/remediate/$skillc_script" --detect
	skillc_rest=$skillc_args
	while [ -n "$skillc_rest" ]; do
		set -- "$@" "${skillc_rest%%"$SKILLC_NL"*}"
		skillc_rest=${skillc_rest#*"$SKILLC_NL"}
	done
	"$@" </dev/null >/dev/null 2>&1
	skillc_rc=$?
	if [ "$skillc_rc" -eq 0 ]; then
		SKILLC_FOUND="$SKILLC_FOUND${SKILLC_FOUND:+, }$skillc_skill"
		SKILLC_FOUND_J="$SKILLC_FOUND_J${SKILLC_FOUND_J:+,}$(skillc_json_str "$skillc_skill")"
		# The script, then its parameters (one argument per line), ended by an empty line.
		SKILLC_TODO="$SKILLC_TODO$skillc_script$SKILLC_NL$skillc_args$SKILLC_NL"
	elif [ "$skillc_rc" -ne 1 ]; then
		SKILLC_NOTES="$SKILLC_NOTES; $skillc_skill could not be checked (exit $skillc_rc)"
	fi
}

# skillc_remediate SCRIPT [ARG...]: run one remediation script in the doctor's mode, with ARGs
# (its --param values) and the doctor's pass-through options.
skillc_remediate() {
	skillc_first=$1
	shift
	set -- "$SKILLC_DIR/remediate/$skillc_first" "$@"
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
		# Its arguments, one per line, up to an empty line.
		set --
		while [ -n "$skillc_todo" ] && [ -n "${skillc_todo%%"$SKILLC_NL"*}" ]; do
			set -- "$@" "${skillc_todo%%"$SKILLC_NL"*}"
			skillc_todo=${skillc_todo#*"$SKILLC_NL"}
		done
		skillc_todo=${skillc_todo#"$SKILLC_NL"}
		if [ "$SKILLC_JSON" -eq 1 ]; then
			skillc_out=$(skillc_remediate "$skillc_s" "$@")
			skillc_runs_j="$skillc_runs_j${skillc_runs_j:+,}${skillc_out:-null}"
		else
			printf '  %s %s:\n' "$SKILLC_MODE" "$skillc_s"
			skillc_remediate "$skillc_s" "$@"
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

