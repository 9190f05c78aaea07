# ---- a clean environment (docs/security.md) ---------------------------------------------------
# Nothing in the caller's environment is trusted. Until the script runs under `env -i`, it uses
# only reserved words, special builtins (which no shell function can replace in a POSIX shell),
# `test` and `printf` once `unset -f` has dropped any function of that name, and tools by
# absolute path. bash imports shell functions from the environment (BASH_FUNC_*):
# `unset -f` drops the ones named like the builtins used below, and the re-exec drops them all.
unset -f printf echo test read command cd pwd kill wait umask type true false getopts 2>/dev/null
IFS=' 	
'
SKILLC_SYSPATH=/usr/bin:/bin:/usr/sbin:/sbin
#@normal-build
# Location overrides exist only in scripts built for tests (skillc build --test-build).
if test -n "${SKILLC_AUDIT_LOG+x}${SKILLC_STATE_DIR+x}${SKILLC_APPROVERS_DIR+x}${SKILLC_ALLOWED_SIGNERS+x}${SKILLC_TEST_PATH+x}${SKILLC_TEST_SHELL+x}${SKILLC_TEST_INVOKER+x}"; then
	printf 'skillc: %s\n' "SKILLC_AUDIT_LOG, SKILLC_STATE_DIR, SKILLC_APPROVERS_DIR, SKILLC_ALLOWED_SIGNERS and SKILLC_TEST_* are honoured only by scripts built for tests (skillc build --test-build); this script keeps its fixed locations: unset them and run it again" >&2
	exit 64
fi
#@end
# Clean when every variable is one the script expects (names only: it sets the values it uses).
# A value holding a newline shows up as an unexpected name, which is safe: it re-executes.
set -f
skillc_env_ok=1
for skillc_v in $(/usr/bin/env | /usr/bin/sed 's/=.*//'); do
	case $skillc_v in
		PATH | LC_ALL | HOME | SKILLC_ENV_PASS | SKILLC_REQUIRE | SUDO_USER | SUDO_UID | PWD | OLDPWD | SHLVL | LOGNAME | _) ;;
		#@test-build
		SKILLC_*) ;;
		#@end
		*) skillc_env_ok=0 ;;
	esac
done
set +f
if test "$skillc_env_ok" -eq 0; then
	if test "${SKILLC_ENV_PASS:-}" = 1; then
		printf 'skillc: %s\n' "cannot run in a clean environment (variables remain after env -i); refusing to run" >&2
		exit 78
	fi
	# SUDO_USER and SUDO_UID name the invoker under sudo (trusted only when running as root);
	# SKILLC_REQUIRE can only make the policy stricter.
	case ${SUDO_USER-}:${SUDO_UID-} in
		*[!A-Za-z0-9._-]*:* | -*:* | *:*[!0-9]*) unset SUDO_USER SUDO_UID ;;
	esac
	#@test-build
	# Test builds keep the harness's SKILLC_* variables and may name the shell to re-run under.
	# shellcheck disable=SC2086
	exec /usr/bin/env -i SKILLC_ENV_PASS=1 PATH="$SKILLC_SYSPATH" LC_ALL=C HOME=/var/empty \
		${SUDO_USER+"SUDO_USER=$SUDO_USER"} ${SUDO_UID+"SUDO_UID=$SUDO_UID"} \
		${SKILLC_REQUIRE+"SKILLC_REQUIRE=$SKILLC_REQUIRE"} \
		${SKILLC_AUDIT_LOG+"SKILLC_AUDIT_LOG=$SKILLC_AUDIT_LOG"} \
		${SKILLC_STATE_DIR+"SKILLC_STATE_DIR=$SKILLC_STATE_DIR"} \
		${SKILLC_ALLOWED_SIGNERS+"SKILLC_ALLOWED_SIGNERS=$SKILLC_ALLOWED_SIGNERS"} \
		${SKILLC_TEST_PATH+"SKILLC_TEST_PATH=$SKILLC_TEST_PATH"} \
		${SKILLC_TEST_SHELL+"SKILLC_TEST_SHELL=$SKILLC_TEST_SHELL"} \
		${SKILLC_TEST_INVOKER+"SKILLC_TEST_INVOKER=$SKILLC_TEST_INVOKER"} \
		${SKILLC_FAKE_LAUNCHD+"SKILLC_FAKE_LAUNCHD=$SKILLC_FAKE_LAUNCHD"} \
		${SKILLC_TEST_SHELL:-/bin/sh} "$0" "$@"
	#@end
	#@normal-build
	exec /usr/bin/env -i SKILLC_ENV_PASS=1 PATH="$SKILLC_SYSPATH" LC_ALL=C HOME=/var/empty \
		${SUDO_USER+"SUDO_USER=$SUDO_USER"} ${SUDO_UID+"SUDO_UID=$SUDO_UID"} \
		${SKILLC_REQUIRE+"SKILLC_REQUIRE=$SKILLC_REQUIRE"} \
		/bin/sh "$0" "$@"
	#@end
fi
unset skillc_env_ok skillc_v
PATH=$SKILLC_SYSPATH
#@test-build
if [ -n "${SKILLC_TEST_PATH:-}" ]; then
	PATH=$SKILLC_TEST_PATH:$SKILLC_SYSPATH
fi
#@end
export PATH
LC_ALL=C
HOME=/var/empty
export LC_ALL HOME
# A fixed umask, never the caller's: what steps create is not writable by others. skillc's own
# state and audit log are created under umask 077 (skillc_safe_dir, skillc_open_audit).
umask 022
