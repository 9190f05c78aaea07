//! Approval tokens: an OpenSSH signature (`ssh-keygen -Y sign`, namespace [`NAMESPACE`]) made by
//! an approver on their own machine over a canonical statement of what is approved. The host
//! holds public keys only, in an OpenSSH `allowed_signers` file ([`ALLOWED_SIGNERS`]), and the
//! generated scripts verify with `ssh-keygen -Y verify`: no signing material is ever on the host.
//!
//! Token (one line, ASCII, no spaces; `:` never occurs inside a field):
//!
//! `skillc2:<skill>:<target>:<plan_hash>:<expires>:<nonce>:<approver>:<signature>`
//!
//! * `skill`, `target`: `family/id` (lowercase letters, digits, `-`);
//! * `plan_hash`: the 64 lowercase hex digits the script printed in plan mode;
//! * `expires`: Unix time (seconds) after which the token is refused;
//! * `nonce`: 32 lowercase hex digits, random; a script records it under its state dir's
//!   `used-tokens/` (with `mkdir`, atomic), so a token works once;
//! * `approver`: the principal, a name of the trust file and of a policy role ([`valid_principal`]);
//! * `signature`: the body of the armored SSH signature, its lines joined into one base64 line.
//!
//! The signed message is [`Approval::message`]: fixed line framing, one `key=value` line per
//! field; every field is validated so that none can hold a newline (or a `:`), which makes the
//! statement unambiguous. The script rebuilds it from its own skill, target and plan hash.

/// Where generated scripts read the trust file (OpenSSH `allowed_signers`).
pub(crate) const ALLOWED_SIGNERS: &str = "/usr/local/etc/skillc/allowed_signers";

/// The `ssh-keygen -Y` namespace of approvals (a signature made for anything else never verifies).
pub const NAMESPACE: &str = "skillc-approval";

/// The token format version prefix.
pub const TOKEN_PREFIX: &str = "skillc2";

/// The first line of the signed statement.
pub const MESSAGE_VERSION: &str = "skillc-approval-v2";

const ARMOR_BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const ARMOR_END: &str = "-----END SSH SIGNATURE-----";

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// What one token approves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// `family/skill`.
    pub skill: String,
    /// `family/service`.
    pub target: String,
    /// The plan hash (64 lowercase hex digits).
    pub plan_hash: String,
    /// Unix seconds after which the token is refused.
    pub expires: u64,
    /// 32 lowercase hex digits.
    pub nonce: String,
    /// The approver (a principal of the trust file).
    pub approver: String,
}

