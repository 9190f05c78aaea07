//! `skillc approve`: mint a one-time approval token that a generated remediation script verifies
//! offline (format in `crates/skillc-backend-scripts/src/token.rs`).

use crate::cli::ApproveArgs;
use crate::exit;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MAX_VALIDITY: Duration = Duration::from_secs(24 * 3600);

fn is_ref(s: &str) -> bool {
    s.split_once('/').is_some_and(|(f, i)| {
        let id = |x: &str| {
            x.starts_with(|c: char| c.is_ascii_lowercase())
                && x.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        id(f) && id(i)
    })
}

pub(crate) fn run(args: &ApproveArgs) -> u8 {
    let fail = |m: String| {
        eprintln!("skillc: error: {m}");
        exit::USAGE
    };
    if !is_ref(&args.skill) || !is_ref(&args.target) {
        return fail("--skill and --target are `family/id`".to_owned());
    }
    if args.plan_hash.is_empty() || !args.plan_hash.chars().all(|c| c.is_ascii_hexdigit()) {
        return fail("--plan-hash is the hex hash the script printed in plan mode".to_owned());
    }
    let validity = match skillc_ir::duration::parse_duration(&args.expires_in) {
        Ok(d) if d > Duration::ZERO && d <= MAX_VALIDITY => d,
        Ok(_) => return fail("--expires-in must be more than 0 and at most 24h".to_owned()),
        Err(e) => return fail(format!("--expires-in: {e}")),
    };
    let text = match std::fs::read_to_string(&args.key) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read {}: {e}", args.key.display())),
    };
    let key = text.lines().next().unwrap_or("").trim();
    if key.len() < 32 {
        return fail(format!(
            "{}: the key (first line) must be at least 32 characters",
            args.key.display()
        ));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let expires = (now + validity).as_secs();
    println!(
        "{}",
        skillc_backend_scripts::mint_token(
            key.as_bytes(),
            &args.skill,
            &args.target,
            &args.plan_hash.to_lowercase(),
            expires
        )
    );
    exit::OK
}
