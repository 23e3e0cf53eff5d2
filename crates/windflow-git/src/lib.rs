//! The Git adapter: fetches one branch of a remote into a local work tree with libgit2 (the
//! `git2` crate) and reads files from it. git2's types stop here: callers see [`Auth`],
//! [`Synced`] and [`GitError`].
//!
//! Calls block (libgit2 does network and disk I/O synchronously): run them on a blocking
//! thread (`tokio::task::spawn_blocking`).
//!
//! Host keys: SSH host keys are pinned per repository on first use: [`sync`] takes the
//! recorded SHA-256 fingerprint (`SHA256:<base64>`, as `ssh-keygen -l` prints it) and refuses
//! any other key ([`GitError::HostKeyChanged`]); the first sync returns the key it saw in
//! [`Synced::host_key`]. HTTPS certificates are verified against the system roots as usual.
//!
//! Redirects are never followed (issue 11: a redirect could lead to an address the URL guard
//! refuses). A commit holding a symlink whose target leaves the work tree is refused before
//! anything is checked out ([`GitError::File`]).
use std::cell::Cell;
use std::net::IpAddr;
use std::path::{Component, Path};

use git2::build::CheckoutBuilder;
mod pin;
pub use pin::{PinnedProxy, pin_url};

use git2::{
    AutotagOption, CertificateCheckStatus, Cred, CredentialType, FetchOptions, Oid,
    RemoteCallbacks, RemoteRedirect, Repository, TreeWalkMode, TreeWalkResult,
};

/// How to authenticate to the remote. Secrets live only as long as the call.
#[derive(Clone)]
pub enum Auth {
    /// Anonymous.
    None,
    /// HTTP(S) basic authentication: username and token or password.
    UserPass {
        /// Username.
        username: String,
        /// Token or password.
        password: String,
    },
    /// SSH public-key authentication.
    SshKey {
        /// User (usually `git`).
        username: String,
        /// Private key, PEM or OpenSSH format.
        private_key: String,
        /// Key passphrase.
        passphrase: Option<String>,
    },
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::None => "Auth::None",
            Self::UserPass { .. } => "Auth::UserPass(****)",
            Self::SshKey { .. } => "Auth::SshKey(****)",
        })
    }
}

/// Result of a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synced {
    /// Commit now checked out (40 hex chars).
    pub commit: String,
    /// Commit checked out before, if the work tree existed.
    pub previous: Option<String>,
    /// Summary line of the commit.
    pub summary: String,
    /// The SSH host key's fingerprint seen during this sync (`SHA256:<base64>`), for SSH
    /// remotes.
    pub host_key: Option<String>,
}

/// Why a Git operation failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The remote has no such branch.
    #[error("branch {0:?} not found on the remote")]
    BranchNotFound(String),
    /// The remote refused the credentials (or asked for some that were not given).
    #[error("authentication failed: {0}")]
    Auth(String),
    /// A path inside the repository is absent, not a file, or escapes the work tree.
    #[error("file {0:?}: {1}")]
    File(String, String),
    /// The SSH host key differs from the one recorded for this repository.
    #[error("the SSH host key changed: recorded {expected}, offered {offered}")]
    HostKeyChanged {
        /// Recorded fingerprint.
        expected: String,
        /// Fingerprint the server offered.
        offered: String,
    },
    /// Any other libgit2 or I/O error (network, not a repository …).
    #[error("{0}")]
    Other(String),
}

/// `SHA256:<base64 without padding>` of a host key hash.
fn fingerprint(hash: &[u8; 32]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::from("SHA256:");
    for chunk in hash.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

impl From<git2::Error> for GitError {
    fn from(e: git2::Error) -> Self {
        if e.class() == git2::ErrorClass::Http && e.code() == git2::ErrorCode::Auth
            || e.code() == git2::ErrorCode::Auth
        {
            Self::Auth(e.message().to_owned())
        } else {
            Self::Other(e.message().to_owned())
        }
    }
}

/// What the host key check knows and saw.
struct HostKeys<'a> {
    expected: Option<&'a str>,
    seen: std::cell::RefCell<Option<String>>,
}

