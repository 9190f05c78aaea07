
# skillc_fs_safe PATH: whether no directory above PATH is a symbolic link that someone other
# than root (or this script's user) owns: a service user who can write a directory on the way
# could have planted it to send the step elsewhere. Warns why not. (Root's own links, such as
# macOS's /var -> private/var, are followed.)
skillc_fs_safe() {
	skillc_fs_rest=$1
	while :; do
		case $skillc_fs_rest in
			?*/) skillc_fs_rest=${skillc_fs_rest%/} ;;
			*) break ;;
		esac
	done
	skillc_fs_rest=${skillc_fs_rest#/}
	skillc_fs_p=''
	skillc_fs_me=$(id -u)
	while :; do
		case $skillc_fs_rest in
			*/*) ;;
			*) return 0 ;;
		esac
		skillc_fs_p=$skillc_fs_p/${skillc_fs_rest%%/*}
		skillc_fs_rest=${skillc_fs_rest#*/}
		if [ -L "$skillc_fs_p" ]; then
			# shellcheck disable=SC2012
			skillc_fs_uid=$(ls -ldn -- "$skillc_fs_p" 2>/dev/null | awk '{ print $3 }')
			if [ "$skillc_fs_uid" != 0 ] && [ "$skillc_fs_uid" != "$skillc_fs_me" ]; then
				skillc_warn "refusing $1: $skillc_fs_p on the way is a symbolic link owned by uid ${skillc_fs_uid:-?} (not root); nothing was changed"
				return 1
			fi
		fi
	done
}

# skillc_fs_not_link PATH WHAT: refuse (warn, fail) when PATH itself is a symbolic link, for
# an action (WHAT) that would otherwise change the file the link points to.
skillc_fs_not_link() {
	if [ -L "$1" ]; then
		skillc_warn "refusing to $2 $1: it is a symbolic link (to $(readlink -- "$1" 2>/dev/null)); skillc never follows one; nothing was changed"
		return 1
	fi
	skillc_fs_safe "$1"
}

# skillc_chmod MODE PATH: chmod(1) that never follows a symbolic link: PATH must not be one, no
# link a service user owns may lead to it, and `-h` (macOS chmod(1): "If the file is a symbolic
# link, change the mode of the link itself rather than the file that the link points to") keeps
# a link swapped in after the check from being followed.
skillc_chmod() {
	skillc_fs_not_link "$2" chmod || return 1
	chmod -h -- "$1" "$2"
}

# skillc_chown OWNER PATH: chown(1) the same way (`-h`, macOS chown(1): "If the file is a
# symbolic link, change the user ID and/or the group ID of the link itself").
skillc_chown() {
	skillc_fs_not_link "$2" chown || return 1
	chown -h -- "$1" "$2"
}

# skillc_remove PATH: rm -rf PATH (a symbolic link itself, never what it points to) when no link
# a service user owns leads to it.
skillc_remove() {
	skillc_fs_safe "$1" || return 1
	rm -rf -- "$1"
}

# skillc_truncate PATH: empty the regular file PATH in place (inode, owner and mode kept, so a
# process holding it open keeps writing to it), when it is no symbolic link and no link a service
# user owns leads to it. Opened with O_NOFOLLOW (open(2): "If the trailing component of the
# pathname is a symbolic link, open() fails"), so a link swapped in after the check is refused too;
# without O_CREAT, so nothing is created. perl, as for process groups (process.sh).
skillc_truncate() {
	skillc_fs_not_link "$1" truncate || return 1
	if [ ! -f "$1" ]; then
		skillc_warn "refusing to truncate $1: not a regular file"
		return 1
	fi
	/usr/bin/perl -MFcntl -e 'sysopen(my $f, $ARGV[0], O_WRONLY | O_TRUNC | O_NOFOLLOW) or die "cannot truncate $ARGV[0]: $!\n"' -- "$1"
}

# skillc_mkdir PATH: mkdir -p PATH when no link a service user owns leads to it.
skillc_mkdir() {
	skillc_fs_safe "$1" || return 1
	mkdir -p -- "$1"
}
