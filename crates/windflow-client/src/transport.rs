//! The one HTTP call the client makes, per target: `(method, url, headers, JSON body)` →
//! `(status, body text)`.

/// HTTP method of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

/// Transport handle (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Transport {
    #[cfg(not(target_arch = "wasm32"))]
    http: reqwest::Client,
}

impl Transport {
    /// Sends one request; `Err` carries a network-level message.
    pub async fn send(
        &self,
        verb: Verb,
        url: &str,
        headers: &[(&str, String)],
        body: Option<String>,
    ) -> Result<(u16, String), String> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let method = match verb {
                Verb::Get => reqwest::Method::GET,
                Verb::Post => reqwest::Method::POST,
                Verb::Put => reqwest::Method::PUT,
                Verb::Patch => reqwest::Method::PATCH,
                Verb::Delete => reqwest::Method::DELETE,
            };
            let mut r = self.http.request(method, url);
            for (k, v) in headers {
                r = r.header(*k, v);
            }
            if let Some(b) = body {
                r = r.header("content-type", "application/json").body(b);
            }
            let res = r.send().await.map_err(|e| e.to_string())?;
            let status = res.status().as_u16();
            let text = res.text().await.map_err(|e| e.to_string())?;
            Ok((status, text))
        }
        #[cfg(target_arch = "wasm32")]
        {
            use gloo_net::http::RequestBuilder;
            let method = match verb {
                Verb::Get => gloo_net::http::Method::GET,
                Verb::Post => gloo_net::http::Method::POST,
                Verb::Put => gloo_net::http::Method::PUT,
                Verb::Patch => gloo_net::http::Method::PATCH,
                Verb::Delete => gloo_net::http::Method::DELETE,
            };
            let mut r = RequestBuilder::new(url).method(method);
            for (k, v) in headers {
                r = r.header(k, v);
            }
            let req = match body {
                Some(b) => r
                    .header("content-type", "application/json")
                    .body(b)
                    .map_err(|e| e.to_string())?,
                None => r.build().map_err(|e| e.to_string())?,
            };
            let res = req.send().await.map_err(|e| e.to_string())?;
            let status = res.status();
            let text = res.text().await.map_err(|e| e.to_string())?;
            Ok((status, text))
        }
    }
}