/// `family/id`: each part a lowercase letter then lowercase letters, digits and `-`.
pub fn valid_ref(s: &str) -> bool {
    s.split_once('/').is_some_and(|(f, i)| {
        let id = |x: &str| {
            x.starts_with(|c: char| c.is_ascii_lowercase())
                && x.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        id(f) && id(i)
    })
}

/// An approver name a token may carry: 1 to 64 characters, a letter or digit first, then letters,
/// digits and `.` `_` `@` `-` (no space, newline, `:`, `,`, `*`, `?`, quote or `/`).
pub fn valid_principal(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-'))
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

fn is_base64(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 16_384
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
}

impl Approval {
    /// Why this approval cannot be signed or shown, if it cannot.
    pub fn validate(&self) -> Result<(), String> {
        if !valid_ref(&self.skill) {
            return Err(format!("the skill `{}` is not `family/id`", self.skill));
        }
        if !valid_ref(&self.target) {
            return Err(format!("the target `{}` is not `family/id`", self.target));
        }
        if !is_lower_hex(&self.plan_hash, 64) {
            return Err("the plan hash is not 64 lowercase hex digits".to_owned());
        }
        if !is_lower_hex(&self.nonce, 32) {
            return Err("the nonce is not 32 lowercase hex digits".to_owned());
        }
        if !valid_principal(&self.approver) {
            return Err(format!(
                "the approver `{}` is not a valid name (1-64 of A-Z a-z 0-9 . _ @ -, a letter or digit first)",
                self.approver
            ));
        }
        Ok(())
    }

    /// The statement that is signed (and that a script rebuilds): one `key=value` line per field.
    pub fn message(&self) -> String {
        format!(
            "{MESSAGE_VERSION}\nskill={}\ntarget={}\nplan={}\nexpires={}\nnonce={}\napprover={}\n",
            self.skill, self.target, self.plan_hash, self.expires, self.nonce, self.approver
        )
    }

    /// The token for this approval with `armored`, the output of `ssh-keygen -Y sign`.
    pub fn token(&self, armored: &str) -> Result<String, String> {
        self.validate()?;
        let body = dearmor(armored)?;
        Ok(format!(
            "{TOKEN_PREFIX}:{}:{}:{}:{}:{}:{}:{body}",
            self.skill, self.target, self.plan_hash, self.expires, self.nonce, self.approver
        ))
    }
}

/// The base64 body of an armored SSH signature, on one line.
pub fn dearmor(armored: &str) -> Result<String, String> {
    let t = armored.trim();
    let inner = t
        .strip_prefix(ARMOR_BEGIN)
        .and_then(|r| r.strip_suffix(ARMOR_END))
        .ok_or_else(|| "the signature is not an armored SSH signature".to_owned())?;
    let body: String = inner.split_whitespace().collect();
    if !is_base64(&body) {
        return Err("the signature's body is not base64".to_owned());
    }
    Ok(body)
}

/// The armored signature (as `ssh-keygen -Y verify -s` reads it) of a token's one-line body.
pub fn armor(body: &str) -> String {
    format!("{ARMOR_BEGIN}\n{body}\n{ARMOR_END}\n")
}

/// Parses a token into what it approves and its signature body (not verified: that takes the
/// host's trust file; see the generated scripts' `skillc_check_tokens`).
pub fn parse_token(token: &str) -> Result<(Approval, String), String> {
    let fields: Vec<&str> = token.trim().split(':').collect();
    let [prefix, skill, target, plan, expires, nonce, approver, sig] = fields[..] else {
        return Err(format!(
            "a token has 8 `:`-separated fields starting with `{TOKEN_PREFIX}`; this one has {}",
            fields.len()
        ));
    };
    if prefix != TOKEN_PREFIX {
        return Err(format!(
            "not a {TOKEN_PREFIX} token (it starts with `{}`)",
            prefix.chars().take(16).collect::<String>()
        ));
    }
    if expires.is_empty() || expires.len() > 12 || !expires.chars().all(|c| c.is_ascii_digit()) {
        return Err("the expiry is not Unix seconds".to_owned());
    }
    let a = Approval {
        skill: skill.to_owned(),
        target: target.to_owned(),
        plan_hash: plan.to_owned(),
        expires: expires.parse().map_err(|_| "the expiry is out of range")?,
        nonce: nonce.to_owned(),
        approver: approver.to_owned(),
    };
    a.validate()?;
    if !is_base64(sig) {
        return Err("the signature is not base64".to_owned());
    }
    Ok((a, sig.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Approval {
        Approval {
            skill: "fam/skill".to_owned(),
            target: "fam/svc".to_owned(),
            plan_hash: "ab".repeat(32),
            expires: 42,
            nonce: "0f".repeat(16),
            approver: "alice@example.org".to_owned(),
        }
    }

    #[test]
    fn token_round_trips() {
        let a = sample();
        let armored = format!("{ARMOR_BEGIN}\nU1NIU0lH\nAAAA\n{ARMOR_END}\n");
        let t = a.token(&armored).expect("token");
        assert!(t.starts_with("skillc2:fam/skill:fam/svc:"), "{t}");
        assert!(!t.contains('\n'));
        let (b, sig) = parse_token(&t).expect("parse");
        assert_eq!(a, b);
        assert_eq!(sig, "U1NIU0lHAAAA");
        assert_eq!(
            armor(&sig),
            format!("{ARMOR_BEGIN}\nU1NIU0lHAAAA\n{ARMOR_END}\n")
        );
    }

    #[test]
    fn message_has_one_line_per_field() {
        let m = sample().message();
        assert_eq!(m.lines().count(), 7);
        assert!(m.starts_with("skillc-approval-v2\nskill=fam/skill\n"));
        assert!(m.ends_with("approver=alice@example.org\n"));
    }

    #[test]
    fn refuses_fields_that_could_break_the_framing() {
        for bad in [
            "al\nice", "al:ice", "", "-alice", "a,b", "a*", "a b", "../x",
        ] {
            let mut a = sample();
            a.approver = bad.to_owned();
            assert!(a.validate().is_err(), "{bad:?}");
        }
        let mut a = sample();
        a.skill = "fam/sk\nill".to_owned();
        assert!(a.validate().is_err());
        let mut a = sample();
        a.plan_hash = "AB".repeat(32);
        assert!(a.validate().is_err());
        for t in [
            "skillc1.abc.42.def",
            "skillc2:fam/s:fam/t",
            "skillc2:fam/s:fam/t:x:1:y:alice:sig:extra",
        ] {
            assert!(parse_token(t).is_err(), "{t}");
        }
    }
}
