//! Volumes, networks and the engine's system documents, through the typed client.
use windflow_api::ErrorCode;
use windflow_api::docker::{
    CreateNetwork, CreateVolume, ForceQuery, NetworkMember, PullImage, RemoveQuery,
};
use windflow_tests::{Refused, container, spawn_app};

use super::{setup, socket, unique};

#[tokio::test]
async fn volumes_networks_and_system() {
    let Some(sock) = socket() else { return };
    let app = spawn_app().await;
    let root = app.superadmin().await;
    let s = setup(&app, &root, &sock).await;
    let (c, ep) = (app.typed(&root), s.endpoint);
    let vol = unique("wf-vol");
    let volume = |name: &str| CreateVolume {
        name: name.into(),
        driver: None,
        labels: [("wf".to_owned(), "1".to_owned())].into(),
    };
    let v = c.create_volume(ep, &volume(&vol)).await.unwrap();
    assert_eq!(v.name, vol);
    let list = c.list_volumes(ep).await.unwrap();
    assert!(list.iter().any(|x| x.name == vol));
    let doc = c.inspect_volume(ep, &vol).await.unwrap();
    assert_eq!(doc["Labels"]["wf"].as_str(), Some("1"));
    let no_force = ForceQuery { force: None };
    c.remove_volume(ep, &vol, &no_force).await.unwrap();
    assert_eq!(
        c.inspect_volume(ep, &vol).await.refused(),
        ErrorCode::NotFound
    );
    c.prune_volumes(ep).await.unwrap();

    let net = unique("wf-net");
    let internal = CreateNetwork {
        name: net.clone(),
        driver: None,
        internal: true,
        labels: Default::default(),
    };
    c.create_network(ep, &internal).await.unwrap();
    let spec = container(&unique("wf-net-c"), "local/busybox:1", &["sleep", "60"]);
    let cid = c.create_container(ep, &spec).await.unwrap().id;
    let member = NetworkMember {
        container: cid.clone(),
    };
    c.connect_network(ep, &net, &member).await.unwrap();
    let doc = c.inspect_network(ep, &net).await.unwrap();
    assert_eq!(doc["Internal"], true);
    c.disconnect_network(ep, &net, &member).await.unwrap();
    let list = c.list_networks(ep).await.unwrap();
    assert!(list.iter().any(|x| x.name == net && x.internal));
    c.remove_network(ep, &net).await.unwrap();
    c.prune_networks(ep).await.unwrap();
    let force = RemoveQuery {
        force: Some(true),
        volumes: None,
    };
    let _ = c.remove_container(ep, &cid, &force).await;

    for what in ["info", "version", "df"] {
        let doc = c.engine_system(ep, what).await.expect(what);
        assert!(doc.is_object());
    }
    assert_eq!(
        c.engine_system(ep, "secrets").await.refused(),
        ErrorCode::NotFound
    );
    // A viewer reads, but cannot create or delete.
    let viewer = app.user(&root, "viewer").await;
    app.add_member(&root, s.org, &viewer, "viewer").await;
    let as_viewer = app.typed(&viewer);
    as_viewer.list_volumes(ep).await.unwrap();
    as_viewer.engine_system(ep, "df").await.unwrap();
    let refused = as_viewer.create_volume(ep, &volume(&unique("v"))).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let refused = as_viewer.prune_networks(ep).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
    let pull = PullImage {
        image: "x".into(),
        tag: None,
        registry_id: None,
    };
    let refused = as_viewer.pull_image(ep, &pull).await;
    assert_eq!(refused.refused(), ErrorCode::Forbidden);
}