fn callbacks<'a>(
    auth: &'a Auth,
    attempts: &'a Cell<u32>,
    keys: &'a HostKeys<'a>,
) -> RemoteCallbacks<'a> {
    let mut cb = RemoteCallbacks::new();
    cb.credentials(move |_url, username_from_url, allowed| {
        // libgit2 calls again after a refusal: give each credential once, then fail.
        attempts.set(attempts.get() + 1);
        if attempts.get() > 1 {
            return Err(git2::Error::new(
                git2::ErrorCode::Auth,
                git2::ErrorClass::Net,
                "the remote refused the credentials",
            ));
        }
        match auth {
            Auth::UserPass { username, password }
                if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) =>
            {
                Cred::userpass_plaintext(username, password)
            }
            Auth::SshKey {
                username,
                private_key,
                passphrase,
            } if allowed.contains(CredentialType::SSH_KEY)
                || allowed.contains(CredentialType::USERNAME) =>
            {
                let user = username_from_url.unwrap_or(username);
                if allowed.contains(CredentialType::USERNAME) {
                    attempts.set(0);
                    return Cred::username(user);
                }
                Cred::ssh_key_from_memory(user, None, private_key, passphrase.as_deref())
            }
            _ => Err(git2::Error::new(
                git2::ErrorCode::Auth,
                git2::ErrorClass::Net,
                "the remote asks for credentials that this repository does not have",
            )),
        }
    });
    cb.certificate_check(move |cert, _host| {
        let Some(hk) = cert.as_hostkey() else {
            return Ok(CertificateCheckStatus::CertificatePassthrough);
        };
        let Some(hash) = hk.hash_sha256() else {
            return Err(git2::Error::from_str(
                "the SSH server offered no SHA-256 host key hash",
            ));
        };
        let offered = fingerprint(hash);
        *keys.seen.borrow_mut() = Some(offered.clone());
        match keys.expected {
            Some(exp) if exp != offered => Err(git2::Error::new(
                git2::ErrorCode::Certificate,
                git2::ErrorClass::Ssh,
                format!("host key changed: recorded {exp}, offered {offered}"),
            )),
            _ => Ok(CertificateCheckStatus::CertificateOk),
        }
    });
    cb
}

/// Refuses a commit whose tree holds a symlink that is absolute or whose target, resolved from
/// the link's directory, leaves the work tree.
fn check_symlinks(repo: &Repository, tree: &git2::Tree<'_>) -> Result<(), GitError> {
    let mut bad: Option<String> = None;
    tree.walk(TreeWalkMode::PreOrder, |root, entry| {
        if entry.filemode() != 0o120000 {
            return TreeWalkResult::Ok;
        }
        let name = format!("{root}{}", entry.name().unwrap_or_default());
        let target = repo
            .find_blob(entry.id())
            .map(|b| String::from_utf8_lossy(b.content()).into_owned())
            .unwrap_or_default();
        // Depth of the link's directory, then walk the target's components.
        let mut depth: i64 = root.split('/').filter(|c| !c.is_empty()).count() as i64;
        let mut escapes = target.starts_with('/') || target.is_empty();
        for c in target.split('/') {
            match c {
                "" | "." => {}
                ".." => depth -= 1,
                _ => depth += 1,
            }
            if depth < 0 {
                escapes = true;
            }
        }
        if escapes {
            bad = Some(format!("{name} -> {target}"));
            return TreeWalkResult::Abort;
        }
        TreeWalkResult::Ok
    })
    .ok();
    match bad {
        Some(link) => Err(GitError::File(
            link,
            "a symlink that leaves the repository is refused".into(),
        )),
        None => Ok(()),
    }
}

