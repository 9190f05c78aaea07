//! Schedules: `every`, `calendar`, and `cron` strings expanded into calendar entries.

use super::context::Cx;
use crate::model::{Calendar, Schedule, Spanned};
use crate::rules;
use skillc_diagnostics::FileId;
use skillc_syntax::Sp;
use skillc_syntax::ast;

/// More calendar entries than this is almost certainly a mistake (launchd wakes for each).
const MAX_CALENDAR_ENTRIES: usize = 256;

pub(crate) fn lower_schedule(
    cx: &mut Cx<'_>,
    file: FileId,
    s: &Sp<ast::Schedule>,
) -> Option<Spanned<Schedule>> {
    let span = s.span(file);
    let forms = usize::from(s.every.is_some())
        + usize::from(s.calendar.is_some())
        + usize::from(s.cron.is_some());
    if forms != 1 {
        cx.emit(
            rules::INVALID_SCHEDULE
                .finding("a schedule needs exactly one of `every`, `calendar`, `cron`")
                .at(span, format!("{forms} forms given"))
                .with_help("keep one form; a cron string can express most calendars"),
        );
        return None;
    }
    if let Some(every) = &s.every {
        let d = cx.duration(file, every)?;
        if d.value.as_secs() == 0 {
            cx.emit(
                rules::INVALID_SCHEDULE
                    .finding("`every` must be at least 1s")
                    .at(d.span, "launchd's StartInterval counts whole seconds")
                    .with_help("use a whole number of seconds, at least `1s`"),
            );
            return None;
        }
        return Some(Spanned::new(Schedule::Every(d.value), span));
    }
    if let Some(entries) = &s.calendar {
        // Every entry is checked, so that each bad one is reported in the same run.
        let mut out = Vec::new();
        let mut all_ok = true;
        for e in entries {
            match calendar_entry(cx, file, e) {
                Some(c) => out.push(c),
                None => all_ok = false,
            }
        }
        if !all_ok {
            return None;
        }
        if out.is_empty() {
            cx.emit(
                rules::INVALID_SCHEDULE
                    .finding("`calendar` is empty")
                    .at(span, "no entries")
                    .with_help("add at least one entry, e.g. `{ minute: 0, hour: 7 }`"),
            );
            return None;
        }
        return Some(Spanned::new(Schedule::Calendar(out), span));
    }
    let cron = s.cron.as_ref()?;
    match expand_cron(&cron.value) {
        Ok(entries) => Some(Spanned::new(Schedule::Calendar(entries), span)),
        Err(why) => {
            cx.emit(
                rules::INVALID_SCHEDULE.finding(format!("invalid cron `{}`: {why}", cron.value),
                )
                .at(cron.span(file), "cannot expand")
                .with_help(
                    "five fields: minute hour day-of-month month day-of-week, e.g. `0 7 * * 1-5`",
                ),
            );
            None
        }
    }
}

fn calendar_entry(cx: &mut Cx<'_>, file: FileId, e: &Sp<ast::CalendarEntry>) -> Option<Calendar> {
    let mut ok = true;
    let mut field = |v: &Option<Sp<u32>>, name: &str, lo: u32, hi: u32| -> Option<u32> {
        let v = v.as_ref()?;
        if v.value < lo || v.value > hi {
            ok = false;
            cx.emit(
                rules::INVALID_SCHEDULE
                    .finding(format!("`{name}` must be {lo}–{hi}, not {}", v.value))
                    .at(v.span(file), "out of range")
                    .with_help("launchd ignores entries it cannot match; fix the value"),
            );
        }
        Some(v.value)
    };
    let entry = Calendar {
        minute: field(&e.minute, "minute", 0, 59),
        hour: field(&e.hour, "hour", 0, 23),
        day: field(&e.day, "day", 1, 31),
        weekday: field(&e.weekday, "weekday", 0, 7),
        month: field(&e.month, "month", 1, 12),
    };
    ok.then_some(entry)
}

