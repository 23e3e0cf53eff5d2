//! The one crypto module for secrets at rest (DOMAIN.md conventions).
//!
//! AES-256-GCM with a random 96-bit nonce per encryption, and associated data that binds a
//! ciphertext to its row (`"<kind>:<row id>"`), so a ciphertext copied into another row or
//! column fails to decrypt. The data key is derived from the master key with HKDF-SHA256
//! (RFC 5869, info `windflow/data-key/v1`); other subsystems derive their own keys the same way
//! with another `info` (see [`Crypto::derive_key`]), so the master key itself is never used
//! directly. Stored form: `v1:` + base64url(nonce ‖ ciphertext ‖ tag).
use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hkdf::Hkdf;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

/// Errors of the crypto module. Messages never contain key material or plaintext.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The master key is not 32 bytes of base64.
    #[error("master key must be 32 bytes encoded as base64 (got {0} bytes)")]
    BadMasterKey(usize),
    /// Reading or writing the key file failed.
    #[error("master key file {path}: {source}")]
    KeyFile {
        /// File path.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The ciphertext is malformed, was made under another key, or its associated data differs.
    #[error("ciphertext cannot be decrypted")]
    Decrypt,
}

/// The 32-byte master key, zeroized on drop and redacted in `Debug`.
pub struct MasterKey(SecretBox<[u8; 32]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([REDACTED])")
    }
}

impl MasterKey {
    /// Parses a base64 (standard or url-safe) encoding of exactly 32 bytes.
    pub fn from_base64(s: &str) -> Result<Self, CryptoError> {
        let s = s.trim();
        let bytes = STANDARD
            .decode(s)
            .or_else(|_| URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')))
            .map_err(|_| CryptoError::BadMasterKey(0))?;
        let arr: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::BadMasterKey(bytes.len()))?;
        Ok(Self(SecretBox::new(Box::new(arr))))
    }

    /// A fresh random key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut arr = [0u8; 32];
        OsRng.fill_bytes(&mut arr);
        Self(SecretBox::new(Box::new(arr)))
    }

    /// Reads the key file at `path`, or creates it with a new random key and mode 0600 when it
    /// does not exist (the embedded default). The file holds the base64 key and a newline.
    pub fn load_or_generate(path: &Path) -> Result<Self, CryptoError> {
        let err = |source| CryptoError::KeyFile {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(s) => Self::from_base64(&s),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(err)?;
                }
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    opts.mode(0o600);
                }
                let mut f = opts.open(path).map_err(err)?;
                writeln!(f, "{}", STANDARD.encode(key.0.expose_secret())).map_err(err)?;
                f.sync_all().map_err(err)?;
                Ok(key)
            }
            Err(e) => Err(err(e)),
        }
    }
}

/// Encrypts and decrypts secrets at rest; derives subsystem keys.
pub struct Crypto {
    master: MasterKey,
    data: Aes256Gcm,
}

impl std::fmt::Debug for Crypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Crypto([REDACTED])")
    }
}

impl Crypto {
    /// Builds the module from the master key.
    pub fn new(master: MasterKey) -> Self {
        let dk = derive(&master, b"windflow/data-key/v1");
        let data = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&dk));
        Self { master, data }
    }

    /// Derives a 32-byte subsystem key (HKDF-SHA256 with `info`), e.g. the JWT signing key.
    pub fn derive_key(&self, info: &[u8]) -> [u8; 32] {
        derive(&self.master, info)
    }

    /// Encrypts `plaintext` bound to `aad` (use `"<kind>:<row id>"`). Output: `v1:<base64url>`.
    pub fn encrypt(&self, plaintext: &[u8], aad: &str) -> Result<String, CryptoError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ct = self
            .data
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Decrypt)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(format!("v1:{}", URL_SAFE_NO_PAD.encode(out)))
    }

    /// Decrypts a value made by [`Crypto::encrypt`] with the same `aad`.
    pub fn decrypt(&self, stored: &str, aad: &str) -> Result<Vec<u8>, CryptoError> {
        let b64 = stored.strip_prefix("v1:").ok_or(CryptoError::Decrypt)?;
        let raw = URL_SAFE_NO_PAD
            .decode(b64)
            .map_err(|_| CryptoError::Decrypt)?;
        if raw.len() < 12 + 16 {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ct) = raw.split_at(12);
        self.data
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Decrypt)
    }
}

fn derive(master: &MasterKey, info: &[u8]) -> [u8; 32] {
    let hk = Hkdf::<Sha256>::new(Some(b"windflow"), master.0.expose_secret());
    let mut out = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's 255 * 32 limit, so expand cannot fail.
    let _ = hk.expand(info, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let c = Crypto::new(MasterKey::generate());
        let ct = c.encrypt(b"s3cret", "git_credential:1").unwrap();
        assert!(!ct.contains("s3cret"));
        assert_eq!(c.decrypt(&ct, "git_credential:1").unwrap(), b"s3cret");
        assert!(
            c.decrypt(&ct, "git_credential:2").is_err(),
            "aad binds the row"
        );
        let other = Crypto::new(MasterKey::generate());
        assert!(
            other.decrypt(&ct, "git_credential:1").is_err(),
            "another key fails"
        );
        assert_ne!(
            c.encrypt(b"s3cret", "a").unwrap(),
            c.encrypt(b"s3cret", "a").unwrap(),
            "random nonce"
        );
    }

    #[test]
    fn key_file_is_created_once_with_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/master.key");
        let k1 = MasterKey::load_or_generate(&path).unwrap();
        let k2 = MasterKey::load_or_generate(&path).unwrap();
        assert_eq!(k1.0.expose_secret(), k2.0.expose_secret());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
    }
}
