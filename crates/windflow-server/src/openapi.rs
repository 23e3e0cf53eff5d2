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
    components(schemas(Problem, ErrorCode, FieldError, windflow_api::SortDir)),
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
                // OpenAPI 3.1 requires a description on every response object (issue 12).
                for (code, r) in op.responses.responses.iter_mut() {
                    if let RefOr::T(resp) = r
                        && resp.description.is_empty()
                    {
                        resp.description = reason(code).into();
                    }
                }
            }
        }
    }
}

/// Makes every `operationId` unique (OpenAPI requires it; handlers of different modules share
/// names such as `list`): a name used more than once becomes `<tag>_<name>`, then, if still
/// shared, `<tag>_<name>_<resource>` (the last literal segment of the path). Unique names stay
/// as they are.
fn unique_operation_ids(api: &mut OpenApiDoc) {
    use std::collections::HashMap;
    let mut ops: Vec<(&mut utoipa::openapi::path::Operation, String)> = vec![];
    for (path, item) in api.paths.paths.iter_mut() {
        let resource = path
            .split('/')
            .rfind(|seg| !seg.is_empty() && !seg.starts_with('{'))
            .unwrap_or_default()
            .replace('-', "_");
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ] {
            if let Some(op) = op.as_mut() {
                ops.push((op, resource.clone()));
            }
        }
    }
    for round in 0..2 {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (op, _) in &ops {
            *seen
                .entry(op.operation_id.clone().unwrap_or_default())
                .or_default() += 1;
        }
        for (op, resource) in ops.iter_mut() {
            let id = op.operation_id.clone().unwrap_or_default();
            if seen.get(&id).copied().unwrap_or(0) > 1 {
                let tag = op
                    .tags
                    .as_ref()
                    .and_then(|t| t.first().cloned())
                    .unwrap_or_default();
                op.operation_id = Some(if round == 0 {
                    format!("{tag}_{id}")
                } else {
                    format!("{id}_{resource}")
                });
            }
        }
    }
}

/// The standard reason phrase of an HTTP status code (RFC 9110), for response descriptions.
fn reason(code: &str) -> &'static str {
    match code {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No Content",
        "400" => "Bad Request",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "Not Found",
        "405" => "Method Not Allowed",
        "409" => "Conflict",
        "415" => "Unsupported Media Type",
        "422" => "Unprocessable Content",
        "429" => "Too Many Requests",
        "500" => "Internal Server Error",
        "502" => "Bad Gateway",
        "503" => "Service Unavailable",
        _ => "Response",
    }
}

/// Every API path template of `doc` (split in segments) with its methods in upper case, for
/// answering 405 with `Allow` to a known path asked with another method.
pub fn route_table(doc: &OpenApiDoc) -> Vec<(Vec<String>, Vec<String>)> {
    doc.paths
        .paths
        .iter()
        .map(|(path, item)| {
            let mut methods = vec![];
            for (m, op) in [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ] {
                if op {
                    methods.push(m.to_owned());
                }
            }
            (path.split('/').map(str::to_owned).collect(), methods)
        })
        .collect()
}

/// The methods a concrete `path` has in `table` (templates' `{param}` segments match any
/// non-empty segment); empty when no template matches.
pub fn allowed_methods(table: &[(Vec<String>, Vec<String>)], path: &str) -> Vec<String> {
    let segs: Vec<&str> = path.split('/').collect();
    let mut out: Vec<String> = vec![];
    for (tpl, methods) in table {
        let matches = tpl.len() == segs.len()
            && tpl.iter().zip(&segs).all(|(t, s)| {
                if t.starts_with('{') {
                    !s.is_empty()
                } else {
                    t == s
                }
            });
        if matches {
            for m in methods {
                if !out.contains(m) {
                    out.push(m.clone());
                }
            }
        }
    }
    out
}

/// The full document (built from a throwaway `App`; no server needed).
pub fn document() -> OpenApiDoc {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(scope("/api/v1").configure(routes::configure))
        .split_for_parts();
    Conventions.modify(&mut api);
    unique_operation_ids(&mut api);
    api
}

/// The document as pretty JSON with a trailing newline (the committed `openapi/windflow.json`).
pub fn document_json() -> String {
    to_json(&document())
}

/// `doc` as pretty JSON with a trailing newline.
pub fn to_json(doc: &OpenApiDoc) -> String {
    let mut s = doc.to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}