/// Expands a five-field cron expression into launchd calendar dicts. A `*` field becomes an
/// absent key. When both day-of-month and day-of-week are restricted, cron runs on either, so
/// the entries for each are emitted separately.
pub(crate) fn expand_cron(text: &str) -> Result<Vec<Calendar>, String> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("expected 5 fields, found {}", fields.len()));
    }
    let minute = cron_field(fields[0], 0, 59, "minute")?;
    let hour = cron_field(fields[1], 0, 23, "hour")?;
    let day = cron_field(fields[2], 1, 31, "day-of-month")?;
    let month = cron_field(fields[3], 1, 12, "month")?;
    let weekday = cron_field(fields[4], 0, 7, "day-of-week")?;
    let mut out = Vec::new();
    let day_sets: Vec<DaySets> = match (&day, &weekday) {
        (Some(_), Some(_)) => vec![(day.clone(), None), (None, weekday.clone())],
        _ => vec![(day.clone(), weekday.clone())],
    };
    for (days, weekdays) in day_sets {
        for mi in options(minute.as_ref()) {
            for h in options(hour.as_ref()) {
                for d in options(days.as_ref()) {
                    for mo in options(month.as_ref()) {
                        for w in options(weekdays.as_ref()) {
                            out.push(Calendar {
                                minute: mi,
                                hour: h,
                                day: d,
                                weekday: w,
                                month: mo,
                            });
                            if out.len() > MAX_CALENDAR_ENTRIES {
                                return Err(format!(
                                    "expands to more than {MAX_CALENDAR_ENTRIES} calendar entries; use `every` or fewer values"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Day-of-month values and day-of-week values of one expansion (`None` = every).
type DaySets = (Option<Vec<u32>>, Option<Vec<u32>>);

fn options(values: Option<&Vec<u32>>) -> Vec<Option<u32>> {
    match values {
        None => vec![None],
        Some(v) => v.iter().map(|x| Some(*x)).collect(),
    }
}

/// `None` for `*`; otherwise the sorted values of lists, ranges and steps.
fn cron_field(field: &str, lo: u32, hi: u32, name: &str) -> Result<Option<Vec<u32>>, String> {
    if field == "*" {
        return Ok(None);
    }
    let mut values = Vec::new();
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("bad step in {name} `{part}`"))?,
            ),
            None => (part, 1),
        };
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (num(a, name)?, num(b, name)?)
        } else {
            let v = num(range, name)?;
            (v, if part.contains('/') { hi } else { v })
        };
        if a < lo || b > hi || a > b {
            return Err(format!("{name} `{part}` is outside {lo}–{hi}"));
        }
        values.extend((a..=b).step_by(step as usize));
    }
    values.sort_unstable();
    values.dedup();
    Ok(Some(values))
}

fn num(s: &str, name: &str) -> Result<u32, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not a number in {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(minute: u32, hour: u32, weekday: Option<u32>) -> Calendar {
        Calendar {
            minute: Some(minute),
            hour: Some(hour),
            weekday,
            ..Calendar::default()
        }
    }

    #[test]
    fn expands_weekday_ranges() {
        let e = expand_cron("0 7 * * 1-5").expect("valid");
        assert_eq!(e, (1..=5).map(|d| cal(0, 7, Some(d))).collect::<Vec<_>>());
    }

    #[test]
    fn stars_become_absent_keys_and_steps_expand() {
        let e = expand_cron("*/15 * * * *").expect("valid");
        let minutes: Vec<_> = e.iter().map(|c| c.minute).collect();
        assert_eq!(minutes, vec![Some(0), Some(15), Some(30), Some(45)]);
        assert!(e.iter().all(|c| c.hour.is_none() && c.weekday.is_none()));
    }

    #[test]
    fn day_of_month_and_weekday_are_alternatives() {
        let e = expand_cron("0 0 1 * 0").expect("valid");
        assert_eq!(e.len(), 2);
        assert!(e.iter().any(|c| c.day == Some(1) && c.weekday.is_none()));
        assert!(e.iter().any(|c| c.weekday == Some(0) && c.day.is_none()));
    }

    #[test]
    fn every_minute_is_one_empty_entry() {
        assert_eq!(expand_cron("* * * * *"), Ok(vec![Calendar::default()]));
    }

    #[test]
    fn rejects_bad_fields_and_explosions() {
        for bad in [
            "0 7 * *",
            "60 * * * *",
            "0 24 * * *",
            "0 7 * * 8",
            "a * * * *",
            "*/0 * * * *",
            "*/1 */1 * * *",
        ] {
            assert!(expand_cron(bad).is_err(), "{bad}");
        }
    }
}
