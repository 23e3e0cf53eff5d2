//! Serves the built web app (trunk's `dist/`) at `/`: hashed assets with a one-year immutable
//! cache, `index.html` with `no-cache`, and every other GET path that is not an API route
//! answered with `index.html` so client-side routes survive a reload. `/api/…` and unknown
//! non-GET requests keep their problem 404.
//!
//! Compression happens at build time, never per request: `scripts/build-frontend.sh` writes
//! `<file>.br` (brotli) and `<file>.gz` (gzip) beside each file, and the server sends the one
//! the request's `Accept-Encoding` prefers (RFC 9110 §12.5.3; `br` first on a tie), with
//! `Content-Encoding`, the original file's `Content-Type` and `Vary: Accept-Encoding`.
use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{
    AcceptEncoding, CACHE_CONTROL, CONTENT_ENCODING, ContentEncoding, Encoding, Header,
    HeaderValue, VARY,
};
use actix_web::http::{Method, StatusCode};
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use windflow_api::ErrorCode;

use crate::config::Config;
use crate::error::ApiError;
use crate::state::AppState;

/// The web app directory: `web_dir` from the configuration, else `frontend/dist` under the
/// working directory when it holds an `index.html` (the README's run command).
pub fn resolve_dir(c: &Config) -> Option<PathBuf> {
    match &c.web_dir {
        Some(d) => Some(d.clone()),
        None => {
            let d = PathBuf::from("frontend/dist");
            d.join("index.html").is_file().then_some(d)
        }
    }
}

/// True for trunk's content-hashed file names: `name-<hash>.ext`, where the hash is 8 to 16
/// hex digits (trunk prints a 64-bit hash without leading zeros, so `style-605704eadcaff10.css`
/// has 15) and the wasm file adds `_bg` (`windflow-frontend-<hash>_bg.wasm`).
fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, h)| {
        (8..=16).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// The precompressed sibling of `path` that `req` accepts best (`.br`, then `.gz`), if the
/// build wrote one; `None` means the file itself (the client asked for neither, or refused
/// both with `q=0`).
fn precompressed(req: &HttpRequest, path: &Path) -> Option<(PathBuf, ContentEncoding)> {
    let accept = AcceptEncoding::parse(req).ok()?;
    let mut offered = vec![Encoding::identity()];
    let sibling = |ext: &str| {
        let mut s = path.as_os_str().to_owned();
        s.push(ext);
        PathBuf::from(s)
    };
    let (br, gz) = (sibling(".br"), sibling(".gz"));
    if gz.is_file() {
        offered.insert(0, Encoding::gzip());
    }
    if br.is_file() {
        offered.insert(0, Encoding::brotli());
    }
    match accept.negotiate(offered.iter())? {
        Encoding::Known(ContentEncoding::Brotli) => Some((br, ContentEncoding::Brotli)),
        Encoding::Known(ContentEncoding::Gzip) => Some((gz, ContentEncoding::Gzip)),
        _ => None,
    }
}

/// A request path as a relative file path, refusing anything but plain components.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let rel = Path::new(path.trim_start_matches('/'));
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| rel.to_path_buf())
}

fn not_found() -> ApiError {
    ApiError::http(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no such route")
}

async fn file(
    req: &HttpRequest,
    path: &Path,
    cache: &'static str,
) -> Result<HttpResponse, ApiError> {
    let mime = actix_files::file_extension_to_mime(
        path.extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default(),
    );
    let f = match precompressed(req, path) {
        Some((p, enc)) => NamedFile::open_async(p)
            .await
            .map_err(|_| not_found())?
            .set_content_encoding(enc),
        None => NamedFile::open_async(path).await.map_err(|_| not_found())?,
    };
    let mut res = f
        .set_content_type(mime)
        .disable_content_disposition()
        .into_response(req);
    let h = res.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
    Ok(res)
}

/// 405 `method_not_allowed` with `Allow: <allowed>` (RFC 9110 §15.5.6), for a known path asked
/// with a method it does not have.
pub fn method_not_allowed(allowed: &[String]) -> HttpResponse {
    let mut res = actix_web::ResponseError::error_response(&ApiError::http(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        format!("this path takes {}", allowed.join(", ")),
    ));
    if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
        res.headers_mut().insert(actix_web::http::header::ALLOW, v);
    }
    res
}

