//! Password hashing with argon2id at the OWASP Password Storage Cheat Sheet parameters
//! (m = 19456 KiB, t = 2, p = 1), run on tokio's blocking pool behind a semaphore so that a
//! burst of logins never stalls the async workers nor exhausts memory.
use std::sync::Arc;

use argon2::password_hash::SaltString;
use argon2::password_hash::rand_core::OsRng;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use tokio::sync::Semaphore;

use crate::error::{ServiceError, ServiceResult};

/// OWASP argon2id memory cost in KiB.
pub const ARGON2_M_KIB: u32 = 19_456;
/// OWASP argon2id iterations.
pub const ARGON2_T: u32 = 2;
/// OWASP argon2id parallelism.
pub const ARGON2_P: u32 = 1;

/// Bounded argon2id hasher/verifier (clone-cheap).
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Hash verified for unknown users so that both answers take the same time.
    dummy_hash: Arc<String>,
}

fn argon2() -> ServiceResult<Argon2<'static>> {
    let params =
        Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, None).map_err(ServiceError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_sync(password: &str) -> ServiceResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(ServiceError::internal)?
        .to_string())
}

fn verify_sync(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    argon2()
        .map(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

impl Passwords {
    /// At most `max_concurrent` hashes run at once (each takes ~19 MiB).
    pub fn new(max_concurrent: usize) -> ServiceResult<Self> {
        let dummy = hash_sync("windflow-timing-equaliser")?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy_hash: Arc::new(dummy),
        })
    }

    /// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
    pub async fn hash(&self, password: String) -> ServiceResult<String> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(ServiceError::internal)?;
        tokio::task::spawn_blocking(move || hash_sync(&password))
            .await
            .map_err(ServiceError::internal)?
    }

    /// Verifies a password; `None` hash (unknown user, SSO user) verifies against a dummy hash
    /// and returns false, taking the same time as a real check.
    pub async fn verify(&self, password: String, hash: Option<String>) -> ServiceResult<bool> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(ServiceError::internal)?;
        let real = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_str().to_owned());
        let ok = tokio::task::spawn_blocking(move || verify_sync(&password, &hash))
            .await
            .map_err(ServiceError::internal)?;
        Ok(ok && real)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_owasp_parameters_and_verifies() {
        let p = Passwords::new(2).unwrap();
        let h = p.hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(
            p.verify("correct horse battery".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(
            !p.verify("wrong horse battery".into(), Some(h))
                .await
                .unwrap()
        );
        assert!(
            !p.verify("windflow-timing-equaliser".into(), None)
                .await
                .unwrap(),
            "unknown user never verifies"
        );
    }
}
