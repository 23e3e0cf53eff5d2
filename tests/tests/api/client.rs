//! The typed client (the one the web app uses) against the real server, natively.
use windflow_api::ErrorCode;
use windflow_api::auth::LoginRequest;
use windflow_api::tenancy::{CreateOrganization, CreateProject};
use windflow_client::{Client, ClientError};
use windflow_tests::{PASSWORD, spawn_app};

#[tokio::test]
async fn typed_client_round_trip_and_problems() {
    let app = spawn_app().await;
    app.superadmin().await;
    let anon = Client::new(&app.base);
    assert!(!anon.setup_status().await.unwrap().required);
    let err = anon.session().await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Unauthenticated));
    let err = anon
        .login(&LoginRequest {
            login: "root".into(),
            password: "wrong password!".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(&err, ClientError::Problem(p) if p.status == 401 && p.request_id.is_some()));
    assert_eq!(err.to_string(), "invalid login or password");

    let tokens = anon
        .login(&LoginRequest {
            login: "root".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
    let c = Client::new(&app.base).with_bearer(tokens.access_token);
    let org = c
        .create_organization(&CreateOrganization {
            name: "Acme".into(),
            description: None,
            settings: None,
        })
        .await
        .unwrap();
    let p = c
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
    assert_eq!(c.projects(org.id).await.unwrap().items, vec![p]);
    let err = c
        .create_project(
            org.id,
            &CreateProject {
                name: "x".into(),
                description: None,
                color: Some("red".into()),
                status: None,
                owner_id: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ValidationFailed));
    assert!(
        err.to_string().contains("name:") && err.to_string().contains("color:"),
        "{err}"
    );
    c.delete(&format!(
        "/projects/{}",
        c.projects(org.id).await.unwrap().items[0].id
    ))
    .await
    .unwrap();
    assert!(c.projects(org.id).await.unwrap().items.is_empty());
    assert_eq!(c.session().await.unwrap().memberships.len(), 1);
    c.logout().await.unwrap();
    assert_eq!(
        c.session().await.unwrap_err().code(),
        Some(ErrorCode::Unauthenticated)
    );
}
