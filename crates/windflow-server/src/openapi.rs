//! The OpenAPI 3.1 document, generated from the handlers (`#[utoipa::path]`) collected by
//! `utoipa-actix-web`, with security schemes and the problem responses added once.
use actix_web::App;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_actix_web::{AppExt, scope};
use windflow_api::{ErrorCode, FieldError, PROBLEM_JSON, Problem};

use crate::routes;

/// Base document: info, tags, shared schemas.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "WindFlow API",
        description = "Self-hosted DevOps control plane. Errors are RFC 9457 problem documents \
            (`application/problem+json`) with a stable `code`. Lists page with an opaque keyset \
            `cursor`. Authenticate with `Authorization: Bearer <access token>` from \
            `POST /api/v1/auth/login`, or with the `wf_access` cookie plus `X-CSRF-Token` on mutations.",
        license(name = "AGPL-3.0-only")
    ),
    components(schemas(Problem, ErrorCode, FieldError)),
    tags(
        (name = "auth", description = "Setup, login, sessions"),
        (name = "users", description = "User administration"),
        (name = "organizations", description = "Tenants and memberships"),
        (name = "groups", description = "Groups of users"),
        (name = "projects", description = "Projects"),
        (name = "environments", description = "Deployment stages of projects"),
        (name = "access", description = "Permissions, roles, role bindings"),
        (name = "audit", description = "Audit trail"),
        (name = "settings", description = "Authentication and platform settings"),
        (name = "docker", description = "Docker endpoints and containers (live from the engines)"),
        (name = "stacks", description = "Compose stacks, variables, deployments and rollback"),
        (name = "git", description = "Git credentials and repositories, sync, webhooks, schedule executions")
    )
)]
struct ApiDoc;

/// Adds the security schemes, global security and the standard problem responses to every
/// operation that does not document them itself.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, api: &mut OpenApiDoc) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                windflow_api::ACCESS_COOKIE,
            ))),
        );
        let problem = ResponseBuilder::new()
            .description("Problem document (RFC 9457)")
            .content(
                PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(Problem::name())))
                    .build(),
            )
            .build();
        components
            .responses
            .insert("Problem".into(), RefOr::T(problem));
        api.security = Some(vec![
            SecurityRequirement::new("bearer", Vec::<String>::new()),
            SecurityRequirement::new("cookie", Vec::<String>::new()),
        ]);
        for item in api.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                for code in [
                    "400", "401", "403", "404", "409", "415", "422", "429", "500",
                ] {
                    op.responses
                        .responses
                        .entry(code.into())
                        .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Problem")));
                }
            }
        }
    }
}

/// The full document (built from a throwaway `App`; no server needed).
pub fn document() -> OpenApiDoc {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(scope("/api/v1").configure(routes::configure))
        .split_for_parts();
    Conventions.modify(&mut api);
    api
}

/// The document as pretty JSON with a trailing newline (the committed `openapi/windflow.json`).
pub fn document_json() -> String {
    let mut s = document().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}
