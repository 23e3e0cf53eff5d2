//! Engine object references taken from users (issue 11, section 1; review H1): container,
//! volume and network ids or names, and image references, are checked against Docker's grammar
//! and percent-encoded before they become part of an Engine API path. bollard builds paths with
//! `format!` and `Url::join`, which normalise `..` and let `?` start a query: without this
//! check, `..%2Fimages%2Fcreate%3F…` sent as a container id reaches another Engine route.
//! A reference that fails the check is [`EngineError::NotFound`]: nothing is sent.
use windflow_api::rules::Rule;

use crate::EngineError;

fn refused(what: &str) -> EngineError {
    EngineError::NotFound(format!("no such {what}"))
}

/// Percent-encodes every byte outside RFC 3986's unreserved set (and `keep`).
fn encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A container, volume, network or exec id or name: `[A-Za-z0-9][A-Za-z0-9_.-]*`, at most
/// 512 bytes, never `..` ([`Rule::ObjectRef`], the rule the contract declares). Returns it percent-encoded for a path segment.
pub fn object_ref(s: &str) -> Result<String, EngineError> {
    if (Rule::ObjectRef { min: 1 }).check(s).is_some() {
        return Err(refused("object"));
    }
    Ok(encode(s, b""))
}

/// An image reference or id (`repo/name:tag`, `name@sha256:…`, `sha256:…`): segments of
/// `[A-Za-z0-9][A-Za-z0-9_.:@-]*` separated by single `/`, no `..`, at most 512 bytes
/// ([`Rule::ImageRef`], the rule the contract declares). Returns it with each segment
/// percent-encoded (`/`, `:` and `@` kept).
pub fn image_ref(s: &str) -> Result<String, EngineError> {
    if Rule::ImageRef.check(s).is_some() {
        return Err(refused("image"));
    }
    Ok(encode(s, b"/:@"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_refs_follow_dockers_grammar() {
        for ok in ["abc123", "wf-guard_1.x", "0123456789abcdef"] {
            assert_eq!(object_ref(ok).unwrap(), ok);
        }
        for bad in [
            "",
            "../images/create?fromImage=x",
            "..%2Fimages",
            "a/b",
            "a?b",
            "a#b",
            "-x",
            ".x",
            "a..b",
            "a b",
            "é",
        ] {
            assert!(object_ref(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn image_refs_keep_slashes_but_no_traversal() {
        for ok in [
            "local/busybox:1",
            "127.0.0.1:5000/wf/busybox:1",
            "busybox@sha256:0123abcd",
            "sha256:0123abcd",
        ] {
            assert_eq!(image_ref(ok).unwrap(), ok);
        }
        for bad in [
            "../containers/x?force=1",
            "a//b",
            "/abs",
            "a/",
            "a?b",
            "a%2Fb",
            "a/../b",
            "a#b",
        ] {
            assert!(image_ref(bad).is_err(), "{bad}");
        }
    }
}
