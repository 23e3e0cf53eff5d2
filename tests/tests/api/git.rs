//! Git credentials, repositories, Git-backed stacks, webhooks and the scheduler, against real
//! Git servers started here (a bare repository served by `git daemon` on 127.0.0.1, and the
//! same repository over `file://`), the real Docker engine and docker-compose.
//!
//! Through the typed client, except where the wire is the point: answers searched for a secret
//! or token, webhook deliveries (200 or 202, and their bodies), action streams, the cross-tenant
//! route table, and `finished` (the security tests index its JSON).
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use sha2::Sha256;
use uuid::Uuid;
use windflow_api::ErrorCode;
use windflow_api::git::{
    CreateGitCredential, GitCredentialKind, GitProvider, GitRepositoryInput, GitSyncStatus,
    PlatformSettings, SyncQuery,
};
use windflow_api::runs::{RunStatus, Trigger};
use windflow_api::stacks::{CreateStack, Deployment, StackSource, UpdateStack};
use windflow_client::Client;
use windflow_tests::{Refused, Session, TestApp, id, spawn_app, spawn_app_with};

use super::docker::{setup, socket, sse_events};

pub(super) fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .output()
        .expect("git CLI");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// A bare repository `app.git` with a work clone that commits and pushes.
pub(super) struct Remote {
    root: tempfile::TempDir,
    work: PathBuf,
}