/// Fetches `branch` of `url` into the work tree `dir` (created when missing; an existing one is
/// re-pointed at `url`) and checks its tip out, discarding local changes. `host_key` is the
/// SSH host key fingerprint recorded for this repository (`None`: accept and report the first).
/// `pinned`: the host and the address the URL guard checked; the fetch connects there only (a
/// loopback proxy for http(s), the address in the URL for ssh and git);
/// `None` when the platform allows local URLs (no pinning).
///
/// Errors: [`GitError::BranchNotFound`], [`GitError::Auth`], [`GitError::HostKeyChanged`],
/// [`GitError::File`] (a symlink leaving the work tree), [`GitError::Other`].
pub fn sync(
    url: &str,
    branch: &str,
    dir: &Path,
    auth: &Auth,
    host_key: Option<&str>,
    pinned: Option<(&str, IpAddr)>,
) -> Result<Synced, GitError> {
    let mut proxy = None;
    let url = match pinned {
        Some((host, ip)) if url.starts_with("http://") || url.starts_with("https://") => {
            proxy = Some(PinnedProxy::start(host, ip).map_err(|e| GitError::Other(e.to_string()))?);
            url.to_owned()
        }
        Some((_, ip)) => pin_url(url, ip),
        None => url.to_owned(),
    };
    let url = url.as_str();
    std::fs::create_dir_all(dir).map_err(|e| GitError::Other(e.to_string()))?;
    let repo = match Repository::open(dir) {
        Ok(r) => r,
        Err(_) => Repository::init(dir)?,
    };
    let previous = repo
        .head()
        .ok()
        .and_then(|h| h.target())
        .map(|o| o.to_string());
    if repo.find_remote("origin").is_ok() {
        repo.remote_set_url("origin", url)?;
    } else {
        repo.remote("origin", url)?;
    }
    let mut remote = repo.find_remote("origin")?;
    let attempts = Cell::new(0);
    let keys = HostKeys {
        expected: host_key,
        seen: std::cell::RefCell::new(None),
    };
    let mut fo = FetchOptions::new();
    fo.remote_callbacks(callbacks(auth, &attempts, &keys));
    fo.download_tags(AutotagOption::None);
    fo.follow_redirects(RemoteRedirect::None);
    if let Some(p) = &proxy {
        let mut po = git2::ProxyOptions::new();
        po.url(&p.url());
        fo.proxy_options(po);
    }
    let tracking = format!("refs/remotes/origin/{branch}");
    let refspec = format!("+refs/heads/{branch}:{tracking}");
    let fetched = remote.fetch(&[refspec.as_str()], Some(&mut fo), None);
    drop(fo);
    let seen = keys.seen.borrow().clone();
    if let (Err(_), Some(exp), Some(off)) = (&fetched, host_key, &seen)
        && exp != off
    {
        return Err(GitError::HostKeyChanged {
            expected: exp.to_owned(),
            offered: off.clone(),
        });
    }
    fetched?;
    let oid: Oid = repo
        .refname_to_id(&tracking)
        .map_err(|_| GitError::BranchNotFound(branch.to_owned()))?;
    let commit = repo.find_commit(oid)?;
    check_symlinks(&repo, &commit.tree()?)?;
    repo.checkout_tree(
        commit.as_object(),
        Some(CheckoutBuilder::new().force().remove_untracked(true)),
    )?;
    repo.set_head_detached(oid)?;
    Ok(Synced {
        commit: oid.to_string(),
        previous,
        summary: commit.summary().unwrap_or_default().to_owned(),
        host_key: seen,
    })
}

/// Checks that `path` is a relative path inside a work tree: no `..`, no root, not empty.
pub fn check_relative(path: &str) -> Result<(), GitError> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && !path.contains('\0');
    if ok {
        Ok(())
    } else {
        Err(GitError::File(
            path.to_owned(),
            "must be a relative path inside the repository".into(),
        ))
    }
}