/// The app's default service: files of the web app, and `index.html` for its routes (API
/// paths that match no route are 404; known paths with another method are answered 405 by
/// `middleware::contract` before routing).
pub async fn fallback(req: HttpRequest, st: Data<AppState>) -> Result<HttpResponse, ApiError> {
    let path = req.path().to_owned();
    let Some(dir) = st.web_dir.as_deref() else {
        return Err(not_found());
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD)
        || path.starts_with("/api/")
        || path == "/api"
    {
        return Err(not_found());
    }
    if let Some(rel) = safe_relative(&path).filter(|r| !r.as_os_str().is_empty()) {
        let candidate = dir.join(&rel);
        if candidate.is_file() {
            let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let cache = if is_hashed(name) {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            return file(&req, &candidate, cache).await;
        }
    }
    // Read once: hashed for the CSP of this very file, and served (or its precompressed
    // sibling, written by the same build).
    let index = dir.join("index.html");
    let html = tokio::fs::read_to_string(&index)
        .await
        .map_err(|_| not_found())?;
    let mut res = HttpResponse::Ok();
    res.content_type("text/html; charset=utf-8")
        .insert_header((CACHE_CONTROL, "no-cache"))
        .insert_header((VARY, "Accept-Encoding"))
        .insert_header((
            actix_web::http::header::CONTENT_SECURITY_POLICY,
            app_csp(&html),
        ));
    if let Some((p, enc)) = precompressed(&req, &index)
        && let Ok(bytes) = tokio::fs::read(p).await
    {
        return Ok(res.insert_header((CONTENT_ENCODING, enc)).body(bytes));
    }
    Ok(res.body(html))
}

/// The web app's Content-Security-Policy: scripts from the app's origin plus the inline
/// bootstrap scripts trunk writes into `index.html`, allowed by their SHA-256 (so no other
/// inline script runs), WebAssembly compilation, styles from the origin and inline style
/// attributes, images from the origin and `data:`, connections (fetch, SSE, WebSocket) to the
/// origin only, and no framing.
pub fn app_csp(index_html: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let mut hashes = String::new();
    let mut rest = index_html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        let body = &after[body_start..body_start + close];
        if !tag.contains("src=") && !body.is_empty() {
            let digest = sha2::Sha256::digest(body.as_bytes());
            hashes.push_str(&format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after[body_start + close..];
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_and_safe_paths() {
        assert!(
            is_hashed("windflow-frontend-1a2b3c4d5e6f7a8b_bg.wasm")
                || is_hashed("windflow-frontend-1a2b3c4d5e6f7a8b.js")
        );
        assert!(is_hashed("style-0123456789abcdef.css"));
        // What trunk 0.21 writes: the wasm's `_bg`, and a hash without its leading zero.
        assert!(is_hashed("windflow-frontend-c956977c65f37e77_bg.wasm"));
        assert!(is_hashed("style-605704eadcaff10.css"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("xterm.js"));
        assert!(!is_hashed("logo-small.png"));
        assert!(safe_relative("/a/b.js").is_some());
        assert!(safe_relative("/../etc/passwd").is_none());
        assert!(safe_relative("/a/../../b").is_none());
    }

    #[test]
    fn csp_allows_the_inline_bootstrap_by_hash_only() {
        let html = "<head><script type=\"module\">import init from '/a.js';</script>\
                    <script src=\"/x.js\"></script></head>";
        let csp = app_csp(html);
        // sha256 of the inline script's exact text.
        assert!(csp.contains("'sha256-"), "{csp}");
        assert_eq!(csp.matches("'sha256-").count(), 1, "{csp}");
        assert!(
            !csp.contains("'unsafe-inline'; img")
                || csp.contains("style-src 'self' 'unsafe-inline'")
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
    }
}
