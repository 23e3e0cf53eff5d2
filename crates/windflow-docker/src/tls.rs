//! `https` engines (Docker's `--tlsverify` listeners) over rustls, through bollard's custom
//! transport so the PEM material never leaves memory.
//!
//! Trust, as the Docker CLI does it: with a CA, only that CA is trusted; without one, the public
//! web PKI roots (webpki-roots). `skip_verify` accepts any server certificate (chain and host
//! name) but still checks the handshake signatures, like `docker --tls` without `--tlsverify`.
use std::sync::Arc;

use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::EngineError;

/// TLS material of an `https` engine (PEM text, decrypted by the caller).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct TlsMaterial {
    /// CA certificate(s) that signed the engine's certificate.
    pub ca: Option<String>,
    /// Client certificate chain (for engines started with `--tlsverify`).
    pub cert: Option<String>,
    /// Client private key (PKCS#1, PKCS#8 or SEC1).
    pub key: Option<String>,
    /// Accept any server certificate.
    pub skip_verify: bool,
}

impl std::fmt::Debug for TlsMaterial {
    // The key is a secret: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsMaterial")
            .field("ca", &self.ca.is_some())
            .field("cert", &self.cert.is_some())
            .field("key", &self.key.is_some())
            .field("skip_verify", &self.skip_verify)
            .finish()
    }
}

fn bad(what: &str) -> EngineError {
    EngineError::BadRequest(format!("invalid TLS material: {what}"))
}

/// Checks that the PEM material parses (used before saving it). Errors name the part.
pub fn check_material(m: &TlsMaterial) -> Result<(), (&'static str, String)> {
    if let Some(ca) = &m.ca {
        let n = certs(ca).map_err(|e| ("tls_ca", e))?.len();
        if n == 0 {
            return Err(("tls_ca", "no certificate in the PEM text".into()));
        }
    }
    match (&m.cert, &m.key) {
        (Some(c), Some(k)) => {
            if certs(c).map_err(|e| ("tls_cert", e))?.is_empty() {
                return Err(("tls_cert", "no certificate in the PEM text".into()));
            }
            PrivateKeyDer::from_pem_slice(k.as_bytes())
                .map_err(|_| ("tls_key", "no private key in the PEM text".to_owned()))?;
        }
        (Some(_), None) => return Err(("tls_key", "a client certificate needs its key".into())),
        (None, Some(_)) => return Err(("tls_cert", "a client key needs its certificate".into())),
        (None, None) => {}
    }
    Ok(())
}

fn certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| "the PEM text does not parse".to_owned())
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn client_config(m: &TlsMaterial) -> Result<rustls::ClientConfig, EngineError> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(&e.to_string()))?;
    let builder = if m.skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyServerCert(
                provider.signature_verification_algorithms,
            )))
    } else {
        let mut roots = RootCertStore::empty();
        match &m.ca {
            Some(ca) => {
                for c in certs(ca).map_err(|e| bad(&e))? {
                    roots.add(c).map_err(|e| bad(&e.to_string()))?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        builder.with_root_certificates(roots)
    };
    match (&m.cert, &m.key) {
        (Some(c), Some(k)) => {
            let key = PrivateKeyDer::from_pem_slice(k.as_bytes()).map_err(|_| bad("tls_key"))?;
            builder
                .with_client_auth_cert(certs(c).map_err(|e| bad(&e))?, key)
                .map_err(|e| bad(&e.to_string()))
        }
        _ => Ok(builder.with_no_client_auth()),
    }
}

/// A bollard client for `https://{addr}` with this material.
pub(crate) fn connect(addr: &str, m: &TlsMaterial) -> Result<bollard::Docker, EngineError> {
    let config = client_config(m)?;
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    let https = hyper_rustls::HttpsConnector::from((http, config));
    let client = Arc::new(
        Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build(https),
    );
    let docker = bollard::Docker::connect_with_custom_transport(
        move |req: bollard::BollardRequest| {
            let client = Arc::clone(&client);
            async move {
                client
                    .request(req)
                    .await
                    .map_err(bollard::errors::Error::from)
            }
        },
        Some(format!("https://{addr}")),
        crate::TIMEOUT_SECS,
        bollard::API_DEFAULT_VERSION,
    )?;
    Ok(docker)
}

/// `skip_verify`: any certificate is accepted; handshake signatures are still verified.
#[derive(Debug)]
struct AnyServerCert(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}