/// Reads the file `path` (relative, checked by [`check_relative`]) of the work tree `dir`, at
/// most `max` bytes. Symbolic links leaving the work tree are refused.
pub fn read_file(dir: &Path, path: &str, max: usize) -> Result<String, GitError> {
    check_relative(path)?;
    let full = dir.join(path);
    let err = |m: String| GitError::File(path.to_owned(), m);
    let real = full
        .canonicalize()
        .map_err(|_| err("not found in the repository".into()))?;
    let root = dir.canonicalize().map_err(|e| err(e.to_string()))?;
    if !real.starts_with(&root) {
        return Err(err("leaves the repository".into()));
    }
    let meta = std::fs::metadata(&real).map_err(|e| err(e.to_string()))?;
    if !meta.is_file() {
        return Err(err("is not a file".into()));
    }
    if meta.len() as usize > max {
        return Err(err(format!("is larger than {max} bytes")));
    }
    std::fs::read_to_string(&real).map_err(|e| err(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit_file(repo: &Repository, name: &str, content: &str, msg: &str) -> Oid {
        let wd = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
        std::fs::write(wd.join(name), content).unwrap_or_default();
        let mut idx = repo
            .index()
            .map_err(|e| e.to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        idx.add_path(Path::new(name))
            .unwrap_or_else(|e| panic!("{e}"));
        idx.write().unwrap_or_else(|e| panic!("{e}"));
        let tree = repo
            .find_tree(idx.write_tree().unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
        let sig = git2::Signature::now("t", "t@example.org").unwrap_or_else(|e| panic!("{e}"));
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, msg, &tree, &parents)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn sync_fetches_the_branch_then_follows_new_commits() {
        let src = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let repo = Repository::init(src.path()).unwrap_or_else(|e| panic!("{e}"));
        let first = commit_file(&repo, "docker-compose.yml", "services: {}\n", "one");
        let head = repo.head().unwrap_or_else(|e| panic!("{e}"));
        let branch = head.shorthand().unwrap_or("master").to_owned();
        let url = format!("file://{}", src.path().display());
        let dst = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let wt = dst.path().join("wt");
        let s = sync(&url, &branch, &wt, &Auth::None, None, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.commit, first.to_string());
        assert_eq!(s.previous, None);
        assert_eq!(s.summary, "one");
        let second = commit_file(&repo, "docker-compose.yml", "services: {a: {}}\n", "two");
        let s = sync(&url, &branch, &wt, &Auth::None, None, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.commit, second.to_string());
        assert_eq!(s.previous, Some(first.to_string()));
        assert_eq!(
            read_file(&wt, "docker-compose.yml", 1024).unwrap_or_default(),
            "services: {a: {}}\n"
        );
        assert!(matches!(
            sync(&url, "nope", &wt, &Auth::None, None, None),
            Err(GitError::BranchNotFound(_))
        ));
    }

    #[test]
    fn paths_must_stay_inside_the_work_tree() {
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "./a"] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
        for good in ["docker-compose.yml", "deploy/app/compose.yaml"] {
            assert!(check_relative(good).is_ok(), "{good}");
        }
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            read_file(d.path(), "missing.yml", 10),
            Err(GitError::File(..))
        ));
    }

    #[test]
    fn a_symlink_leaving_the_work_tree_is_refused_before_checkout() {
        let src = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let repo = Repository::init(src.path()).unwrap_or_else(|e| panic!("{e}"));
        commit_file(&repo, "docker-compose.yml", "services: {}\n", "one");
        let branch = repo
            .head()
            .ok()
            .and_then(|h| h.shorthand().map(str::to_owned))
            .unwrap_or_else(|| "master".into());
        let url = format!("file://{}", src.path().display());
        for (link, target, ok) in [
            ("inside", "docker-compose.yml", true),
            ("deep/inside", "../docker-compose.yml", true),
            ("root", "/", false),
            ("up", "../../etc", false),
            ("deep/up", "../../x", false),
        ] {
            let wd = src.path();
            if let Some(parent) = Path::new(link).parent() {
                std::fs::create_dir_all(wd.join(parent)).unwrap_or_default();
            }
            let _ = std::fs::remove_file(wd.join(link));
            std::os::unix::fs::symlink(target, wd.join(link)).unwrap_or_else(|e| panic!("{e}"));
            let mut idx = repo.index().unwrap_or_else(|e| panic!("{e}"));
            idx.add_path(Path::new(link))
                .unwrap_or_else(|e| panic!("{e}"));
            idx.write().unwrap_or_else(|e| panic!("{e}"));
            let tree = repo
                .find_tree(idx.write_tree().unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{e}"));
            let sig = git2::Signature::now("t", "t@example.org").unwrap_or_else(|e| panic!("{e}"));
            let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
            let parents: Vec<&git2::Commit> = parent.iter().collect();
            repo.commit(Some("HEAD"), &sig, &sig, link, &tree, &parents)
                .unwrap_or_else(|e| panic!("{e}"));
            let dst = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let r = sync(
                &url,
                &branch,
                &dst.path().join("wt"),
                &Auth::None,
                None,
                None,
            );
            assert_eq!(r.is_ok(), ok, "{link} -> {target}: {r:?}");
            if !ok {
                assert!(
                    !dst.path().join("wt").join(link).exists(),
                    "nothing checked out"
                );
                // Remove it again so the next case starts clean.
                idx.remove_path(Path::new(link))
                    .unwrap_or_else(|e| panic!("{e}"));
                idx.write().unwrap_or_else(|e| panic!("{e}"));
                let tree = repo
                    .find_tree(idx.write_tree().unwrap_or_else(|e| panic!("{e}")))
                    .unwrap_or_else(|e| panic!("{e}"));
                let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
                let parents: Vec<&git2::Commit> = parent.iter().collect();
                repo.commit(Some("HEAD"), &sig, &sig, "rm", &tree, &parents)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }

    #[test]
    fn fingerprints_are_ssh_keygen_style() {
        // ssh-keygen prints SHA256 fingerprints as unpadded base64 of the 32-byte hash.
        assert_eq!(
            fingerprint(&[0u8; 32]),
            "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        );
        assert_eq!(fingerprint(&[0xffu8; 32]).len(), 7 + 43);
    }

    #[test]
    fn auth_debug_hides_secrets() {
        let a = Auth::UserPass {
            username: "u".into(),
            password: "hunter2-token".into(),
        };
        assert!(!format!("{a:?}").contains("hunter2"));
    }
}
