
# skillc_trusted PATH WHAT: whether PATH (which exists) is safe to read or write for this run: not
# a symbolic link, and PATH and every directory above it (on its physical path) owned by root or
# by this script's user and writable by no one else, except root-owned sticky directories such as
# /tmp above it; an access control list (`+` after the mode, ls(1)) is refused. Warns why not.
skillc_trusted() {
	if [ -L "$1" ]; then
		skillc_warn "refusing the $2 $1: it is a symbolic link"
		return 1
	fi
	if [ -d "$1" ]; then
		skillc_t_p=$(cd -P -- "$1" 2>/dev/null && pwd -P) || {
			skillc_warn "refusing the $2 $1: cannot resolve it"
			return 1
		}
	else
		case $1 in
			*/*) skillc_t_d=${1%/*} ;;
			*) skillc_t_d=. ;;
		esac
		skillc_t_p=$(cd -P -- "${skillc_t_d:-/}" 2>/dev/null && pwd -P) || {
			skillc_warn "refusing the $2 $1: cannot resolve its directory"
			return 1
		}
		skillc_t_p=${skillc_t_p%/}/${1##*/}
	fi
	skillc_t_me=$(id -u)
	skillc_t_leaf=1
	while :; do
		# ls -ldn: mode, links, numeric owner (ls(1) on macOS and GNU alike; stat(1) differs
		# between BSD and GNU, and find -printf is GNU only).
		# shellcheck disable=SC2012
		skillc_t_l=$(ls -ldn -- "$skillc_t_p" 2>/dev/null | awk '{ print $1, $3 }')
		skillc_t_mode=${skillc_t_l%% *}
		skillc_t_uid=${skillc_t_l#* }
		skillc_t_why=''
		case $skillc_t_mode in
			'') skillc_t_why='cannot be read' ;;
			*+) skillc_t_why='has an access control list' ;;
		esac
		if [ -z "$skillc_t_why" ] && [ "$skillc_t_uid" != 0 ] && [ "$skillc_t_uid" != "$skillc_t_me" ]; then
			skillc_t_why="is owned by uid $skillc_t_uid (not root or uid $skillc_t_me)"
		fi
		if [ -z "$skillc_t_why" ]; then
			case $skillc_t_mode in
				?????w* | ????????w*)
					# A root-owned sticky directory above PATH (/tmp): others cannot rename or
					# remove what is in it.
					case $skillc_t_leaf:$skillc_t_uid:$skillc_t_mode in
						0:0:?????????[tT]*) ;;
						*) skillc_t_why='is writable by group or others' ;;
					esac
					;;
			esac
		fi
		if [ -n "$skillc_t_why" ]; then
			if [ "$skillc_t_leaf" -eq 1 ]; then
				skillc_warn "refusing the $2 $1: it $skillc_t_why"
			else
				skillc_warn "refusing the $2 $1: $skillc_t_p above it $skillc_t_why"
			fi
			return 1
		fi
		[ "$skillc_t_p" != / ] || return 0
		skillc_t_p=${skillc_t_p%/*}
		skillc_t_p=${skillc_t_p:-/}
		skillc_t_leaf=0
	done
}

# skillc_safe_dir DIR WHAT: create DIR (mode 0700 under this script's umask) if missing, then
# require skillc_trusted; exit 78 when it is not.
skillc_safe_dir() {
	if [ ! -d "$1" ] && [ ! -L "$1" ]; then
		(umask 077 && mkdir -p -- "$1") 2>/dev/null || skillc_die 73 error "cannot create the $2 $1"
	fi
	skillc_trusted "$1" "$2" || skillc_die 78 unsafe_location "the $2 must be owned by root (or this script's user), not writable by others and not a symbolic link; nothing was changed"
}

# skillc_invoker: who runs this script. Under sudo (real uid 0 and SUDO_USER set) the user who
# called sudo, else the real user. Sets SKILLC_INVOKER, SKILLC_INVOKER_UID and the audit field.
skillc_invoker() {
	SKILLC_INVOKER=$(id -run 2>/dev/null) || SKILLC_INVOKER=''
	SKILLC_INVOKER_UID=$(id -ru)
	if [ "$SKILLC_INVOKER_UID" = 0 ] && [ -n "${SUDO_USER:-}" ]; then
		case ${SUDO_UID:-x}:$SUDO_USER in
			*[!0-9]*:* | :* | *:*[!A-Za-z0-9._-]* | *:-*) ;;
			*)
				SKILLC_INVOKER=$SUDO_USER
				SKILLC_INVOKER_UID=$SUDO_UID
				;;
		esac
	fi
	#@test-build
	# Test builds may name the invoker (USER:UID), so that tests run as any user.
	if [ -n "${SKILLC_TEST_INVOKER:-}" ]; then
		SKILLC_INVOKER=${SKILLC_TEST_INVOKER%%:*}
		SKILLC_INVOKER_UID=${SKILLC_TEST_INVOKER#*:}
		case $SKILLC_INVOKER_UID in
			'' | *[!0-9]*) SKILLC_INVOKER_UID=0 ;;
		esac
	fi
	#@end
	SKILLC_J_INVOKER="\"invoker\":{\"user\":$(skillc_json_str "$SKILLC_INVOKER"),\"uid\":$SKILLC_INVOKER_UID}"
}

# skillc_set_client NAME: --client, the program that runs this script for someone (skillc mcp
# passes the MCP client's name): 1-64 of A-Z a-z 0-9 . _ @ + -, not starting with -; recorded in
# the invoker of every audit line and of the --json result.
skillc_set_client() {
	case $1 in
		'' | -* | *[!A-Za-z0-9._@+-]*)
			skillc_warn "--client must be 1-64 of A-Z a-z 0-9 . _ @ + - (not starting with -)"
			exit 64
			;;
	esac
	[ "${#1}" -le 64 ] || {
		skillc_warn "--client must be 1-64 of A-Z a-z 0-9 . _ @ + - (not starting with -)"
		exit 64
	}
	SKILLC_CLIENT=$1
	SKILLC_J_INVOKER="\"invoker\":{\"user\":$(skillc_json_str "$SKILLC_INVOKER"),\"uid\":$SKILLC_INVOKER_UID,\"client\":\"$SKILLC_CLIENT\"}"
}

# skillc_check_runner: with --apply, refuse (exit 77) unless the policy's runners let the invoker
# run this skill (SKILLC_RUNNERS: the allowed user names, one per line; '*' when unrestricted).
skillc_check_runner() {
	[ "$SKILLC_RUNNERS" != '*' ] || return 0
	skillc_r=$SKILLC_RUNNERS
	while [ -n "$skillc_r" ]; do
		skillc_u=${skillc_r%%"$SKILLC_NL"*}
		skillc_r=${skillc_r#"$skillc_u"}
		skillc_r=${skillc_r#"$SKILLC_NL"}
		if [ "$skillc_u" = "$SKILLC_INVOKER" ]; then
			return 0
		fi
	done
	skillc_audit runner '"status":"not_a_runner"'
	skillc_die 77 not_a_runner "$SKILLC_INVOKER is not in a role the policy lets run $SKILLC_SKILL (runners); nothing was changed"
}

# skillc_open_audit: make the audit log usable if its directory and the file are safe
# (skillc_trusted). Required to apply (exit 78 when unsafe, 73 when it cannot be written); plan
# mode goes on without it, and says so.
skillc_open_audit() {
	skillc_a_dir=${SKILLC_AUDIT_LOG%/*}
	skillc_a_why=73
	if { [ -d "$skillc_a_dir" ] || (umask 077 && mkdir -p -- "$skillc_a_dir") 2>/dev/null; }; then
		skillc_a_why=78
		if skillc_trusted "$skillc_a_dir" 'audit log directory' &&
			{ { [ ! -e "$SKILLC_AUDIT_LOG" ] && [ ! -L "$SKILLC_AUDIT_LOG" ]; } ||
				{ [ -f "$SKILLC_AUDIT_LOG" ] && skillc_trusted "$SKILLC_AUDIT_LOG" 'audit log'; }; }; then
			skillc_a_why=73
			if (umask 077 && : >>"$SKILLC_AUDIT_LOG") 2>/dev/null; then
				SKILLC_AUDIT_OK=1
				return 0
			fi
		fi
	fi
	if [ "$SKILLC_MODE" = apply ]; then
		skillc_die "$skillc_a_why" error "cannot use the audit log $SKILLC_AUDIT_LOG; nothing was changed"
	fi
	skillc_warn "cannot use the audit log $SKILLC_AUDIT_LOG; plan mode continues without it"
}
