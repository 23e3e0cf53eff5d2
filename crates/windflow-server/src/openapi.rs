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
    components(schemas(
        Problem,
        ErrorCode,
        FieldError,
        windflow_api::SortDir,
        windflow_api::audit::AuditExportFormat
    )),
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
        (name = "git", description = "Git credentials and repositories, sync, webhooks, schedule executions"),
        (name = "overview", description = "The home dashboard and the global search")
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

/// The top-level JSON type an operation's request body must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// A JSON object (`{…}`).
    Object,
    /// A JSON array (`[…]`).
    Array,
}

impl JsonKind {
    /// Whether `v` has this top-level type.
    pub fn accepts(self, v: &serde_json::Value) -> bool {
        match self {
            JsonKind::Object => v.is_object(),
            JsonKind::Array => v.is_array(),
        }
    }
}

/// One path template of the API and what it takes.
#[derive(Debug, Clone)]
pub struct Route {
    /// The template split at `/` (`{param}` segments match any non-empty segment).
    pub segments: Vec<String>,
    /// Its methods, upper case.
    pub methods: Vec<String>,
    /// The declared top-level type of each method's JSON body, where it has one.
    pub bodies: Vec<(String, JsonKind)>,
}

/// Every API path template of `doc` with its methods and body types, for the contract
/// middleware (405 with `Allow`, body type checks).
pub fn route_table(json: &serde_json::Value) -> Vec<Route> {
    let kind_of = |schema: &serde_json::Value| -> Option<JsonKind> {
        let schema = match schema.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => json.pointer(r.trim_start_matches('#'))?,
            None => schema,
        };
        match schema.get("type").and_then(|t| t.as_str()) {
            Some("object") => Some(JsonKind::Object),
            Some("array") => Some(JsonKind::Array),
            _ => None,
        }
    };
    let mut out = vec![];
    let Some(paths) = json.get("paths").and_then(|p| p.as_object()) else {
        return out;
    };
    for (path, item) in paths {
        let mut route = Route {
            segments: path.split('/').map(str::to_owned).collect(),
            methods: vec![],
            bodies: vec![],
        };
        for m in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(m) else { continue };
            let upper = m.to_ascii_uppercase();
            if let Some(kind) = op
                .pointer("/requestBody/content/application~1json/schema")
                .and_then(kind_of)
            {
                route.bodies.push((upper.clone(), kind));
            }
            route.methods.push(upper);
        }
        out.push(route);
    }
    // Most specific first (a literal segment before a `{param}` at the first place they
    // differ), so `route_for` can take the first match.
    out.sort_by_cached_key(|r| {
        std::cmp::Reverse(
            r.segments
                .iter()
                .map(|t| !t.starts_with('{'))
                .collect::<Vec<bool>>(),
        )
    });
    out
}

/// The route that answers a concrete `path`: the first template that matches it in the table
/// [`route_table`] sorted most specific first, a literal segment before a parameter
/// (`/stacks/validate` before `/stacks/{id}`), as OpenAPI 3.1 §4.8.8.1 orders "concrete" over
/// templated paths. `None` for an unknown path.
pub fn route_for<'a>(table: &'a [Route], path: &str) -> Option<&'a Route> {
    table.iter().find(|r| {
        let mut segs = path.split('/');
        r.segments.iter().all(|t| match segs.next() {
            Some(s) if t.starts_with('{') => !s.is_empty(),
            Some(s) => t == s,
            None => false,
        }) && segs.next().is_none()
    })
}

/// The full document as JSON (built from a throwaway `App`; no server needed), with the rules
/// of `apply_rules` written in.
pub fn document() -> serde_json::Value {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(scope("/api/v1").configure(routes::configure))
        .split_for_parts();
    Conventions.modify(&mut api);
    unique_operation_ids(&mut api);
    let mut v = serde_json::to_value(&api).unwrap_or_default();
    apply_rules(&mut v);
    v
}

