//! Access JWTs (HS256, RFC 7519) and opaque tokens.
//!
//! The signing key is derived from the master key (HKDF info `windflow/jwt/v1`), so every
//! replica that shares the master key verifies every other replica's tokens; the `kid` header is
//! the first 16 hex digits of SHA-256 over the key, so a key rotation is visible in tokens.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use rand::RngCore;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::crypto::Crypto;
use crate::error::{ServiceError, ServiceResult};

/// Issuer claim of every access token.
pub const ISSUER: &str = "windflow";

/// Claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// User id.
    pub sub: Uuid,
    /// Session id.
    pub sid: Uuid,
    /// Token id (revocable through `revoked_tokens`).
    pub jti: Uuid,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issuer, always `windflow`.
    pub iss: String,
}

/// HS256 signing and verification keys with their `kid`.
pub struct JwtKeys {
    kid: String,
    enc: EncodingKey,
    dec: DecodingKey,
}

impl JwtKeys {
    /// Derives the keys from the crypto module's master key.
    pub fn new(crypto: &Crypto) -> Self {
        let key = crypto.derive_key(b"windflow/jwt/v1");
        let kid = hex(&Sha256::digest(key))[..16].to_owned();
        Self {
            kid,
            enc: EncodingKey::from_secret(&key),
            dec: DecodingKey::from_secret(&key),
        }
    }

    /// The key id put in the JWT header.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Signs a token for `user`/`session` valid `ttl_secs`; returns the token, its id and expiry.
    pub fn issue(
        &self,
        user: Uuid,
        session: Uuid,
        ttl_secs: i64,
    ) -> ServiceResult<(String, Uuid, DateTime<Utc>)> {
        let now = Utc::now();
        let exp = now + chrono::Duration::seconds(ttl_secs);
        let jti = Uuid::now_v7();
        let claims = AccessClaims {
            sub: user,
            sid: session,
            jti,
            iat: now.timestamp(),
            exp: exp.timestamp(),
            iss: ISSUER.into(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        let token = encode(&header, &claims, &self.enc).map_err(ServiceError::internal)?;
        Ok((token, jti, exp))
    }

    /// Verifies signature, algorithm, `kid`, issuer and expiry (5 s leeway).
    pub fn verify(&self, token: &str) -> ServiceResult<AccessClaims> {
        let header = decode_header(token).map_err(|_| ServiceError::Unauthenticated)?;
        if header.kid.as_deref() != Some(self.kid.as_str()) {
            return Err(ServiceError::Unauthenticated);
        }
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 5;
        v.set_issuer(&[ISSUER]);
        v.set_required_spec_claims(&["exp", "iss", "sub"]);
        decode::<AccessClaims>(token, &self.dec, &v)
            .map(|d| d.claims)
            .map_err(|_| ServiceError::Unauthenticated)
    }
}

/// A random opaque token of 32 bytes from the OS CSPRNG, base64url without padding.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// SHA-256 of a token as lowercase hex: how opaque tokens are stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;

    #[test]
    fn issue_and_verify() {
        let keys = JwtKeys::new(&Crypto::new(MasterKey::generate()));
        let (u, s) = (Uuid::now_v7(), Uuid::now_v7());
        let (t, jti, _) = keys.issue(u, s, 60).unwrap();
        let c = keys.verify(&t).unwrap();
        assert_eq!((c.sub, c.sid, c.jti), (u, s, jti));
        let other = JwtKeys::new(&Crypto::new(MasterKey::generate()));
        assert!(
            other.verify(&t).is_err(),
            "another key (and kid) is refused"
        );
        let (expired, _, _) = keys.issue(u, s, -60).unwrap();
        assert!(keys.verify(&expired).is_err(), "expired token is refused");
        let mut tampered = t.clone();
        tampered.push('x');
        assert!(keys.verify(&tampered).is_err());
    }

    #[test]
    fn opaque_tokens_are_random_and_hashed() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
