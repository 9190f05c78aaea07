# SKILLC_GUI_UID: the uid whose gui/<uid> domain holds the agents. The real user's own; for root
# (sudo, a daemon) the user logged in at the console, who owns /dev/console (loginwindow gives it
# to the user who logs in, and back to root at logout); empty when that is root: nobody is
# logged in, and no gui domain exists.
SKILLC_GUI_UID=$(id -ru 2>/dev/null) || SKILLC_GUI_UID=
#@test-build
# Test builds run as the invoker they name (USER:UID).
if [ -n "${SKILLC_TEST_INVOKER:-}" ]; then
	SKILLC_GUI_UID=${SKILLC_TEST_INVOKER#*:}
fi
#@end
if [ "$SKILLC_GUI_UID" = 0 ]; then
	SKILLC_GUI_UID=$(stat -f %u /dev/console 2>/dev/null) || SKILLC_GUI_UID=
fi
case $SKILLC_GUI_UID in
	'' | 0 | *[!0-9]*) SKILLC_GUI_UID= ;;
esac

