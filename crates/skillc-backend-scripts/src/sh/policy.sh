# skillc_level OUTCOME: auto 0, confirm 1, approve 2, deny 3.
skillc_level() {
	case $1 in
		auto) echo 0 ;;
		confirm) echo 1 ;;
		approve) echo 2 ;;
		*) echo 3 ;;
	esac
}

# skillc_stricter OUTCOME: OUTCOME raised to SKILLC_REQUIRE (flags and environment only raise).
skillc_stricter() {
	if [ "$(skillc_level "$SKILLC_REQUIRE")" -gt "$(skillc_level "$1")" ]; then
		echo "$SKILLC_REQUIRE"
	else
		echo "$1"
	fi
}

