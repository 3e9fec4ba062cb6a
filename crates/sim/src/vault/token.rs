//! Access tokens the simulated Entra ID issues and the simulated vault accepts.
//!
//! A token is a JWT-shaped `header.claims.signature` string signed with
//! HMAC-SHA256 under a key derived from the fleet seed. It carries its own
//! tenant, audience and expiry, so any process that shares the state directory
//! (and so the seed) can check a token another process issued, with nothing
//! stored. Expiry is in simulated time: `POST /_sim/tick` past it makes the
//! vault refuse the token, as a real vault refuses an expired one.
//!
//! The tokens guard nothing real; the signature only makes a client that
//! invents or alters a token fail the way it would against Azure.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The Key Vault resource: the audience of every token the vault accepts.
pub const VAULT_RESOURCE: &str = "https://vault.azure.net";

/// Lifetime of an issued token, in seconds (Entra's usual `expires_in`).
pub const LIFETIME_SECS: i64 = 3599;

/// The fixed JOSE header, `{"alg":"HS256","typ":"JWT"}`.
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// What a token asserts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Audience: the resource the token is for.
    pub aud: String,
    /// Issuer, `https://sts.windows.net/{tenant}/`.
    pub iss: String,
    /// Tenant.
    pub tid: String,
    /// The application (client) the token was issued to.
    pub appid: String,
    /// Issued at, Unix seconds (simulated time).
    pub iat: i64,
    /// Not before, Unix seconds.
    pub nbf: i64,
    /// Expiry, Unix seconds.
    pub exp: i64,
}

impl Claims {
    /// Claims of a token for `resource` issued now to `client_id` of `tenant`.
    pub fn new(tenant: &str, client_id: &str, resource: &str, now: DateTime<Utc>) -> Self {
        let iat = now.timestamp();
        Self {
            aud: resource.to_owned(),
            iss: format!("https://sts.windows.net/{tenant}/"),
            tid: tenant.to_owned(),
            appid: client_id.to_owned(),
            iat,
            nbf: iat,
            exp: iat + LIFETIME_SECS,
        }
    }
}

/// Why the vault refuses a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Not three base64url parts, bad JSON, or a signature that does not match.
    Invalid,
    /// Past its expiry (or before its start) in simulated time.
    Expired,
    /// Issued for another resource.
    Audience(String),
    /// Issued by another tenant.
    Tenant(String),
}

/// The signing key of one simulator seed.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl TokenKey {
    /// The key every process with this seed uses.
    pub fn for_seed(seed: u64) -> Self {
        let digest = Sha256::new()
            .chain_update(b"mock-apis vault access token key\0")
            .chain_update(seed.to_le_bytes())
            .finalize();
        Self(digest.into())
    }

    /// A signed token carrying `claims`.
    pub fn issue(&self, claims: &Claims) -> String {
        // Serialising a struct of strings and integers cannot fail.
        let payload = serde_json::to_vec(claims).unwrap_or_default();
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(HEADER),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let signature = hmac_sha256(&self.0, signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// The claims of a token the vault accepts: signed with this key, for the
    /// vault, by `tenant`, and valid at `now`.
    pub fn verify(
        &self,
        token: &str,
        tenant: &str,
        now: DateTime<Utc>,
    ) -> Result<Claims, Rejection> {
        let claims = self.claims(token).ok_or(Rejection::Invalid)?;
        let now = now.timestamp();
        if now >= claims.exp || now < claims.nbf {
            return Err(Rejection::Expired);
        }
        if claims.aud.trim_end_matches('/') != VAULT_RESOURCE {
            return Err(Rejection::Audience(claims.aud));
        }
        if !claims.tid.eq_ignore_ascii_case(tenant) {
            return Err(Rejection::Tenant(claims.tid));
        }
        Ok(claims)
    }

    fn claims(&self, token: &str) -> Option<Claims> {
        let (signed, signature) = token.rsplit_once('.')?;
        let (_header, payload) = signed.split_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let expected = hmac_sha256(&self.0, signed.as_bytes());
        if !same_bytes(&signature, &expected) {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

/// HMAC-SHA256 (RFC 2104) for keys of at most one block (64 bytes).
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut inner_pad = [0x36u8; BLOCK];
    let mut outer_pad = [0x5cu8; BLOCK];
    for (i, byte) in key.iter().take(BLOCK).enumerate() {
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

/// Compares without stopping at the first difference.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_token_verifies_until_it_expires_and_only_under_its_key() {
        let now = Utc::now();
        let key = TokenKey::for_seed(42);
        let token = key.issue(&Claims::new("tenant-a", "app", VAULT_RESOURCE, now));

        assert_eq!(key.verify(&token, "TENANT-A", now).unwrap().appid, "app");
        let later = now + chrono::Duration::seconds(LIFETIME_SECS);
        assert_eq!(
            key.verify(&token, "tenant-a", later),
            Err(Rejection::Expired)
        );
        assert_eq!(
            TokenKey::for_seed(43).verify(&token, "tenant-a", now),
            Err(Rejection::Invalid)
        );
        assert!(matches!(
            key.verify(&token, "tenant-b", now),
            Err(Rejection::Tenant(_))
        ));
    }

    #[test]
    fn altered_claims_break_the_signature() {
        let now = Utc::now();
        let key = TokenKey::for_seed(1);
        let token = key.issue(&Claims::new("t", "app", "https://graph.microsoft.com", now));
        assert!(matches!(
            key.verify(&token, "t", now),
            Err(Rejection::Audience(_))
        ));

        let parts: Vec<&str> = token.split('.').collect();
        let forged_claims = Claims::new("t", "app", VAULT_RESOURCE, now);
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged_claims).unwrap());
        let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        assert_eq!(key.verify(&forged, "t", now), Err(Rejection::Invalid));
        assert_eq!(key.verify("not-a-token", "t", now), Err(Rejection::Invalid));
    }
}
