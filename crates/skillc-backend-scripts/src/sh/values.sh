
# skillc_check_value NAME TYPE VALUE: whether the run-time value VALUE of parameter NAME (of
# TYPE: string, path, int, bool, duration or service) may reach a command (an empty value is a
# missing one: exit 64 before this). Refused: a value that starts with `-` (a command would take
# it for an option); one holding a control character or a newline; a path that is not absolute
# or has a `.` or `..` component; an int that is not at most 9 decimal digits; a bool that is
# not true or false. The first refusal is kept in SKILLC_BAD_VALUE (the run stops with 65 once
# the audit log is open; nothing has run).
skillc_check_value() {
	[ -z "$SKILLC_BAD_VALUE" ] || return 0
	skillc_cv_why=''
	case $3 in
		-*) skillc_cv_why='starts with "-" (a command would take it for an option)' ;;
		*[[:cntrl:]]*) skillc_cv_why='holds a control character or a newline' ;;
	esac
	if [ -z "$skillc_cv_why" ]; then
		case $2 in
			path) skillc_cv_why=$(skillc_path_problem "$3") ;;
			int)
				case $3 in
					*[!0123456789]* | ??????????*) skillc_cv_why='is not a non-negative integer of at most 9 digits' ;;
				esac
				;;
			bool)
				case $3 in
					true | false) ;;
					*) skillc_cv_why='is not true or false' ;;
				esac
				;;
		esac
	fi
	if [ -n "$skillc_cv_why" ]; then
		SKILLC_BAD_VALUE="\"param\":$(skillc_json_str "$1"),\"type\":\"$2\",\"value\":$(skillc_json_str "$3"),\"reason\":$(skillc_json_str "$skillc_cv_why")"
		SKILLC_BAD_TEXT="the value of --param $1 $skillc_cv_why"
	fi
}

# skillc_check_path STEP ARG PATH: whether PATH, a path argument of step STEP expanded from
# run-time values, stays where the skill put it: absolute, without a `.` or `..` component.
skillc_check_path() {
	[ -z "$SKILLC_BAD_VALUE" ] || return 0
	skillc_cv_why=$(skillc_path_problem "$3")
	if [ -n "$skillc_cv_why" ]; then
		SKILLC_BAD_VALUE="\"step\":$(skillc_json_str "$1"),\"arg\":$(skillc_json_str "$2"),\"type\":\"path\",\"value\":$(skillc_json_str "$3"),\"reason\":$(skillc_json_str "$skillc_cv_why")"
		SKILLC_BAD_TEXT="the $2 of step $1 ($(skillc_json_str "$3")) $skillc_cv_why"
	fi
}

# skillc_path_problem PATH: why PATH is not an absolute path without `.` or `..` components
# (nothing when it is).
skillc_path_problem() {
	case $1 in
		/*) ;;
		*)
			printf 'is not an absolute path'
			return 0
			;;
	esac
	case /$1/ in
		*/../* | */./*) printf 'has a "." or ".." component (it could leave the directory the skill names)' ;;
	esac
}

# skillc_refuse_value: stop a run whose run-time values were refused (65, nothing has run and no
# approval was consumed), audited as a value_refused event.
skillc_refuse_value() {
	skillc_audit value_refused "$SKILLC_BAD_VALUE"
	skillc_die 65 bad_value "$SKILLC_BAD_TEXT; nothing was run"
}
