//! The SSRF guard on Git remote URLs (see the module rules): schemes, `file://`, and hosts
//! resolving to local or metadata addresses unless `allow_local_git_urls` is on.
use std::net::IpAddr;

use sea_orm::EntityTrait;
use windflow_entity::platform_settings;

use crate::context::Core;
use crate::error::ServiceResult;
use crate::net::blocked_git_ip;

/// Reads `allow_local_git_urls` (false when the row is missing).
pub async fn allow_local_urls(core: &Core) -> ServiceResult<bool> {
    Ok(platform_settings::Entity::find_by_id(1)
        .one(&core.db)
        .await?
        .is_some_and(|m| m.allow_local_git_urls))
}

/// Host and port of a remote URL, or `None` for `file://`.
fn url_host(url: &str) -> Result<Option<(String, u16)>, String> {
    if url.starts_with("file://") {
        return Ok(None);
    }
    if url.contains("://") {
        let u = url::Url::parse(url).map_err(|e| format!("not a valid URL: {e}"))?;
        let port = match u.scheme() {
            "https" => 443,
            "http" => 80,
            "ssh" => 22,
            "git" => 9418,
            other => return Err(format!("unsupported scheme {other:?}")),
        };
        let host = u
            .host_str()
            .ok_or("the URL has no host")?
            .trim_matches(['[', ']'])
            .to_owned();
        return Ok(Some((host, u.port().unwrap_or(port))));
    }
    // scp-like: [user@]host:path
    let (left, path) = url
        .split_once(':')
        .ok_or("use https://, http://, ssh://, git:// or user@host:path")?;
    let host = left.rsplit('@').next().unwrap_or(left);
    if host.is_empty() || path.is_empty() || host.contains('/') {
        return Err("use https://, http://, ssh://, git:// or user@host:path".into());
    }
    Ok(Some((host.to_owned(), 22)))
}

/// The host of a Git URL as a credential is bound to it (lower case; `file` for `file://`).
pub(super) fn bound_host_of(url: &str) -> String {
    match url_host(url) {
        Ok(Some((h, _))) => h.to_ascii_lowercase(),
        Ok(None) => "file".into(),
        Err(_) => String::new(),
    }
}

/// Checks a remote URL (see the module rules). The message says why it is refused. Returns the
/// host and the address that passed the check, which the fetch must connect to (no second
/// resolution: DNS rebinding), or `None` when nothing is pinned (`file://`, or local URLs
/// allowed).
pub async fn check_url(url: &str, allow_local: bool) -> Result<Option<(String, IpAddr)>, String> {
    if url.len() > 2048 || url.chars().any(char::is_control) {
        return Err("not a valid URL".into());
    }
    if url.contains("://")
        && url::Url::parse(url).is_ok_and(|u| !u.password().unwrap_or_default().is_empty())
    {
        return Err("put credentials in a Git credential, not in the URL".into());
    }
    let Some((host, port)) = url_host(url)? else {
        return if allow_local {
            Ok(None)
        } else {
            Err("file:// URLs are refused (platform setting allow_local_git_urls)".into())
        };
    };
    if allow_local {
        return Ok(None);
    }
    let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|_| format!("host {host:?} does not resolve"))?
            .map(|a| a.ip())
            .collect(),
    };
    if addrs.is_empty() || addrs.iter().any(|ip| blocked_git_ip(*ip)) {
        return Err(format!(
            "host {host:?} is a loopback, link-local, unspecified, unique-local or shared \
             (CGNAT) address (platform setting allow_local_git_urls)"
        ));
    }
    Ok(addrs.first().map(|ip| (host.clone(), *ip)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("https://git.example.org/a/b.git").ok().flatten(),
            Some(("git.example.org".into(), 443))
        );
        assert_eq!(
            url_host("git@github.com:org/repo.git").ok().flatten(),
            Some(("github.com".into(), 22))
        );
        assert_eq!(
            url_host("ssh://git@[::1]:2222/x").ok().flatten(),
            Some(("::1".into(), 2222))
        );
        assert_eq!(url_host("file:///srv/repo").ok(), Some(None));
        assert!(url_host("ftp://x/y").is_err());
        assert!(url_host("just-a-word").is_err());
    }

    #[tokio::test]
    async fn local_targets_are_refused_unless_allowed() {
        for u in [
            "file:///srv/repo.git",
            "http://127.0.0.1:8080/r.git",
            "https://169.254.169.254/latest",
            "ssh://git@[::1]/r",
            "git@0.0.0.0:r.git",
            "http://[::ffff:127.0.0.1]/r",
            "http://localhost/r.git",
        ] {
            assert!(check_url(u, false).await.is_err(), "{u}");
            assert!(check_url(u, true).await.is_ok(), "{u}");
        }
        assert!(check_url("https://10.1.2.3/r.git", false).await.is_ok());
        assert!(check_url("ftp://10.1.2.3/r.git", true).await.is_err());
    }
}
