skillc_json_str() {
	printf '%s.' "$1" | LC_ALL=C awk '
		BEGIN { for (i = 1; i < 32; i++) ctl[sprintf("%c", i)] = sprintf("\\u%04x", i); out = "" }
		{
			if (NR > 1) out = out "\\n"
			n = length($0)
			for (i = 1; i <= n; i++) {
				c = substr($0, i, 1)
				if (c == "\\") out = out "\\\\"
				else if (c == "\"") out = out "\\\""
				else if (c in ctl) out = out ctl[c]
				else out = out c
			}
		}
		END { printf "\"%s\"", substr(out, 1, length(out) - 1) }'
}
