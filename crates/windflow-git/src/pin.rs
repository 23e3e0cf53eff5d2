//! Connecting to the address that was checked (issue 11, section 4; review M4: DNS rebinding).
//!
//! The URL guard resolves a remote's host and refuses local and metadata addresses; libgit2 would
//! then resolve the name again, and a name with a zero TTL can answer a public address to the
//! guard and `127.0.0.1` to libgit2. So the fetch never resolves the name itself:
//! - `http` and `https` remotes go through a loopback proxy that WindFlow runs for the one sync
//!   ([`PinnedProxy`]): libgit2 sends `CONNECT host:port` (https, TLS stays end to end and the
//!   certificate is still checked against the name) or an absolute-form request (http, which
//!   RFC 9112 §3.2.2 requires servers to accept), and the proxy connects to the checked address
//!   only, for the expected host only;
//! - `ssh` and `git` remotes have the host in the URL replaced by the checked address
//!   ([`pin_url`]); SSH host keys are pinned per repository anyway.
use std::io::{Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A loopback HTTP proxy that connects only to `addr`, for requests naming `host`. Stops when
/// dropped.
pub struct PinnedProxy {
    port: u16,
    stop: Arc<AtomicBool>,
}

/// Largest request head the proxy reads, bytes.
const MAX_HEAD: usize = 64 * 1024;

impl PinnedProxy {
    /// Starts the proxy for `host` (as written in the URL, lower case compared) pinned to `ip`.
    pub fn start(host: &str, ip: IpAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let host = host.clone();
                std::thread::spawn(move || {
                    let _ = serve(conn, &host, ip);
                });
            }
        });
        Ok(Self { port, stop })
    }

    /// `http://127.0.0.1:<port>`, for libgit2's proxy options.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for PinnedProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// The `host` and port of a request target: `CONNECT host:port` or `http://host[:port]/…`.
fn target(line: &str) -> Option<(bool, String, u16)> {
    let mut parts = line.split_whitespace();
    let method = parts.next()?;
    let uri = parts.next()?;
    if method.eq_ignore_ascii_case("CONNECT") {
        let (h, p) = uri.rsplit_once(':')?;
        return Some((
            true,
            h.trim_matches(['[', ']']).to_ascii_lowercase(),
            p.parse().ok()?,
        ));
    }
    let rest = uri.strip_prefix("http://")?;
    let authority = rest.split('/').next()?;
    let (h, p) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => match p.parse::<u16>() {
            Ok(p) => (h, p),
            Err(_) => (authority, 80),
        },
        _ => (authority, 80),
    };
    Some((false, h.trim_matches(['[', ']']).to_ascii_lowercase(), p))
}

fn serve(mut client: TcpStream, host: &str, ip: IpAddr) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = client.read(&mut buf)?;
        if n == 0 || head.len() > MAX_HEAD {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let first = text.lines().next().unwrap_or_default();
    let Some((connect, h, port)) = target(first) else {
        client.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")?;
        return Ok(());
    };
    if h != host {
        client.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")?;
        return Ok(());
    }
    let upstream = TcpStream::connect_timeout(&SocketAddr::new(ip, port), Duration::from_secs(15))?;
    client.set_read_timeout(None)?;
    let mut up = upstream.try_clone()?;
    if connect {
        client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
        // Anything the client sent after the CONNECT head belongs to the tunnel.
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            up.write_all(&head[i + 4..])?;
        }
    } else {
        up.write_all(&head)?;
    }
    let mut c2 = client.try_clone()?;
    let mut down = upstream;
    let t = std::thread::spawn(move || {
        let _ = std::io::copy(&mut down, &mut c2);
        let _ = c2.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut client, &mut up);
    let _ = up.shutdown(Shutdown::Write);
    let _ = t.join();
    Ok(())
}

/// `url` (`ssh://`, `git://` or scp-like `user@host:path`) with its host replaced by `ip`.
/// Other URLs are returned unchanged.
pub fn pin_url(url: &str, ip: IpAddr) -> String {
    let lit = match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    };
    if let Some((scheme, rest)) = url.split_once("://") {
        if !matches!(scheme, "ssh" | "git") {
            return url.to_owned();
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (user, hostport) = match authority.rsplit_once('@') {
            Some((u, hp)) => (Some(u), hp),
            None => (None, authority),
        };
        let port = if hostport.starts_with('[') {
            hostport.rsplit_once("]:").map(|(_, p)| p)
        } else {
            hostport.rsplit_once(':').map(|(_, p)| p)
        };
        let mut out = format!("{scheme}://");
        if let Some(u) = user {
            out.push_str(u);
            out.push('@');
        }
        out.push_str(&lit);
        if let Some(p) = port {
            out.push(':');
            out.push_str(p);
        }
        out.push('/');
        out.push_str(path);
        return out;
    }
    // scp-like: [user@]host:path
    match url.split_once(':') {
        Some((left, path)) => {
            let user = left.rsplit_once('@').map(|(u, _)| u);
            match user {
                Some(u) => format!("{u}@{lit}:{path}"),
                None => format!("{lit}:{path}"),
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_pinned_to_the_checked_address() {
        let ip: IpAddr = "203.0.113.7".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(
            pin_url("ssh://git@rebind.example:2222/r.git", ip),
            "ssh://git@203.0.113.7:2222/r.git"
        );
        assert_eq!(
            pin_url("git://rebind.example/r.git", ip),
            "git://203.0.113.7/r.git"
        );
        assert_eq!(
            pin_url("git@rebind.example:org/r.git", ip),
            "git@203.0.113.7:org/r.git"
        );
        assert_eq!(
            pin_url("https://rebind.example/r.git", ip),
            "https://rebind.example/r.git"
        );
    }

    #[test]
    fn request_targets() {
        assert_eq!(
            target("CONNECT example.org:443 HTTP/1.1"),
            Some((true, "example.org".into(), 443))
        );
        assert_eq!(
            target("GET http://Example.org/r.git/info/refs HTTP/1.1"),
            Some((false, "example.org".into(), 80))
        );
        assert_eq!(
            target("GET http://example.org:8080/x HTTP/1.1"),
            Some((false, "example.org".into(), 8080))
        );
        assert_eq!(target("GET /relative HTTP/1.1"), None);
    }

    #[test]
    fn the_proxy_only_reaches_the_pinned_address_for_the_expected_host() {
        // An upstream on loopback answering one request.
        let up = TcpListener::bind(("127.0.0.1", 0)).unwrap_or_else(|e| panic!("{e}"));
        let port = up.local_addr().map(|a| a.port()).unwrap_or(0);
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = up.accept() {
                let mut b = [0u8; 1024];
                let n = s.read(&mut b).unwrap_or(0);
                let got = String::from_utf8_lossy(&b[..n]).into_owned();
                let body = if got.starts_with("GET http://repo.example") {
                    "pinned"
                } else {
                    "?"
                };
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        let proxy = PinnedProxy::start("repo.example", IpAddr::from([127, 0, 0, 1]))
            .unwrap_or_else(|e| panic!("{e}"));
        let ask = |host: &str| {
            let mut s =
                TcpStream::connect(("127.0.0.1", proxy.port)).unwrap_or_else(|e| panic!("{e}"));
            let _ = write!(
                s,
                "GET http://{host}:{port}/r.git HTTP/1.1\r\nHost: {host}\r\n\r\n"
            );
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            out
        };
        assert!(
            ask("evil.example").starts_with("HTTP/1.1 403"),
            "another host is refused"
        );
        let ok = ask("repo.example");
        assert!(ok.ends_with("pinned"), "{ok}");
    }
}
