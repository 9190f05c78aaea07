# The script's own tools come from the system directories only: a Homebrew `stat`, `nc` or `date`
# first on the caller's (or the job's) PATH takes other flags, so nothing is looked up there.
PATH=/usr/bin:/bin:/usr/sbin:/sbin
#@test-build
# Test builds put the harness's stand-ins for macOS tools first.
if [ -n "${SKILLC_TEST_PATH:-}" ]; then
	PATH=$SKILLC_TEST_PATH:$PATH
fi
#@end
export PATH
