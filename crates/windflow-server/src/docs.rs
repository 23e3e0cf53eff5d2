//! Interactive API docs at `/api/docs`, served entirely from the binary (RapiDoc 9.3.8 from the
//! npm package `rapidoc`, MIT, vendored in `assets/`): no CDN, works offline.
use actix_web::http::header;
use actix_web::{HttpResponse, get};

const RAPIDOC_JS: &[u8] = include_bytes!("../assets/rapidoc-min.js");

const PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WindFlow API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script type="module" src="/api/docs/rapidoc-min.js"></script></head>
<body><rapi-doc spec-url="/api/openapi.json" render-style="focused" theme="dark" show-header="false"
 allow-try="true" allow-authentication="true" persist-auth="false"></rapi-doc></body></html>"#;

/// The docs page's Content-Security-Policy: RapiDoc's script from this origin, its inline
/// styles, `data:` images, requests ("try it") to this origin only, no framing.
pub const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'self'; frame-ancestors 'none'";

/// The docs page.
#[get("/api/docs")]
pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, DOCS_CSP))
        .body(PAGE)
}

/// The RapiDoc script.
#[get("/api/docs/rapidoc-min.js")]
pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(RAPIDOC_JS)
}
