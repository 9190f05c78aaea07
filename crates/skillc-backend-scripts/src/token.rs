//! Approval tokens: HMAC-SHA256 over what is approved, verifiable offline by the generated
//! scripts with `openssl dgst -sha256 -hmac`.
//!
//! Format (all ASCII, no spaces): `skillc1.<kid>.<expires>.<mac>`
//!
//! * `kid`: the first 16 hex digits of SHA-256 of the approver's key; names which key signed.
//! * `expires`: Unix time (seconds) after which the token is refused.
//! * `mac`: lowercase hex HMAC-SHA256, keyed with the approver's key, of the message
//!   `skillc-approval-v1\n<skill>\n<target>\n<plan_hash>\n<expires>` (no trailing newline), where
//!   `skill` and `target` are `family/id`.
//!
//! A key is the first line of an approver's key file (64 hex digits, e.g. `openssl rand -hex 32`),
//! used as text. The scripts look for key files in [`APPROVERS_DIR`] (`<approver>.key`, mode
//! 0600 or 0400); the file name is the approver's name, which must be a member of a role the
//! policy names for the step.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Where generated scripts look for approver keys (`<name>.key`).
pub(crate) const APPROVERS_DIR: &str = "/usr/local/etc/skillc/approvers";

/// The token format version prefix.
pub(crate) const TOKEN_PREFIX: &str = "skillc1";

/// HMAC-SHA256 (RFC 2104) of `msg` under `key` (the `hmac` crate).
pub(crate) fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let Ok(mut mac) = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        unreachable!("HMAC accepts keys of any length")
    };
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The key id a token carries: the first 16 hex digits of SHA-256 of the key.
pub(crate) fn key_id(key: &[u8]) -> String {
    hex(&Sha256::digest(key))[..16].to_owned()
}

/// The message a token's MAC covers.
pub(crate) fn token_message(
    skill: &str,
    target: &str,
    plan_hash: &str,
    expires_unix: u64,
) -> String {
    format!("skillc-approval-v1\n{skill}\n{target}\n{plan_hash}\n{expires_unix}")
}

/// Mints an approval token for one plan of one skill on one target (see the module docs).
pub fn mint_token(
    key: &[u8],
    skill: &str,
    target: &str,
    plan_hash: &str,
    expires_unix: u64,
) -> String {
    let mac = hmac_sha256(
        key,
        token_message(skill, target, plan_hash, expires_unix).as_bytes(),
    );
    format!(
        "{TOKEN_PREFIX}.{}.{expires_unix}.{}",
        key_id(key),
        hex(&mac)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn rfc4231_long_key() {
        let key = [0xaau8; 131];
        let mac = hmac_sha256(
            &key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            hex(&mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn token_shape() {
        let t = mint_token(b"k", "fam/skill", "fam/svc", "abc", 42);
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0], "skillc1");
        assert_eq!(parts[1].len(), 16);
        assert_eq!(parts[2], "42");
        assert_eq!(parts[3].len(), 64);
    }
}
