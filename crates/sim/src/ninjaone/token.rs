//! NinjaOne access tokens: self-validating, so that every process sharing a
//! state directory accepts the tokens any of them issued, with nothing stored.
//!
//! A token looks like the JWTs NinjaOne hands out (`header.claims.signature`,
//! base64url) and is signed with HMAC-SHA-256 under a key derived from the
//! fleet seed. Clients must treat it as opaque. The claims say when it was
//! issued and expires (simulated time, milliseconds), its scopes, and which
//! NinjaOne credential rotation it was issued under; [`Claims::refusal`] turns
//! those into the service's answers.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// What a token asserts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issued at, simulated time in Unix milliseconds.
    #[serde(rename = "iat")]
    pub issued_ms: i64,
    /// Expires at, simulated time in Unix milliseconds.
    #[serde(rename = "exp")]
    pub expires_ms: i64,
    /// Space-separated scopes.
    pub scope: String,
    /// The NinjaOne credential rotation count when it was issued.
    #[serde(rename = "rot")]
    pub rotation: u32,
    /// Makes every token unique.
    #[serde(rename = "jti")]
    pub nonce: String,
}

/// Why a well-signed token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Past its expiry, issued before an "expired tokens" drill, or under an
    /// older credential.
    NotAuthenticated,
    /// Valid, but without the `monitoring` scope every read endpoint needs.
    InsufficientPrivileges,
}

/// What a token is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Validity {
    /// Simulated time now.
    pub now: DateTime<Utc>,
    /// Tokens issued before this are expired (the `expired_tokens` fault).
    pub valid_after: Option<DateTime<Utc>>,
    /// The current NinjaOne credential rotation count.
    pub rotation: u32,
}

impl Claims {
    /// Why the token must be refused now, if it must.
    pub fn refusal(&self, validity: &Validity) -> Option<Refusal> {
        let now_ms = validity.now.timestamp_millis();
        let before_drill = validity
            .valid_after
            .is_some_and(|after| self.issued_ms < after.timestamp_millis());
        if now_ms >= self.expires_ms || before_drill || self.rotation != validity.rotation {
            return Some(Refusal::NotAuthenticated);
        }
        if !self.scope.split_whitespace().any(|s| s == "monitoring") {
            return Some(Refusal::InsufficientPrivileges);
        }
        None
    }
}

/// The signed token carrying `claims`.
pub fn issue(seed: u64, claims: &Claims) -> String {
    // Serialising a struct of strings and integers cannot fail.
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = URL_SAFE_NO_PAD.encode(hmac(&key(seed), signed.as_bytes()));
    format!("{signed}.{signature}")
}

/// The claims of a token this simulator signed, or `None` for anything else.
pub fn verify(seed: u64, token: &str) -> Option<Claims> {
    let (signed, signature) = token.rsplit_once('.')?;
    let (_, payload) = signed.split_once('.')?;
    let presented = URL_SAFE_NO_PAD.decode(signature).ok()?;
    if presented != hmac(&key(seed), signed.as_bytes()) {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

fn key(seed: u64) -> [u8; 32] {
    Sha256::new()
        .chain_update(b"mock-apis ninjaone token key")
        .chain_update(seed.to_be_bytes())
        .finalize()
        .into()
}

/// HMAC-SHA-256 (RFC 2104) with a 32-byte key.
fn hmac(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let mut inner_pad = [0x36u8; 64];
    let mut outer_pad = [0x5cu8; 64];
    for (i, byte) in key.iter().enumerate() {
        inner_pad[i] ^= byte;
        outer_pad[i] ^= byte;
    }
    let inner = Sha256::new()
        .chain_update(inner_pad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(outer_pad)
        .chain_update(inner)
        .finalize()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(scope: &str) -> Claims {
        Claims {
            issued_ms: 1_000_000,
            expires_ms: 1_060_000,
            scope: scope.into(),
            rotation: 0,
            nonce: "n".into(),
        }
    }

    fn at_ms(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(ms).unwrap()
    }

    #[test]
    fn tokens_verify_only_under_their_seed_and_unaltered() {
        let token = issue(7, &claims("monitoring"));
        assert_eq!(verify(7, &token), Some(claims("monitoring")));
        assert_eq!(verify(8, &token), None);
        let forged = token.replacen('.', ".e30", 1);
        assert_eq!(verify(7, &forged), None);
        assert_eq!(verify(7, "not-a-token"), None);
    }

    #[test]
    fn refusals() {
        let valid = Validity {
            now: at_ms(1_030_000),
            valid_after: None,
            rotation: 0,
        };
        assert_eq!(claims("monitoring management").refusal(&valid), None);
        assert_eq!(
            claims("management").refusal(&valid),
            Some(Refusal::InsufficientPrivileges)
        );
        let expired = Validity {
            now: at_ms(1_060_000),
            ..valid
        };
        let drilled = Validity {
            valid_after: Some(at_ms(1_000_001)),
            ..valid
        };
        let rotated = Validity {
            rotation: 1,
            ..valid
        };
        for validity in [expired, drilled, rotated] {
            assert_eq!(
                claims("monitoring").refusal(&validity),
                Some(Refusal::NotAuthenticated)
            );
        }
    }
}
