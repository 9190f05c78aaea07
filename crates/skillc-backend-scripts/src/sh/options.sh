# skillc_usage CODE
skillc_usage() {
	skillc_warn "usage: $0 [--apply] [--json] [--detect] [--require confirm|approve|deny] [--token TOKEN]... [--wait SECONDS] [--param NAME=VALUE]... [--client NAME] [--confirmed PLAN_HASH]"
	exit "$1"
}

# skillc_set_require OUTCOME: raise SKILLC_REQUIRE (never lowers it).
skillc_set_require() {
	case $1 in
		auto | confirm | approve | deny) ;;
		*)
			skillc_warn "--require / SKILLC_REQUIRE must be auto, confirm, approve or deny"
			exit 64
			;;
	esac
	if [ "$(skillc_level "$1")" -gt "$(skillc_level "$SKILLC_REQUIRE")" ]; then
		SKILLC_REQUIRE=$1
	fi
}