/// Writes every rule the server enforces that utoipa's derives cannot express into the
/// document (issue 12): the field rules of `windflow_api::rules::FIELD_RULES`, the page-size
/// bounds and default of every `limit`, the sort fields a list accepts, and which of the audit
/// query's parameters the list and the export take. The `every_rule_lands` test checks that
/// each field rule found its property.
fn apply_rules(v: &mut serde_json::Value) {
    use serde_json::{Value, json};
    use windflow_api::page::{DEFAULT_LIMIT, MAX_LIMIT};
    let schemas = v
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_default();
    for (schema, prop, rule) in windflow_api::rules::FIELD_RULES {
        let ptr = format!("/components/schemas/{schema}/properties/{prop}");
        if let (Some(Value::Object(target)), Value::Object(keys)) =
            (v.pointer_mut(&ptr), rule.schema())
        {
            target.extend(keys);
        }
    }
    // A role's permissions are grant names: the catalog and its wildcards, a finite set.
    let grantable = json!(windflow_api::access::grantable_names());
    for schema in ["CreateRole", "UpdateRole"] {
        let ptr = format!("/components/schemas/{schema}/properties/permissions/items");
        if let Some(Value::Object(items)) = v.pointer_mut(&ptr) {
            items.insert("enum".into(), grantable.clone());
        }
    }
    // A member is added by `user_id` or by `username`: at least one of them, not null.
    if let Some(Value::Object(add)) = v.pointer_mut("/components/schemas/AddMember") {
        add.insert(
            "anyOf".into(),
            json!([
                {"required": ["user_id"], "properties": {"user_id": {"type": "string"}}},
                {"required": ["username"], "properties": {"username": {"type": "string"}}}
            ]),
        );
    }
    // Does a list's item schema have a `name` (then it sorts by name too)?
    let item_has_name = |op: &Value| -> bool {
        let r = op
            .pointer("/responses/200/content/application~1json/schema/$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .and_then(|page| schemas.get(page))
            .and_then(|p| p.pointer("/properties/items/items/$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .and_then(|item| schemas.get(item));
        r.and_then(|i| i.pointer("/properties/name")).is_some()
    };
    let Some(Value::Object(paths)) = v.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for op in item.values_mut() {
            let by_name = item_has_name(op);
            let Some(Value::Array(params)) = op.get_mut("parameters") else {
                continue;
            };
            let export = path.ends_with("/audit/export");
            // The export reads every page itself: paging and the list's own knobs are not
            // parameters of it; the list has no `format`.
            params.retain(|p| {
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                if export {
                    !matches!(name, "limit" | "cursor")
                } else {
                    name != "format"
                }
            });
            for p in params.iter_mut() {
                let name = p
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let (Some(Value::String(place)), Some(Value::Object(schema))) =
                    (p.get("in").cloned(), p.get_mut("schema"))
                else {
                    continue;
                };
                if place != "query" {
                    continue;
                }
                let template = path.strip_prefix("/api/v1").unwrap_or(path);
                for (p, param, rule) in windflow_api::rules::QUERY_RULES {
                    if *p == template
                        && *param == name
                        && let Value::Object(keys) = rule.schema()
                    {
                        schema.extend(keys);
                    }
                }
                match name.as_str() {
                    "limit" => {
                        schema.insert("minimum".into(), json!(1));
                        schema.insert("maximum".into(), json!(MAX_LIMIT));
                        schema.insert("default".into(), json!(DEFAULT_LIMIT));
                    }
                    "sort" => {
                        let fields = if by_name {
                            json!(["created_at", "name"])
                        } else {
                            json!(["created_at"])
                        };
                        schema.insert("enum".into(), fields);
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The document as pretty JSON with a trailing newline (the committed `openapi/windflow.json`).
pub fn document_json() -> String {
    to_json(&document())
}

/// `doc` as pretty JSON with a trailing newline.
pub fn to_json(doc: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Every field rule of the contract lands in the document, with the rule's keywords.
    #[test]
    fn every_rule_lands() {
        let doc = document();
        for (schema, prop, rule) in windflow_api::rules::FIELD_RULES {
            let ptr = format!("/components/schemas/{schema}/properties/{prop}");
            let target = doc
                .pointer(&ptr)
                .unwrap_or_else(|| panic!("{ptr} is missing"));
            for (k, v) in rule.schema().as_object().unwrap() {
                assert_eq!(target.get(k), Some(v), "{ptr}.{k}");
            }
        }
        let limit = doc
            .pointer("/paths/~1api~1v1~1organizations/get/parameters")
            .and_then(Value::as_array)
            .and_then(|ps| ps.iter().find(|p| p["name"] == "limit"))
            .unwrap();
        assert_eq!(limit["schema"]["minimum"], 1);
        assert_eq!(limit["schema"]["maximum"], 200);
    }

    #[test]
    fn the_most_specific_template_answers() {
        let table = route_table(&document());
        let r = route_for(&table, "/api/v1/stacks/validate").unwrap();
        assert_eq!(r.methods, ["POST"]);
        let r = route_for(&table, "/api/v1/stacks/0191").unwrap();
        assert!(r.methods.contains(&"GET".to_owned()));
        assert!(route_for(&table, "/api/v1/nope").is_none());
        let r = route_for(&table, "/api/v1/settings/platform").unwrap();
        assert!(r.bodies.contains(&("PUT".to_owned(), JsonKind::Object)));
    }
}
