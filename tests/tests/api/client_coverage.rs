//! The typed client covers the whole OpenAPI document: its [`OPERATIONS`] table matches the
//! committed document both ways and names real client methods, and a flow per area that needs
//! no Docker engine runs through the client against the real server.
use std::collections::{BTreeMap, BTreeSet};

use windflow_api::access::{
    CreateRole, CreateRoleBinding, PermissionsQuery, ScopeType, SubjectType, UpdateRole,
};
use windflow_api::audit::AuditQuery;
use windflow_api::auth::{ChangePasswordRequest, LoginRequest, RefreshRequest, SetupRequest};
use windflow_api::docker::{
    ContainerQuery, CreateRegistryCredential, EndpointStatus, MetricsQuery, UpdateEndpoint,
    UpdateRegistryCredential,
};
use windflow_api::git::{CreateGitCredential, GitCredentialKind, UpdateGitCredential};
use windflow_api::tenancy::{
    AddGroupMember, AddMember, CreateEnvironment, CreateGroup, CreateOrganization, CreateProject,
    EnvironmentType, MembershipRole, UpdateEnvironment, UpdateGroup, UpdateMember,
    UpdateOrganization, UpdateProject,
};
use windflow_api::users::{CreateUser, UpdateUser};
use windflow_api::{ErrorCode, PageQuery};
use windflow_client::{Client, OPERATIONS};
use windflow_tests::{PASSWORD, spawn_app};

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// `(METHOD, path)` of every operation of the committed document.
fn document_operations() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(format!("{WORKSPACE}/openapi/windflow.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if [
                "get", "post", "put", "patch", "delete", "head", "options", "trace",
            ]
            .contains(&method.as_str())
            {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

#[test]
fn client_operations_match_the_openapi_document_both_ways() {
    let doc = document_operations();
    assert!(
        doc.len() > 100,
        "the document lists {} operations",
        doc.len()
    );
    let mut table = BTreeSet::new();
    let mut functions = BTreeMap::new();
    for op in OPERATIONS {
        assert!(
            table.insert((op.method.to_owned(), op.path.to_owned())),
            "{} {} is listed twice",
            op.method,
            op.path
        );
        if let Some(other) = functions.insert(op.function, op.path) {
            panic!(
                "{} covers both {other} and {}: one method per operation",
                op.function, op.path
            );
        }
    }
    let missing: Vec<_> = doc.difference(&table).collect();
    let extra: Vec<_> = table.difference(&doc).collect();
    assert!(missing.is_empty(), "not covered by the client: {missing:?}");
    assert!(extra.is_empty(), "not in the OpenAPI document: {extra:?}");

    // Every method named by the table exists as a public method of the client, with a doc
    // comment naming its route.
    let dir = format!("{WORKSPACE}/crates/windflow-client/src");
    let mut source = String::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            source.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    for op in OPERATIONS {
        let route = op.path.trim_start_matches("/api/v1");
        let at = ["pub async fn ", "pub fn "]
            .iter()
            .find_map(|p| {
                let needle = format!("{p}{}(", op.function);
                source
                    .find(&needle)
                    .or_else(|| source.find(&format!("{p}{}<", op.function)))
            })
            .unwrap_or_else(|| panic!("no client method {}", op.function));
        // The doc block: the `///` lines right above the signature.
        let docs: Vec<&str> = source[..at]
            .lines()
            .rev()
            .skip(1)
            .map(str::trim)
            .take_while(|l| l.starts_with("///"))
            .collect();
        let docs = docs.join(" ");
        assert!(
            docs.contains(&format!("`{} {route}`", op.method)),
            "the doc comment of {} does not name `{} {route}`",
            op.function,
            op.method
        );
    }
}

fn page(q: &str) -> PageQuery {
    PageQuery {
        q: Some(q.into()),
        ..PageQuery::default()
    }
}

#[tokio::test]
async fn client_drives_every_area_without_docker() {
    let app = spawn_app().await;
    let anon = Client::new(&app.base);

    // Setup, login, refresh, session.
    assert!(anon.setup_status().await.unwrap().required);
    let first = anon
        .setup(&SetupRequest {
            token: app.setup_token.clone().unwrap(),
            username: "root".into(),
            email: "root@example.org".into(),
            password: PASSWORD.into(),
            display_name: None,
        })
        .await
        .unwrap();
    assert!(first.user.is_superadmin);
    assert!(!anon.setup_status().await.unwrap().required);
    let tokens = anon
        .login(&LoginRequest {
            login: "root".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
    let rotated = anon
        .refresh(&RefreshRequest {
            refresh_token: Some(tokens.refresh_token.clone()),
        })
        .await
        .unwrap();
    assert_ne!(rotated.refresh_token, tokens.refresh_token);
    let root = Client::new(&app.base).with_bearer(rotated.access_token);
    let me = root.session().await.unwrap();
    assert_eq!(me.user.username, "root");
    let sessions = root.my_sessions().await.unwrap();
    assert!(sessions.iter().any(|s| s.current && s.id == me.session_id));
    root.revoke_session(first.session_id).await.unwrap();
    assert!(
        !root
            .my_sessions()
            .await
            .unwrap()
            .iter()
            .any(|s| s.id == first.session_id)
    );

    // Settings.
    let mut auth = root.auth_settings().await.unwrap();
    auth.password_min_length = 14;
    assert_eq!(root.set_auth_settings(&auth).await.unwrap(), auth);
    assert_eq!(root.auth_settings().await.unwrap().password_min_length, 14);
    let mut platform = root.platform_settings().await.unwrap();
    platform.allow_local_endpoints = !platform.allow_local_endpoints;
    assert_eq!(
        root.set_platform_settings(&platform).await.unwrap(),
        platform
    );
    assert_eq!(root.platform_settings().await.unwrap(), platform);

    // Users.
    let alice = root
        .create_user(&CreateUser {
            username: "alice".into(),
            email: "alice@example.org".into(),
            password: PASSWORD.into(),
            display_name: None,
            is_superadmin: false,
        })
        .await
        .unwrap();
    let listed = root.list_users(&page("ali")).await.unwrap();
    assert_eq!(
        listed.items.iter().map(|u| u.id).collect::<Vec<_>>(),
        [alice.id]
    );
    let renamed = root
        .update_user(
            alice.id,
            &UpdateUser {
                display_name: Some("Alice A.".into()),
                ..UpdateUser::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.display_name.as_deref(), Some("Alice A."));
    assert_eq!(root.user(alice.id).await.unwrap(), renamed);

    // Organizations and members.
    let org = root
        .create_organization(&CreateOrganization {
            name: "Acme".into(),
            description: None,
            settings: None,
        })
        .await
        .unwrap();
    let org = root
        .update_organization(
            org.id,
            &UpdateOrganization {
                description: Some("anvils".into()),
                ..UpdateOrganization::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(root.organization(org.id).await.unwrap(), org);
    assert_eq!(
        root.list_organizations(&page("acm")).await.unwrap().items,
        std::slice::from_ref(&org)
    );
    let m = root
        .add_member(
            org.id,
            &AddMember {
                user_id: None,
                username: Some("alice".into()),
                role: MembershipRole::Viewer,
            },
        )
        .await
        .unwrap();
    assert_eq!(m.user_id, alice.id);
    let m = root
        .update_member(
            org.id,
            alice.id,
            &UpdateMember {
                role: MembershipRole::Member,
            },
        )
        .await
        .unwrap();
    assert_eq!(m.role, MembershipRole::Member);
    let members = root
        .list_members(org.id, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(members.items.len(), 2);
    let perms = root
        .user_permissions(
            alice.id,
            &PermissionsQuery {
                scope: Some(format!("organization:{}", org.id)),
            },
        )
        .await
        .unwrap();
    assert_eq!(perms.scope, format!("organization:{}", org.id));
    assert!(perms.permissions.iter().any(|p| p == "containers:read"));

    // Groups.
    let group = root
        .create_group(
            org.id,
            &CreateGroup {
                name: "ops".into(),
                description: None,
            },
        )
        .await
        .unwrap();
    let group = root
        .update_group(
            group.id,
            &UpdateGroup {
                name: Some("operators".into()),
                description: None,
            },
        )
        .await
        .unwrap();
    root.add_group_member(group.id, &AddGroupMember { user_id: alice.id })
        .await
        .unwrap();
    let gm = root.group_members(group.id).await.unwrap();
    assert_eq!(gm.iter().map(|m| m.user_id).collect::<Vec<_>>(), [alice.id]);
    assert_eq!(root.group(group.id).await.unwrap().member_count, 1);
    assert_eq!(
        root.list_groups(org.id, &page("oper")).await.unwrap().items[0].id,
        group.id
    );

    // Projects and environments.
    let project = root
        .create_project(
            org.id,
            &CreateProject {
                name: "shop".into(),
                description: None,
                color: None,
                status: None,
                owner_id: None,
            },
        )
        .await
        .unwrap();
    let project = root
        .update_project(
            project.id,
            &UpdateProject {
                description: Some("web shop".into()),
                ..UpdateProject::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(root.project(project.id).await.unwrap(), project);
    assert_eq!(
        root.list_projects(org.id, &page("sho"))
            .await
            .unwrap()
            .items,
        std::slice::from_ref(&project)
    );
    let env = root
        .create_environment(
            project.id,
            &CreateEnvironment {
                name: "prod".into(),
                env_type: EnvironmentType::Production,
                description: None,
            },
        )
        .await
        .unwrap();
    let env = root
        .update_environment(
            env.id,
            &UpdateEnvironment {
                description: Some("live".into()),
                ..UpdateEnvironment::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(root.environment(env.id).await.unwrap(), env);
    assert_eq!(
        root.list_environments(project.id, &PageQuery::default())
            .await
            .unwrap()
            .items,
        std::slice::from_ref(&env)
    );

    // Roles and bindings.
    let catalog = root.permissions().await.unwrap();
    assert!(catalog.iter().any(|p| p.name == "stacks:deploy"));
    let role = root
        .create_role(
            org.id,
            &CreateRole {
                name: "deployer".into(),
                description: None,
                permissions: vec!["stacks:read".into()],
                parent_ids: vec![],
            },
        )
        .await
        .unwrap();
    let role = root
        .update_role(
            role.id,
            &UpdateRole {
                permissions: Some(vec!["stacks:read".into(), "stacks:deploy".into()]),
                ..UpdateRole::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(root.role(role.id).await.unwrap(), role);
    let roles = root
        .list_roles(org.id, &PageQuery::default())
        .await
        .unwrap();
    assert!(roles.items.iter().any(|r| r.is_system));
    assert!(roles.items.iter().any(|r| r.id == role.id));
    let binding = root
        .create_role_binding(
            org.id,
            &CreateRoleBinding {
                role_id: role.id,
                subject_type: SubjectType::Group,
                subject_id: group.id,
                scope_type: ScopeType::Environment,
                scope_id: env.id,
            },
        )
        .await
        .unwrap();
    assert!(
        root.list_role_bindings(org.id, &PageQuery::default())
            .await
            .unwrap()
            .items
            .contains(&binding)
    );
    let at_env = root
        .user_permissions(
            alice.id,
            &PermissionsQuery {
                scope: Some(format!("environment:{}", env.id)),
            },
        )
        .await
        .unwrap();
    assert!(at_env.permissions.iter().any(|p| p == "stacks:deploy"));

    // Docker rows that need no engine: endpoint CRUD, registries, and engine calls failing
    // with the server's problem (an encoded image name still routes).
    let ep = root
        .create_endpoint(
            env.id,
            &windflow_tests::socket_endpoint("nowhere", "/tmp/wf-client-no-such-engine.sock"),
        )
        .await
        .unwrap();
    let ep = root
        .update_endpoint(
            ep.id,
            &UpdateEndpoint {
                name: Some("nowhere-else".into()),
                ..UpdateEndpoint::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(root.endpoint(ep.id).await.unwrap().name, "nowhere-else");
    assert_eq!(
        root.list_endpoints(env.id, &PageQuery::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert_eq!(
        root.test_endpoint(ep.id).await.unwrap().status,
        EndpointStatus::Down
    );
    let err = root
        .list_containers(ep.id, &ContainerQuery::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::EngineUnavailable), "{err}");
    let err = root
        .inspect_image(ep.id, "library/nginx:1.27")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::EngineUnavailable), "{err}");
    let all = root
        .list_all_containers(&ContainerQuery::default())
        .await
        .unwrap();
    assert!(all.items.is_empty());
    assert_eq!(all.errors.len(), 1);
    assert!(
        root.list_stacks(ep.id, &PageQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        root.list_events(ep.id, &PageQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        root.host_metrics(ep.id, &MetricsQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        root.exec_url(ep.id, "web", &Default::default())
            .unwrap()
            .starts_with("ws://")
    );
    let reg = root
        .create_registry(
            org.id,
            &CreateRegistryCredential {
                name: "hub".into(),
                server: "registry.example.org".into(),
                username: "bot".into(),
                password: "s3cret-token".into(),
            },
        )
        .await
        .unwrap();
    let reg = root
        .update_registry(
            reg.id,
            &UpdateRegistryCredential {
                username: Some("robot".into()),
                ..UpdateRegistryCredential::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(reg.username, "robot");
    assert_eq!(
        root.list_registries(org.id, &PageQuery::default())
            .await
            .unwrap()
            .items,
        std::slice::from_ref(&reg)
    );
    root.delete_registry(reg.id).await.unwrap();

    // Git credentials and repositories.
    let cred = root
        .create_git_credential(
            project.id,
            &CreateGitCredential {
                name: "deploy-token".into(),
                kind: GitCredentialKind::Https,
                username: Some("bot".into()),
                token: Some("t0ken".into()),
                private_key: None,
                passphrase: None,
            },
        )
        .await
        .unwrap();
    assert!(cred.has_secret);
    let cred = root
        .update_git_credential(
            cred.id,
            &UpdateGitCredential {
                name: Some("ci-token".into()),
                ..UpdateGitCredential::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        root.list_git_credentials(project.id, &PageQuery::default())
            .await
            .unwrap()
            .items,
        std::slice::from_ref(&cred)
    );
    assert!(
        root.list_git_repositories(project.id, &PageQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    root.delete_git_credential(cred.id).await.unwrap();

    // A user's own calls: password change, logout.
    let as_alice = {
        let t = anon
            .login(&LoginRequest {
                login: "alice".into(),
                password: PASSWORD.into(),
            })
            .await
            .unwrap();
        Client::new(&app.base).with_bearer(t.access_token)
    };
    assert_eq!(
        as_alice.session().await.unwrap().memberships[0].organization_id,
        org.id
    );
    as_alice
        .change_password(&ChangePasswordRequest {
            current_password: PASSWORD.into(),
            new_password: "another long passphrase".into(),
        })
        .await
        .unwrap();
    as_alice.logout().await.unwrap();
    assert_eq!(
        as_alice.session().await.unwrap_err().code(),
        Some(ErrorCode::Unauthenticated)
    );

    // Audit: the page and the export see the same rows.
    let filter = AuditQuery {
        organization_id: Some(org.id),
        action: Some("organization.".into()),
        ..AuditQuery::default()
    };
    let rows = root.list_audit(&filter).await.unwrap().items;
    let actions: Vec<_> = rows.iter().map(|r| r.action.as_str()).collect();
    assert!(actions.contains(&"organization.create"), "{actions:?}");
    assert!(actions.contains(&"organization.update"), "{actions:?}");
    let csv = root
        .export_audit(&AuditQuery {
            format: Some(windflow_api::audit::AuditExportFormat::Csv),
            ..filter.clone()
        })
        .await
        .unwrap();
    assert!(csv.starts_with("id,occurred_at,"), "{csv}");
    assert_eq!(csv.lines().count(), rows.len() + 1);

    // Deletions, then the objects are gone.
    root.delete_endpoint(ep.id).await.unwrap();
    root.delete_role_binding(binding.id).await.unwrap();
    root.delete_role(role.id).await.unwrap();
    root.remove_group_member(group.id, alice.id).await.unwrap();
    root.delete_group(group.id).await.unwrap();
    root.remove_member(org.id, alice.id).await.unwrap();
    root.delete_environment(env.id).await.unwrap();
    root.delete_project(project.id).await.unwrap();
    root.delete_organization(org.id).await.unwrap();
    root.delete_user(alice.id).await.unwrap();
    for err in [
        root.endpoint(ep.id).await.map(|_| ()).unwrap_err(),
        root.role(role.id).await.map(|_| ()).unwrap_err(),
        root.group(group.id).await.map(|_| ()).unwrap_err(),
        root.environment(env.id).await.map(|_| ()).unwrap_err(),
        root.project(project.id).await.map(|_| ()).unwrap_err(),
        root.organization(org.id).await.map(|_| ()).unwrap_err(),
        root.user(alice.id).await.map(|_| ()).unwrap_err(),
    ] {
        assert_eq!(err.code(), Some(ErrorCode::NotFound), "{err}");
    }
}
