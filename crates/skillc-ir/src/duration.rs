//! Duration strings: `250ms`, `5s`, `1m30s`, `2h`.

use std::time::Duration;

/// Parses a duration; units `h`, `m`, `s`, `ms`, each at most once, largest first.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    if text.is_empty() {
        return Err("empty duration".to_owned());
    }
    let mut total: u64 = 0;
    let mut last_rank = 0u8;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!("expected a number at `{rest}`"));
        }
        let n: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("`{}` is too large", &rest[..digits]))?;
        rest = &rest[digits..];
        if rest.starts_with(['.', ',']) {
            return Err(format!(
                "durations take whole numbers (`{text}` has a fraction): use a smaller unit, e.g. `1500ms` for `1.5s`, `90s` for `1.5m`"
            ));
        }
        let (unit_ms, rank, len) = if rest.starts_with("ms") {
            (1, 4, 2)
        } else if rest.starts_with('h') {
            (3_600_000, 1, 1)
        } else if rest.starts_with('m') {
            (60_000, 2, 1)
        } else if rest.starts_with('s') {
            (1_000, 3, 1)
        } else {
            return Err(format!(
                "missing or unknown unit after `{n}` (use ms, s, m or h)"
            ));
        };
        if rank <= last_rank {
            return Err("units must appear once each, largest first (e.g. `1m30s`)".to_owned());
        }
        last_rank = rank;
        rest = &rest[len..];
        total = n
            .checked_mul(unit_ms)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| "duration is too large".to_owned())?;
    }
    Ok(Duration::from_millis(total))
}

/// Canonical text of a duration (`1m30s`, `250ms`, `0s`).
pub fn format_duration(d: Duration) -> String {
    let mut ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    if ms == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for (unit, name) in [(3_600_000, "h"), (60_000, "m"), (1_000, "s"), (1, "ms")] {
        if ms >= unit {
            out.push_str(&format!("{}{name}", ms / unit));
            ms %= unit;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decimal_is_said_to_be_one() {
        let e = parse_duration("1.5s").expect_err("decimal");
        assert!(
            e.starts_with("durations take whole numbers (`1.5s` has a fraction)"),
            "{e}"
        );
        assert!(e.contains("`1500ms` for `1.5s`"), "{e}");
    }

    #[test]
    fn parses_units_and_combinations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(
            parse_duration("1h1m1s1ms"),
            Ok(Duration::from_millis(3_661_001))
        );
    }

    #[test]
    fn rejects_bad_forms() {
        for bad in [
            "",
            "5",
            "s",
            "5x",
            "30s1m",
            "1s1s",
            "-1s",
            "1.5s",
            "99999999999999999999s",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_canonically_and_round_trips() {
        for text in ["0s", "250ms", "1m30s", "2h", "1h1m1s1ms"] {
            let d = parse_duration(text).expect("valid");
            assert_eq!(format_duration(d), text);
        }
    }
}
