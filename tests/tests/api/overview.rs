//! The home dashboard (`GET /organizations/{id}/overview`) and the global search
//! (`GET /search`), against the real Docker engine: counts that follow the engine and the
//! database, sections hidden by permission, other tenants' objects never found, and the
//! search text taken literally.
use uuid::Uuid;
use windflow_api::ErrorCode;
use windflow_api::docker::{ContainerQuery, ContainerSummary, RemoveQuery};
use windflow_api::overview::{AttentionKind, ContainerCounts, SearchKind, SearchQuery};
use windflow_tests::{Refused, container, socket_endpoint, spawn_app};

use super::docker::{socket, unique};
use super::stacks::stack;

const FORCE: RemoveQuery = RemoveQuery {
    force: Some(true),
    volumes: None,
};

/// The overview's container counts once they match the engine's own list (taken through the
/// containers API just before and just after the overview, and equal): retried up to 20 times.
async fn settled(c: &windflow_client::Client, org: Uuid, ep: Uuid) -> ContainerCounts {
    let all = ContainerQuery {
        all: Some(true),
        ..Default::default()
    };
    let tally = |list: Vec<ContainerSummary>| {
        let running = list.iter().filter(|x| x.state == "running").count() as u64;
        (list.len() as u64, running, list.len() as u64 - running)
    };
    for _ in 0..20 {
        let first = tally(c.list_containers(ep, &all).await.unwrap());
        let o = c.overview(org).await.unwrap().containers.unwrap();
        let second = tally(c.list_containers(ep, &all).await.unwrap());
        if first == second {
            assert_eq!((o.total, o.running, o.stopped), first, "{o:?}");
            return o;
        }
    }
    panic!("the engine's container list never held still");
}

fn search(q: &str) -> SearchQuery {
    SearchQuery {
        q: q.into(),
        per_kind: None,
    }
}

#[tokio::test]
async fn overview_counts_follow_the_engine_and_hide_what_the_caller_may_not_read() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let c = app.typed(&root);
    let org = app.org(&root, "Acme").await;
    let project = app.project(&root, org, "shop").await;
    let env = app.environment(&root, project, "prod").await;
    let ep = c
        .create_endpoint(env, &socket_endpoint("local", &sock))
        .await
        .unwrap();
    c.test_endpoint(ep.id).await.unwrap();
    // An endpoint nobody listens on: down after its check, and on the attention list.
    let dead = c
        .create_endpoint(env, &socket_endpoint("dead", "/tmp/wf-no-such-docker.sock"))
        .await
        .unwrap();
    let _ = c.test_endpoint(dead.id).await;

    // The engine is shared with the other tests, which add and remove containers meanwhile:
    // each overview is compared with the engine's own list taken just before and after it,
    // retried until the two lists agree.
    let name = unique("wf-ov");
    let mine = c
        .create_container(
            ep.id,
            &container(&name, "local/busybox:1", &["sleep", "300"]),
        )
        .await
        .unwrap()
        .id;
    let created = settled(&c, org, ep.id).await;
    c.container_action(ep.id, &mine, "start").await.unwrap();
    let after = c.overview(org).await.unwrap();
    let started = settled(&c, org, ep.id).await;
    let eps = after.endpoints.expect("the superadmin reads endpoints");
    assert_eq!((eps.total, eps.up, eps.down), (2, 1, 1), "{eps:?}");
    assert!(created.total >= 1 && started.running >= 1);
    assert_eq!(
        after
            .containers
            .unwrap()
            .unreachable
            .iter()
            .map(|e| e.id)
            .collect::<Vec<_>>(),
        vec![dead.id],
        "the dead endpoint's engine is named, not counted"
    );
    c.container_action(ep.id, &mine, "stop").await.unwrap();
    let stopped = settled(&c, org, ep.id).await;
    assert!(stopped.stopped >= 1);
    assert!(
        after
            .attention
            .iter()
            .any(|i| i.kind == AttentionKind::EndpointDown && i.id == dead.id),
        "{:?}",
        after.attention
    );

    // A stack is counted in its state.
    c.create_stack(
        ep.id,
        &stack("web", "services:\n  app:\n    image: local/busybox:1\n"),
    )
    .await
    .unwrap();
    let o = c.overview(org).await.unwrap();
    let s = o.stacks.unwrap();
    assert_eq!((s.total, s.draft, s.deployed), (1, 1, 0));
    // The superadmin reads the audit log: the stack's creation is there.
    let audit = o.recent_audit.expect("audit:read");
    assert!(
        audit.iter().any(|e| e.action == "stack.create"),
        "{audit:?}"
    );

    // A plain member (system role `user`) reads containers but neither endpoints nor the
    // audit log: those sections are null, not zero.
    let member = app.user(&root, "mia").await;
    app.add_member(&root, org, &member, "member").await;
    let seen = app.typed(&member).overview(org).await.unwrap();
    assert!(
        seen.recent_audit.is_none() && seen.endpoints.is_none(),
        "{seen:?}"
    );
    assert!(seen.containers.is_some());
    // A viewer (`*:read`) sees every section.
    let viewer = app.user(&root, "vic").await;
    app.add_member(&root, org, &viewer, "viewer").await;
    let seen = app.typed(&viewer).overview(org).await.unwrap();
    assert_eq!(seen.endpoints.unwrap().total, 2);
    assert!(seen.recent_audit.is_some_and(|a| !a.is_empty()));
    // Someone outside the organization: 404, as for any object of another tenant.
    let outsider = app.user(&root, "otto").await;
    let other = app.org(&root, "Other").await;
    app.add_member(&root, other, &outsider, "owner").await;
    assert_eq!(
        app.typed(&outsider).overview(org).await.refused(),
        ErrorCode::NotFound
    );
    let theirs = app.typed(&outsider).overview(other).await.unwrap();
    assert_eq!(
        theirs.endpoints.unwrap().total,
        0,
        "another org counts nothing of Acme"
    );
    let _ = c.remove_container(ep.id, &mine, &FORCE).await;
}