impl Remote {
    pub(super) fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        git(
            root.path(),
            &["init", "-q", "--bare", "-b", "main", "app.git"],
        );
        let work = root.path().join("work");
        git(
            root.path(),
            &[
                "clone",
                "-q",
                root.path().join("app.git").to_str().unwrap(),
                "work",
            ],
        );
        git(&work, &["checkout", "-q", "-b", "main"]);
        Self { root, work }
    }
    pub(super) fn bare(&self) -> PathBuf {
        self.root.path().join("app.git")
    }
    /// Writes files, commits and pushes; returns the commit SHA.
    pub(super) fn commit(&self, files: &[(&str, &str)], msg: &str) -> String {
        for (p, c) in files {
            let f = self.work.join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, c).unwrap();
        }
        git(&self.work, &["add", "-A"]);
        git(&self.work, &["commit", "-q", "-m", msg]);
        git(&self.work, &["push", "-q", "origin", "HEAD:main"]);
        git(&self.work, &["rev-parse", "HEAD"])
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A test server process listening on `port`; killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// Spawns `cmd` and waits until `port` accepts connections.
    fn start(mut cmd: Command, port: u16) -> Self {
        let child = cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("test server");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `git daemon` serving `root` (git:// on 127.0.0.1). It runs git-daemon itself: the `git
/// daemon` wrapper may leave it running when killed.
fn git_daemon(root: &Path) -> Server {
    let port = free_port();
    let mut cmd = Command::new(Path::new(&git(root, &["--exec-path"])).join("git-daemon"));
    cmd.args([
        "--reuseaddr",
        "--listen=127.0.0.1",
        &format!("--port={port}"),
        "--export-all",
        &format!("--base-path={}", root.display()),
        root.to_str().unwrap(),
    ]);
    Server::start(cmd, port)
}

/// `git http-backend` behind basic auth (`tests/infra/git-http.py`) serving `root`.
fn git_http(root: &Path, user: &str, password: &str) -> Server {
    let port = free_port();
    let mut cmd = Command::new("python3");
    cmd.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/infra/git-http.py"))
        .arg(root)
        .arg(port.to_string())
        .arg(user)
        .arg(password);
    Server::start(cmd, port)
}

fn compose(rev: &str) -> String {
    format!(
        "services:\n  app:\n    image: local/busybox:1\n    command: [\"sleep\", \"300\"]\n    init: true\n    labels:\n      wf.rev: \"{rev}\"\n    env_file: [app.env]\n"
    )
}

pub(super) fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

pub(super) async fn allow_local(app: &TestApp, root: &Session) {
    let allow = PlatformSettings {
        allow_local_git_urls: true,
        allow_local_endpoints: false,
    };
    app.typed(root).set_platform_settings(&allow).await.unwrap();
}

pub(super) async fn project_of_endpoint(app: &TestApp, root: &Session, endpoint: Uuid) -> Uuid {
    app.typed(root).endpoint(endpoint).await.unwrap().project_id
}

/// A repository body with the server's defaults (provider `other`, branch `main`,
/// `docker-compose.yml`, no credential, no schedule).
pub(super) fn repository(name: &str, url: &str) -> GitRepositoryInput {
    GitRepositoryInput {
        name: name.into(),
        provider: GitProvider::Other,
        url: url.into(),
        branch: "main".into(),
        compose_path: "docker-compose.yml".into(),
        credential_id: None,
        sync_cron: None,
    }
}

/// Polls an execution until it is no longer `running`.
pub(super) async fn finished(app: &TestApp, s: &Session, ex: &str) -> Value {
    for _ in 0..600 {
        let (_, e) = app
            .call(s, Method::GET, &format!("/schedule-executions/{ex}"), None)
            .await;
        if e["status"] != "running" {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("execution {ex} still running");
}

/// Polls a deployment until it is no longer `running`.
async fn deployed(c: &Client, d: Uuid) -> Deployment {
    for _ in 0..600 {
        let e = c.deployment(d).await.unwrap().deployment;
        if e.run.status != RunStatus::Running {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("deployment {d} still running");
}

/// A credential body of `kind` without a username or secret.
fn credential(name: &str, kind: GitCredentialKind) -> CreateGitCredential {
    CreateGitCredential {
        name: name.into(),
        kind,
        username: None,
        token: None,
        private_key: None,
        passphrase: None,
    }
}

fn docker(sock: &str, args: &[&str]) -> String {
    let o = Command::new("docker")
        .arg("-H")
        .arg(format!("unix://{sock}"))
        .args(args)
        .output()
        .expect("docker CLI");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn running_rev(sock: &str, project: &str) -> String {
    docker(
        sock,
        &[
            "ps",
            "--filter",
            &format!("label=com.docker.compose.project={project}"),
            "--format",
            "{{.Label \"wf.rev\"}}",
        ],
    )
}

#[tokio::test]
async fn credentials_repositories_url_guard_and_tenancy() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let project = app.project(&root, org, "shop").await;
    let other_org = app.org(&root, "Other").await;
    let other_project = app.project(&root, other_org, "theirs").await;
    let creds = format!("/projects/{project}/git-credentials");
    let repos = format!("/projects/{project}/git-repositories");
    let c = app.typed(&root);

    // Credentials: required fields per kind, secrets write-only and encrypted.
    let https_bot = CreateGitCredential {
        username: Some("bot".into()),
        ..credential("gh", GitCredentialKind::Https)
    };
    for (body, field) in [
        (https_bot, "token"),
        (
            CreateGitCredential {
                private_key: Some("not a key".into()),
                ..credential("k", GitCredentialKind::Ssh)
            },
            "private_key",
        ),
        (
            CreateGitCredential {
                token: Some("x".into()),
                ..credential("n", GitCredentialKind::None)
            },
            "kind",
        ),
        (credential("", GitCredentialKind::None), "name"),
    ] {
        let refused = c.create_git_credential(project, &body).await;
        assert_eq!(refused.fields()[0], field, "{body:?}");
    }
    // Raw from here to the update: every answer is searched for the secrets.
    let token = "ghp_SECRETtoken1234567890";
    let (st, https) = app
        .call(
            &root,
            Method::POST,
            &creds,
            Some(json!({"name": "gh", "kind": "https", "username": "bot", "token": token})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{https}");
    assert_eq!(https["has_secret"], true);
    let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    let (st, ssh) = app
        .call(&root, Method::POST, &creds, Some(json!({"name": "deploy-key", "kind": "ssh", "private_key": key, "passphrase": "pass-PHRASE-1"})))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{ssh}");
    assert_eq!(ssh["has_passphrase"], true);
    assert_eq!(ssh["username"], Value::Null);
    let (_, list) = app.call(&root, Method::GET, &creds, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let (st, upd) = app
        .call(
            &root,
            Method::PATCH,
            &format!("/git-credentials/{}", id(&https)),
            Some(json!({"token": "ghp_NEWtoken"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{upd}");
    let everything = format!("{https}{ssh}{list}{upd}");
    for secret in [token, "ghp_NEWtoken", "pass-PHRASE-1", "b3BlbnNzaC1rZXkt"] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COALESCE(secret_enc, '') || COALESCE(passphrase_enc, '') FROM git_credentials",
        ))
        .await
        .unwrap();
    for r in rows {
        let v: String = r.try_get_by_index(0).unwrap();
        assert!(!v.contains("ghp_") && !v.contains("PHRASE") && !v.contains("OPENSSH"));
    }
    let audit = app.audit(&root, "git.credential").await;
    assert_eq!(audit.len(), 3);
    assert!(!format!("{audit:?}").contains("ghp_"));

    // Repositories: the URL guard refuses file:// and local hosts until the setting allows them.
    let remote = Remote::new();
    let file_url = format!("file://{}", remote.bare().display());
    for url in [
        file_url.as_str(),
        "http://127.0.0.1:9/r.git",
        "https://169.254.169.254/latest/meta-data",
        "git@localhost:r.git",
        "ftp://example.org/r.git",
    ] {
        let refused = c
            .create_git_repository(project, &repository("r", url))
            .await;
        assert_eq!(refused.fields()[0], "url", "{url}");
    }
    // Only superadmins change the platform setting.
    let alice = app.user(&root, "alice").await;
    app.add_member(&root, org, &alice, "member").await;
    let allow = PlatformSettings {
        allow_local_git_urls: true,
        allow_local_endpoints: false,
    };
    let refused = app.typed(&alice).set_platform_settings(&allow).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    allow_local(&app, &root).await;
    let r = || repository("r", &file_url);
    for (body, field) in [
        (
            GitRepositoryInput {
                sync_cron: Some("every day".into()),
                ..r()
            },
            "sync_cron",
        ),
        (
            GitRepositoryInput {
                branch: "a..b".into(),
                ..r()
            },
            "branch",
        ),
        (
            GitRepositoryInput {
                compose_path: "../etc/passwd".into(),
                ..r()
            },
            "compose_path",
        ),
        (
            GitRepositoryInput {
                credential_id: Some(Uuid::now_v7()),
                ..r()
            },
            "credential_id",
        ),
    ] {
        let refused = c.create_git_repository(project, &body).await;
        assert_eq!(refused.fields()[0], field, "{body:?}");
    }
    // A credential of another project is unknown here.
    let theirs = credential("t", GitCredentialKind::None);
    let theirs = c.create_git_credential(other_project, &theirs).await;
    let foreign = GitRepositoryInput {
        credential_id: Some(theirs.unwrap().id),
        ..r()
    };
    let refused = c.create_git_repository(project, &foreign).await;
    assert_eq!(refused.refused(), ErrorCode::ValidationFailed);

    let sha = remote.commit(
        &[("docker-compose.yml", &compose("1")), ("app.env", "A=1\n")],
        "one",
    );
    let https_id = id(&https);
    let app_repo = GitRepositoryInput {
        provider: GitProvider::Gitlab,
        credential_id: Some(https_id),
        sync_cron: Some("*/10 * * * *".into()),
        ..repository("app", &file_url)
    };
    let created = c.create_git_repository(project, &app_repo).await.unwrap();
    let repo = &created.repository;
    let rid = repo.id;
    let secret = created.webhook.webhook_secret.as_str();
    assert!(secret.len() >= 40);
    assert_eq!(repo.sync_status, GitSyncStatus::Never);
    assert!(repo.next_sync_at.is_some());
    // Raw: the whole answer is searched for the secret.
    let (_, got) = app
        .call(
            &root,
            Method::GET,
            &format!("/git-repositories/{rid}"),
            None,
        )
        .await;
    assert!(
        !got.to_string().contains(secret),
        "the secret is shown once"
    );
    assert_eq!(got["webhook_path"], created.webhook.webhook_path.as_str());
    // A credential in use cannot go.
    let refused = c.delete_git_credential(https_id).await;
    assert_eq!(refused.refused(), ErrorCode::Conflict);

    // Manual sync over file:// (anonymous: a file remote asks for no credential).
    let now = SyncQuery::default();
    let ex = c.sync_git_repository(rid, &now).await.unwrap();
    assert_eq!(ex.run.status, RunStatus::Succeeded, "{ex:?}");
    assert_eq!(ex.run.trigger, Trigger::Manual);
    assert_eq!(ex.commit.as_deref(), Some(sha.as_str()));
    assert!(ex.logs.unwrap().contains(&sha));
    assert!(ex.run.duration_ms.unwrap() >= 0);
    let got = c.git_repository(rid).await.unwrap();
    assert_eq!(got.last_commit.as_deref(), Some(sha.as_str()));
    assert_eq!(got.sync_status, GitSyncStatus::Synced);
    // A missing branch is a failed execution with the error, and the status says so.
    let mut body = GitRepositoryInput {
        branch: "nope".into(),
        ..repository("app", &file_url)
    };
    c.update_git_repository(rid, &body).await.unwrap();
    let ex = c.sync_git_repository(rid, &now).await.unwrap();
    assert_eq!(ex.run.status, RunStatus::Failed);
    assert!(ex.error.as_ref().unwrap().contains("nope"), "{ex:?}");
    let got = c.git_repository(rid).await.unwrap();
    assert_eq!(got.sync_status, GitSyncStatus::Error);
    assert_eq!(
        got.last_commit.as_deref(),
        Some(sha.as_str()),
        "the last good commit stays"
    );
    body.branch = "main".into();
    c.update_git_repository(rid, &body).await.unwrap();
    let hist = c.list_sync_executions(rid, &Default::default()).await;
    let hist = hist.unwrap().items;
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0].run.status, RunStatus::Failed, "newest first");
    assert_eq!(hist[0].logs, None, "lists carry no logs");

    // Tenancy and permissions: another organization sees 404; a member without git:* 403/404.
    let bob = app.user(&root, "bob").await;
    app.add_member(&root, other_org, &bob, "owner").await;
    // Raw: the cross-tenant route table checks each route's status.
    for (m, p) in [
        (Method::GET, format!("/git-repositories/{rid}")),
        (Method::POST, format!("/git-repositories/{rid}/sync")),
        (Method::GET, format!("/schedule-executions/{}", hist[0].id)),
        (Method::PATCH, format!("/git-credentials/{}", id(&ssh))),
    ] {
        let (st, _) = app.call(&bob, m.clone(), &p, Some(json!({}))).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{m} {p}");
    }
    let refused = app
        .typed(&bob)
        .list_git_repositories(project, &Default::default())
        .await;
    assert_eq!(
        refused.refused(),
        ErrorCode::NotFound,
        "another tenant's project"
    );
    let x = repository("x", "https://example.org/x.git");
    let refused = app.typed(&alice).create_git_repository(project, &x).await;
    assert_eq!(
        refused.refused(),
        ErrorCode::Forbidden,
        "a plain member may not add repositories"
    );
    let st = app
        .client
        .get(app.url(&repos))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // Rotation answers a new secret once.
    let rot = c.rotate_webhook_secret(rid).await.unwrap();
    assert_ne!(rot.webhook_secret, secret);
    // Deleting the repository removes it (no stack uses it).
    c.delete_git_repository(rid).await.unwrap();
}

#[tokio::test]
async fn git_stack_sync_deploy_webhook_redeploy() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let project = project_of_endpoint(&app, &root, s.endpoint).await;
    allow_local(&app, &root).await;
    let remote = Remote::new();
    let sha1 = remote.commit(
        &[
            ("deploy/docker-compose.yml", &compose("1")),
            ("deploy/app.env", "GREETING=one\n"),
        ],
        "one",
    );
    let daemon = git_daemon(remote.root.path());
    let url = format!("git://127.0.0.1:{}/app.git", daemon.port);
    let c = app.typed(&root);
    let app_repo = GitRepositoryInput {
        provider: GitProvider::Github,
        compose_path: "deploy/docker-compose.yml".into(),
        ..repository("app", &url)
    };
    let created = c.create_git_repository(project, &app_repo).await.unwrap();
    let rid = created.repository.id;
    let secret = created.webhook.webhook_secret;
    let hook = app.url(&created.webhook.webhook_path);

    // A Git stack: the never-synced repository is synced on creation; the file comes from it.
    let name = format!("gitapp{}", &Uuid::new_v4().simple().to_string()[..6]);
    let git_stack = |env_path: &str| CreateStack {
        name: name.clone(),
        source: StackSource::Git,
        compose_content: String::new(),
        repository_id: Some(rid),
        compose_path: None,
        env_path: Some(env_path.into()),
        variables: vec![],
    };
    let missing = git_stack("deploy/missing.env");
    let refused = c.create_stack(s.endpoint, &missing).await;
    assert_eq!(refused.fields()[0], "env_path");
    let inline = CreateStack {
        compose_content: "services: {}".into(),
        repository_id: None,
        env_path: None,
        ..git_stack("")
    };
    let refused = c.create_stack(s.endpoint, &inline).await;
    assert_eq!(refused.refused(), ErrorCode::ValidationFailed);
    let stack = git_stack("deploy/app.env");
    let stack = c.create_stack(s.endpoint, &stack).await.unwrap();
    let sid = stack.id;
    assert_eq!(stack.source, StackSource::Git);
    assert_eq!(
        stack.compose_path.as_deref(),
        Some("deploy/docker-compose.yml")
    );
    assert_eq!(stack.compose_content, Some(compose("1")));
    let edit = UpdateStack {
        compose_content: Some("services: {}".into()),
        ..UpdateStack::default()
    };
    let refused = c.update_stack(sid, &edit).await;
    assert_eq!(refused.refused(), ErrorCode::ValidationFailed);

    // Deploy from the checkout: the env file and relative paths resolve in the repository.
    let ev = sse_events(
        &app,
        &root,
        Method::POST,
        &format!("/stacks/{sid}/deploy"),
        None,
        |e| e.last().is_some_and(|x| x["kind"] == "done"),
    )
    .await;
    let done = ev.last().unwrap();
    assert_eq!(done["status"], "succeeded", "{ev:?}");
    let d1 = done["deployment_id"].as_str().unwrap().parse().unwrap();
    let d1 = c.deployment(d1).await.unwrap().deployment;
    assert_eq!(d1.git_commit.as_deref(), Some(sha1.as_str()));
    assert_eq!(d1.run.trigger, Trigger::Manual);
    assert_eq!(running_rev(&sock, &name), "1");
    let cid = docker(
        &sock,
        &[
            "ps",
            "-q",
            "--filter",
            &format!("label=com.docker.compose.project={name}"),
        ],
    );
    assert!(
        docker(
            &sock,
            &["inspect", "--format", "{{json .Config.Env}}", &cid]
        )
        .contains("GREETING=one")
    );
    let st_now = c.stack(sid).await.unwrap();
    assert_eq!(st_now.deployed_commit.as_deref(), Some(sha1.as_str()));

    // A new commit, then deliveries.
    let sha2 = remote.commit(&[("deploy/docker-compose.yml", &compose("2"))], "two");
    let push = serde_json::to_vec(&json!({"ref": "refs/heads/main", "after": sha2})).unwrap();
    let deliver = |sig: Option<String>, event: &'static str, body: Vec<u8>| {
        let mut r = app
            .client
            .post(&hook)
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", event)
            .body(body);
        if let Some(sig) = sig {
            r = r.header("X-Hub-Signature-256", sig);
        }
        r.send()
    };
    // Refused: no signature, a wrong one, a body changed after signing. None runs anything.
    for (sig, body) in [
        (None, push.clone()),
        (Some(sign("wrong-secret", &push)), push.clone()),
        (Some(sign(&secret, b"{}")), push.clone()),
    ] {
        let res = deliver(sig, "push", body).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let p: Value = res.json().await.unwrap();
        assert_eq!(
            p["type"], "urn:windflow:problem:webhook_signature_invalid",
            "{p}"
        );
    }
    let res = app
        .client
        .post(app.url("/webhooks/git/unknown-hook"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Ignored: a ping, and a push to another branch.
    let other = serde_json::to_vec(&json!({"ref": "refs/heads/dev"})).unwrap();
    for (event, body) in [("ping", push.clone()), ("push", other)] {
        let res = deliver(Some(sign(&secret, &body)), event, body)
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let r: Value = res.json().await.unwrap();
        assert_eq!(r["status"], "ignored", "{r}");
    }
    let hist = c.list_sync_executions(rid, &Default::default()).await;
    assert_eq!(hist.unwrap().items.len(), 1, "only the creation's sync ran");
    let audit = app.audit(&root, "git.webhook").await;
    assert_eq!(
        audit.iter().filter(|a| a["outcome"] == "denied").count(),
        3,
        "{audit:?}"
    );
    assert_eq!(
        audit
            .iter()
            .filter(|a| a["details"]["result"] == "ignored")
            .count(),
        2
    );

    // Accepted: a signed push to main syncs and redeploys in the background.
    let res = deliver(Some(sign(&secret, &push)), "push", push.clone())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let r: Value = res.json().await.unwrap();
    let ex = finished(&app, &root, r["execution_id"].as_str().unwrap()).await;
    assert_eq!(ex["status"], "succeeded", "{ex}");
    assert_eq!(ex["trigger"], "webhook");
    assert_eq!(ex["commit"], sha2.as_str());
    let deps = ex["deployment_ids"].as_array().unwrap();
    assert_eq!(deps.len(), 1, "{ex}");
    let d2 = deployed(&c, deps[0].as_str().unwrap().parse().unwrap()).await;
    assert_eq!(d2.run.status, RunStatus::Succeeded, "{d2:?}");
    assert_eq!(d2.run.trigger, Trigger::Webhook);
    assert_eq!(d2.git_commit.as_deref(), Some(sha2.as_str()));
    assert_eq!(running_rev(&sock, &name), "2");
    let st_now = c.stack(sid).await.unwrap();
    assert_eq!(st_now.deployed_commit.as_deref(), Some(sha2.as_str()));
    assert_eq!(st_now.compose_content, Some(compose("2")));
    // The same delivery again: synced, nothing to redeploy (the commit is deployed).
    let res = deliver(Some(sign(&secret, &push)), "push", push.clone())
        .await
        .unwrap();
    let r: Value = res.json().await.unwrap();
    let ex = finished(&app, &root, r["execution_id"].as_str().unwrap()).await;
    assert_eq!(ex["deployment_ids"], json!([]));

    // The repository cannot go while the stack uses it; clean up.
    let refused = c.delete_git_repository(rid).await;
    assert_eq!(refused.refused(), ErrorCode::Conflict);
    let ev = sse_events(
        &app,
        &root,
        Method::POST,
        &format!("/stacks/{sid}/down"),
        None,
        |e| e.last().is_some_and(|x| x["kind"] == "done"),
    )
    .await;
    assert_eq!(ev.last().unwrap()["status"], "succeeded");
    drop(daemon);
}

#[tokio::test]
async fn scheduled_sync_runs_once_across_replicas_with_a_controlled_clock() {
    let app = spawn_app_with(|c| c.scheduler.enabled = false).await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let project = app.project(&root, org, "shop").await;
    allow_local(&app, &root).await;
    let remote = Remote::new();
    let sha = remote.commit(&[("docker-compose.yml", &compose("1"))], "one");
    let c = app.typed(&root);
    let url = format!("file://{}", remote.bare().display());
    let scheduled = GitRepositoryInput {
        sync_cron: Some("*/5 * * * *".into()),
        ..repository("app", &url)
    };
    let created = c.create_git_repository(project, &scheduled).await.unwrap();
    let rid = created.repository.id;
    let due = created.repository.next_sync_at.unwrap();
    assert_eq!(due.timestamp() % 300, 0, "on a five-minute boundary");

    // Two replicas' schedulers, one clock we move by hand.
    let a = windflow_server::app::core(&app.config).await.unwrap();
    let b = windflow_server::app::core(&app.config).await.unwrap();
    use windflow_core::services::gitops::run_due;
    let before = run_due(&a, due - chrono::TimeDelta::seconds(1))
        .await
        .unwrap();
    assert!(before.is_empty(), "not due yet");
    let t = due + chrono::TimeDelta::seconds(1);
    let (ra, rb) = tokio::join!(run_due(&a, t), run_due(&b, t));
    let ran = ra.unwrap().len() + rb.unwrap().len();
    assert_eq!(ran, 1, "one execution for one due time across replicas");
    let repo = c.git_repository(rid).await.unwrap();
    let next = repo.next_sync_at.unwrap();
    assert_eq!(next, due + chrono::TimeDelta::minutes(5));
    assert_eq!(repo.last_commit, Some(sha));
    // Before the next due time nothing runs; at it, the next one does.
    assert!(
        run_due(&b, due + chrono::TimeDelta::minutes(3))
            .await
            .unwrap()
            .is_empty()
    );
    let sha2 = remote.commit(&[("docker-compose.yml", &compose("2"))], "two");
    assert_eq!(
        run_due(&b, next + chrono::TimeDelta::seconds(2))
            .await
            .unwrap()
            .len(),
        1
    );
    let hist = c.list_sync_executions(rid, &Default::default()).await;
    let items = hist.unwrap().items;
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|e| e.run.trigger == Trigger::Schedule && e.run.status == RunStatus::Succeeded)
    );
    assert_eq!(items[0].commit, Some(sha2));
    assert_eq!(items[0].scheduled_for, Some(next));
    assert_eq!(items[1].scheduled_for, Some(due));
}

#[tokio::test]
async fn sync_over_http_with_a_token_credential() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let project = app.project(&root, org, "shop").await;
    allow_local(&app, &root).await;
    let remote = Remote::new();
    let sha = remote.commit(&[("docker-compose.yml", &compose("1"))], "one");
    let server = git_http(remote.root.path(), "bot", "tok-s3cret-123");
    let url = format!("http://127.0.0.1:{}/app.git", server.port);
    let c = app.typed(&root);
    let mut cred_ids = vec![];
    for token in ["tok-s3cret-123", "wrong-token"] {
        let https = CreateGitCredential {
            name: token.into(),
            kind: GitCredentialKind::Https,
            username: Some("bot".into()),
            token: Some(token.into()),
            private_key: None,
            passphrase: None,
        };
        cred_ids.push(c.create_git_credential(project, &https).await.unwrap().id);
    }
    let mut results = vec![];
    for (name, cred) in [
        ("good", Some(cred_ids[0])),
        ("bad", Some(cred_ids[1])),
        ("anon", None),
    ] {
        let repo = GitRepositoryInput {
            credential_id: cred,
            ..repository(name, &url)
        };
        let rid = c.create_git_repository(project, &repo).await.unwrap();
        // Raw: the whole answer is searched for the token.
        let sync = format!("/git-repositories/{}/sync", rid.repository.id);
        results.push(app.call(&root, Method::POST, &sync, None).await.1);
    }
    assert_eq!(results[0]["status"], "succeeded", "{}", results[0]);
    assert_eq!(results[0]["commit"], sha.as_str());
    for ex in &results[1..] {
        assert_eq!(ex["status"], "failed", "{ex}");
        let err = ex["error"].as_str().unwrap().to_lowercase();
        assert!(err.contains("auth") || err.contains("credential"), "{err}");
        assert!(
            !ex.to_string().contains("wrong-token"),
            "the token never shows"
        );
    }
}

/// sshd's path: `WF_TEST_SSHD` (set by scripts/test.sh, which installs it), else skip outside CI.
fn sshd() -> Option<String> {
    match std::env::var("WF_TEST_SSHD") {
        Ok(s) => Some(s),
        Err(_) if std::env::var("CI").is_ok() || std::env::var("WF_REQUIRE_DOCKER").is_ok() => {
            panic!("WF_TEST_SSHD is required (scripts/test.sh installs OpenSSH's server)")
        }
        Err(_) => {
            eprintln!("no WF_TEST_SSHD: the Git-over-SSH test is not run");
            None
        }
    }
}

#[tokio::test]
async fn sync_over_ssh_with_a_key_and_passphrase() {
    let Some(sshd) = sshd() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let project = app.project(&root, org, "shop").await;
    allow_local(&app, &root).await;
    let remote = Remote::new();
    let sha = remote.commit(&[("docker-compose.yml", &compose("1"))], "one");
    let keys = tempfile::tempdir().unwrap();
    let k = keys.path();
    let keygen = |file: &str, pass: &str| {
        let st = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-C", "wf-test", "-N", pass, "-f"])
            .arg(k.join(file))
            .status()
            .unwrap();
        assert!(st.success());
    };
    keygen("host", "");
    keygen("client", "key-pass-123");
    std::fs::copy(k.join("client.pub"), k.join("authorized_keys")).unwrap();
    let port = free_port();
    let opt = |o: String| ["-o".to_owned(), o];
    let mut args = vec![
        "-D".to_owned(),
        "-e".into(),
        "-f".into(),
        "/dev/null".into(),
        "-p".into(),
        port.to_string(),
    ];
    for o in [
        "ListenAddress=127.0.0.1".to_owned(),
        format!("HostKey={}", k.join("host").display()),
        format!("AuthorizedKeysFile={}", k.join("authorized_keys").display()),
        "StrictModes=no".into(),
        "PasswordAuthentication=no".into(),
        "KbdInteractiveAuthentication=no".into(),
        "UsePAM=no".into(),
        "PidFile=none".into(),
        "PermitRootLogin=prohibit-password".into(),
    ] {
        args.extend(opt(o));
    }
    let mut cmd = Command::new(&sshd);
    cmd.args(&args);
    let server = Server::start(cmd, port);
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_owned();
    let url = format!("ssh://{user}@127.0.0.1:{port}{}", remote.bare().display());
    let key = std::fs::read_to_string(k.join("client")).unwrap();
    let c = app.typed(&root);
    let mut results = vec![];
    let mut rids = vec![];
    for (name, pass) in [("good", "key-pass-123"), ("bad", "not-the-passphrase")] {
        let ssh = CreateGitCredential {
            username: Some(user.clone()),
            private_key: Some(key.clone()),
            passphrase: Some(pass.into()),
            ..credential(name, GitCredentialKind::Ssh)
        };
        let cred = c.create_git_credential(project, &ssh).await.unwrap();
        let repo = GitRepositoryInput {
            credential_id: Some(cred.id),
            ..repository(name, &url)
        };
        let rid = c.create_git_repository(project, &repo).await;
        let rid = rid.unwrap().repository.id;
        rids.push(rid);
        // Raw: the whole answer is searched for the passphrase.
        let sync = format!("/git-repositories/{rid}/sync");
        results.push(app.call(&root, Method::POST, &sync, None).await.1);
    }
    // The server's host key was pinned on the first sync; another key is refused (issue 11).
    let good = c.git_repository(rids[0]).await.unwrap();
    let pinned = good.ssh_host_key.clone().unwrap_or_default();
    assert!(
        pinned.starts_with("SHA256:") && pinned.len() == 50,
        "{good:?}"
    );
    let now = SyncQuery::default();
    let again = c.sync_git_repository(rids[0], &now).await.unwrap();
    assert_eq!(
        again.run.status,
        RunStatus::Succeeded,
        "the pinned key still matches: {again:?}"
    );
    let backend = app.db.get_database_backend();
    let sql = if backend == sea_orm::DatabaseBackend::Postgres {
        "UPDATE git_repositories SET ssh_host_key = $1 WHERE id = $2"
    } else {
        "UPDATE git_repositories SET ssh_host_key = ? WHERE id = ?"
    };
    app.db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [
                "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
                rids[0].into(),
            ],
        ))
        .await
        .unwrap();
    let changed = c.sync_git_repository(rids[0], &now).await.unwrap();
    assert_eq!(changed.run.status, RunStatus::Failed, "{changed:?}");
    assert!(
        changed
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("host key changed"),
        "{changed:?}"
    );
    drop(server);
    assert_eq!(results[0]["status"], "succeeded", "{}", results[0]);
    assert_eq!(results[0]["commit"], sha.as_str());
    assert_eq!(results[1]["status"], "failed", "{}", results[1]);
    assert!(!results[1].to_string().contains("not-the-passphrase"));
}