#[tokio::test]
async fn search_finds_what_the_caller_may_read_by_name() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let c = app.typed(&root);
    let org = app.org(&root, "Acme").await;
    let project = app.project(&root, org, "Webshop").await;
    let env = app.environment(&root, project, "prod").await;
    let ep = c
        .create_endpoint(env, &socket_endpoint("web-host", &sock))
        .await
        .unwrap();
    c.test_endpoint(ep.id).await.unwrap();
    let cname = unique("wfsearch.web");
    let cid = c
        .create_container(
            ep.id,
            &container(&cname, "local/busybox:1", &["sleep", "300"]),
        )
        .await
        .unwrap()
        .id;
    let other = app.org(&root, "Other").await;
    app.project(&root, other, "web-secret-project").await;

    // Case-insensitive, every kind: the project, the endpoint, the container.
    let hits = c.search(&search("WEB")).await.unwrap().items;
    let kinds: Vec<(SearchKind, &str)> = hits.iter().map(|h| (h.kind, h.name.as_str())).collect();
    assert!(
        kinds.contains(&(SearchKind::Project, "Webshop")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(SearchKind::Endpoint, "web-host")),
        "{kinds:?}"
    );
    let ch = c.search(&search(&cname)).await.unwrap().items;
    let found = ch
        .iter()
        .find(|h| h.kind == SearchKind::Container)
        .expect("the container is found");
    assert_eq!(
        (found.name.as_str(), found.endpoint_id),
        (cname.as_str(), Some(ep.id))
    );
    assert_eq!(found.context, "Acme › Webshop › prod › web-host");
    // The text is literal, not a pattern: `.` matches only a dot.
    let dotted = cname.replace('.', "x");
    assert!(
        c.search(&search(&dotted))
            .await
            .unwrap()
            .items
            .iter()
            .all(|h| h.kind != SearchKind::Container),
        "`.` in the search text is not a wildcard"
    );

    // A member of Acme only: Other's project is never found, nor other users beyond Acme.
    let mia = app.user(&root, "mia").await;
    app.add_member(&root, org, &mia, "viewer").await;
    let otto = app.user(&root, "otto").await;
    app.add_member(&root, other, &otto, "owner").await;
    let m = app.typed(&mia);
    let names: Vec<String> = m
        .search(&search("web"))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|h| h.name)
        .collect();
    assert!(names.contains(&"Webshop".to_owned()), "{names:?}");
    assert!(
        !names.contains(&"web-secret-project".to_owned()),
        "{names:?}"
    );
    let users: Vec<String> = m
        .search(&search("tt"))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|h| h.kind == SearchKind::User)
        .map(|h| h.name)
        .collect();
    assert!(users.is_empty(), "otto is not in Acme: {users:?}");
    // The superadmin finds every user.
    assert!(
        c.search(&search("tt"))
            .await
            .unwrap()
            .items
            .iter()
            .any(|h| h.kind == SearchKind::User && h.name == "otto")
    );

    // Bad input: 422 naming the field, as the contract declares.
    assert_eq!(c.search(&search("   ")).await.fields(), vec!["q"]);
    assert_eq!(
        c.search(&search(&"x".repeat(101))).await.fields(),
        vec!["q"]
    );
    let zero = SearchQuery {
        per_kind: Some(0),
        ..search("web")
    };
    assert_eq!(c.search(&zero).await.fields(), vec!["per_kind"]);
    let one = SearchQuery {
        per_kind: Some(1),
        ..search("e")
    };
    let items = c.search(&one).await.unwrap().items;
    for kind in [SearchKind::Project, SearchKind::Endpoint, SearchKind::User] {
        assert!(items.iter().filter(|h| h.kind == kind).count() <= 1);
    }
    let _ = c.remove_container(ep.id, &cid, &FORCE).await;
}

/// Without credentials both answer 401; a search text or `per_kind` outside the declared
/// bounds is a 422 naming the field.
#[tokio::test]
async fn unauthenticated_is_401_and_out_of_bounds_input_is_422() {
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let org = app.org(&root, "Acme").await;
    let anon = app.anon();
    assert_eq!(
        anon.overview(org).await.refused(),
        ErrorCode::Unauthenticated
    );
    let q = |text: &str, per_kind: Option<u64>| SearchQuery {
        q: text.into(),
        per_kind,
    };
    assert_eq!(
        anon.search(&q("acme", None)).await.refused(),
        ErrorCode::Unauthenticated
    );
    let c = app.typed(&root);
    for (bad, field) in [
        (q("", None), "q"),
        (q(&"x".repeat(101), None), "q"),
        (q("acme", Some(0)), "per_kind"),
        (q("acme", Some(21)), "per_kind"),
    ] {
        match c.search(&bad).await {
            Err(windflow_client::ClientError::Problem(p)) => {
                assert_eq!(p.code, ErrorCode::ValidationFailed, "{bad:?}");
                assert!(
                    p.errors.iter().flatten().any(|e| e.field == field),
                    "{bad:?}: {:?}",
                    p.errors
                );
            }
            other => panic!("{bad:?} accepted: {other:?}"),
        }
    }
    assert!(c.search(&q("acme", Some(20))).await.is_ok());
}
