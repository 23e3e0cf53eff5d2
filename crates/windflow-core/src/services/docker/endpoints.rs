//! Endpoint CRUD, the connection test, TLS material sealed at rest, and the checks on an
//! engine address (shape, local targets, bind allow-list).
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::docker::{
    ConnectionType, CreateEndpoint, Endpoint, EndpointStatus, EngineInfo, UpdateEndpoint,
};
use windflow_api::rules;
use windflow_api::{Page, PageQuery};
use windflow_docker::{TlsMaterial, check_material};
use windflow_entity::endpoints;

use super::{engine, path_of};
use crate::audit::AuditEvent;
use crate::authz;
use crate::context::{Core, Ctx};
use crate::docker_guard::allowlist_of;
use crate::error::{ServiceError, ServiceResult};
use crate::resource::{self, Parent, load_for};
use crate::runtime::{open_part, tls_aad};
use crate::validate::Checks;

fn to_api(m: endpoints::Model) -> Endpoint {
    Endpoint {
        id: m.id,
        organization_id: m.organization_id,
        project_id: m.project_id,
        environment_id: m.environment_id,
        name: m.name,
        connection_type: m.connection_type,
        socket_path: m.socket_path,
        host: m.host,
        port: m.port,
        protocol: m.protocol,
        tls_ca_set: m.tls_ca_enc.is_some(),
        tls_client_cert_set: m.tls_cert_enc.is_some(),
        tls_skip_verify: m.tls_skip_verify,
        icon: m.icon,
        labels: serde_json::from_value(m.labels).unwrap_or_default(),
        collect_activity: m.collect_activity,
        collect_metrics: m.collect_metrics,
        highlight_changes: m.highlight_changes,
        bind_allowlist: allowlist_of(&m.bind_allowlist),
        status: m.status,
        last_error: m.last_error,
        last_seen_at: m.last_seen_at,
        engine: m.engine_info.and_then(|v| serde_json::from_value(v).ok()),
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn check_connection(
    c: &mut Checks,
    kind: ConnectionType,
    socket: Option<&str>,
    host: Option<&str>,
    port: Option<i32>,
) {
    match kind {
        ConnectionType::Socket => match socket {
            Some(p) if p.starts_with('/') && !p.contains("..") && p.len() < 108 => {}
            _ => c.push(
                "socket_path",
                "invalid_format",
                "an absolute unix socket path is required",
            ),
        },
        ConnectionType::Direct => {
            // The engine address is the administrator's choice (it is a Docker host, often on a
            // private network): only its shape is checked, and no other scheme than http.
            match host {
                Some(h)
                    if !h.is_empty()
                        && h.len() <= 253
                        && h.chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || ".-:[]".contains(ch)) => {}
                _ => c.push(
                    "host",
                    "invalid_format",
                    "a host name or IP address is required",
                ),
            }
            if !port.is_some_and(|p| (1..=65_535).contains(&p)) {
                c.push(
                    "port",
                    "out_of_range",
                    "a port between 1 and 65535 is required",
                );
            }
        }
    }
}

/// TLS settings of a direct endpoint as they will be stored (PEM text in clear, before
/// encryption).
struct TlsInput {
    protocol: Option<String>,
    material: TlsMaterial,
}

fn check_tls(c: &mut Checks, kind: ConnectionType, t: &TlsInput) {
    let has_material =
        t.material.ca.is_some() || t.material.cert.is_some() || t.material.skip_verify;
    match (kind, t.protocol.as_deref()) {
        (ConnectionType::Socket, None) if !has_material => {}
        (ConnectionType::Socket, _) => c.push(
            "protocol",
            "not_allowed",
            "protocol and TLS settings are for direct endpoints",
        ),
        (ConnectionType::Direct, Some("http")) if has_material => c.push(
            "protocol",
            "invalid_value",
            "TLS settings need protocol https",
        ),
        (ConnectionType::Direct, Some("http" | "https")) => {
            if let Err((field, msg)) = check_material(&t.material) {
                c.push(field, "invalid_format", msg);
            }
        }
        (ConnectionType::Direct, _) => {
            c.push("protocol", "invalid_value", "protocol is http or https")
        }
    }
}

fn seal(core: &Core, id: Uuid, part: &str, pem: Option<&str>) -> ServiceResult<Option<String>> {
    pem.map(|p| {
        core.crypto
            .encrypt(p.as_bytes(), &tls_aad(id, part))
            .map_err(ServiceError::internal)
    })
    .transpose()
}

fn nonempty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

/// Each entry must be an absolute path without `..` that does not normalise to `/` (`/.`,
/// `//` and `/./` are `/`). Entries are stored normalised.
fn check_allowlist(c: &mut Checks, list: &[String]) -> Vec<String> {
    let mut out = vec![];
    for (i, p) in list.iter().enumerate() {
        match crate::docker_guard::normalize_path(p) {
            Some(n) if n != "/" => out.push(n),
            _ => c.push(
                &format!("bind_allowlist[{i}]"),
                "invalid_format",
                "an absolute host path other than / is required (no `..`)",
            ),
        }
    }
    out
}

/// True when an engine target reaches the WindFlow host or its link: every unix socket, and
/// hosts that are (or resolve to) loopback, link-local, unspecified, broadcast or multicast
/// addresses, `localhost` included. A name that does not resolve counts as local (fail
/// closed).
async fn local_target(kind: ConnectionType, host: Option<&str>, port: Option<i32>) -> bool {
    match kind {
        ConnectionType::Socket => true,
        ConnectionType::Direct => {
            let h = host.unwrap_or_default().trim_matches(['[', ']']);
            if let Ok(ip) = h.parse::<std::net::IpAddr>() {
                return crate::net::local_ip(ip);
            }
            let port = u16::try_from(port.unwrap_or(2375)).unwrap_or(2375);
            match tokio::net::lookup_host((h, port)).await {
                Ok(addrs) => {
                    let addrs: Vec<_> = addrs.collect();
                    addrs.is_empty() || addrs.iter().any(|a| crate::net::local_ip(a.ip()))
                }
                Err(_) => true,
            }
        }
    }
}

/// Local targets (see [`local_target`]) need a superadmin or the platform setting
/// `allow_local_endpoints` (issue 11, section 4; review H2). 403 otherwise.
async fn check_target(
    core: &Core,
    ctx: Ctx<'_>,
    kind: ConnectionType,
    host: Option<&str>,
    port: Option<i32>,
) -> ServiceResult<()> {
    if ctx.principal.is_superadmin || !local_target(kind, host, port).await {
        return Ok(());
    }
    let allowed = windflow_entity::platform_settings::Entity::find_by_id(1)
        .one(&core.db)
        .await?
        .is_some_and(|m| m.allow_local_endpoints);
    if allowed {
        return Ok(());
    }
    Err(ServiceError::Forbidden(
        "a unix socket or a loopback, link-local or unspecified address reaches the WindFlow \
         host: only superadmins may add it (or turn on the platform setting \
         allow_local_endpoints)"
            .into(),
    ))
}

/// Changing the bind allow-list widens what `containers:create` may bind: it needs
/// `containers:create_privileged` at the endpoint's environment.
async fn check_allowlist_permission(
    core: &Core,
    ctx: Ctx<'_>,
    path: &crate::rbac::ScopePath,
) -> ServiceResult<()> {
    authz::require(
        &core.db,
        ctx.principal,
        path,
        Permission::ContainersCreatePrivileged,
    )
    .await
    .map_err(|_| {
        ServiceError::Forbidden("containers:create_privileged (to change bind_allowlist)".into())
    })
}

/// Lists the endpoints of an environment (`endpoints:read` there).
pub async fn list(
    core: &Core,
    ctx: Ctx<'_>,
    env: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<Endpoint>> {
    Ok(resource::list_in(
        core,
        ctx,
        Parent::Environment(env),
        Permission::EndpointsRead,
        q,
        endpoints::Entity::find().filter(endpoints::Column::EnvironmentId.eq(env)),
    )
    .await?
    .map(to_api))
}

/// Creates an endpoint (`endpoints:create` at the environment). Audited as `endpoint.create`.
pub async fn create(
    core: &Core,
    ctx: Ctx<'_>,
    env: Uuid,
    req: CreateEndpoint,
) -> ServiceResult<Endpoint> {
    let path = Parent::Environment(env)
        .require(core, ctx, Permission::EndpointsCreate)
        .await?;
    let mut c = Checks::new();
    c.rule("name", &req.name, rules::NAME);
    check_connection(
        &mut c,
        req.connection_type,
        req.socket_path.as_deref(),
        req.host.as_deref(),
        req.port,
    );
    let allowlist = check_allowlist(&mut c, &req.bind_allowlist);
    let tls = TlsInput {
        protocol: req
            .protocol
            .clone()
            .or_else(|| (req.connection_type == ConnectionType::Direct).then(|| "http".to_owned())),
        material: TlsMaterial {
            ca: nonempty(req.tls_ca),
            cert: nonempty(req.tls_cert),
            key: nonempty(req.tls_key),
            skip_verify: req.tls_skip_verify,
        },
    };
    check_tls(&mut c, req.connection_type, &tls);
    c.finish()?;
    check_target(
        core,
        ctx,
        req.connection_type,
        req.host.as_deref(),
        req.port,
    )
    .await?;
    if !allowlist.is_empty() {
        check_allowlist_permission(core, ctx, &path).await?;
    }
    let now = crate::now();
    let direct = req.connection_type == ConnectionType::Direct;
    let id = Uuid::now_v7();
    let m = endpoints::Model {
        id,
        organization_id: path.organization,
        project_id: path.project.unwrap_or_default(),
        environment_id: env,
        name: req.name.trim().into(),
        connection_type: if direct {
            ConnectionType::Direct
        } else {
            ConnectionType::Socket
        },
        socket_path: if direct { None } else { req.socket_path },
        host: if direct { req.host } else { None },
        port: if direct { req.port } else { None },
        protocol: tls.protocol.clone(),
        tls_ca_enc: seal(core, id, "tls_ca", tls.material.ca.as_deref())?,
        tls_cert_enc: seal(core, id, "tls_cert", tls.material.cert.as_deref())?,
        tls_key_enc: seal(core, id, "tls_key", tls.material.key.as_deref())?,
        tls_skip_verify: tls.material.skip_verify,
        icon: req.icon,
        labels: serde_json::to_value(&req.labels).unwrap_or_default(),
        collect_activity: req.collect_activity,
        collect_metrics: req.collect_metrics,
        highlight_changes: req.highlight_changes,
        bind_allowlist: serde_json::to_value(&allowlist).unwrap_or_default(),
        status: EndpointStatus::Unknown,
        last_error: None,
        last_seen_at: None,
        engine_info: None,
        created_at: now,
        updated_at: now,
    };
    ctx.write(core, async |txn| {
        endpoints::Entity::insert(m.clone().into_active_model())
            .exec_without_returning(txn)
            .await?;
        let ev = AuditEvent::of::<endpoints::Entity>("endpoint.create", &m);
        Ok(((), ev))
    })
    .await?;
    Ok(to_api(m))
}

/// Gets an endpoint (`endpoints:read`).
pub async fn get(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Endpoint> {
    load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::EndpointsRead)
        .await
        .map(to_api)
}

/// Updates an endpoint (`endpoints:update`). Audited as `endpoint.update`.
pub async fn update(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: UpdateEndpoint,
) -> ServiceResult<Endpoint> {
    let m =
        load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::EndpointsUpdate)
            .await?;
    let kind = m.connection_type;
    let mut c = Checks::new();
    if let Some(n) = &req.name {
        c.rule("name", n, rules::NAME);
    }
    let socket = req.socket_path.clone().or(m.socket_path.clone());
    let host = req.host.clone().or(m.host.clone());
    check_connection(
        &mut c,
        kind,
        socket.as_deref(),
        host.as_deref(),
        req.port.or(m.port),
    );
    let allowlist = req
        .bind_allowlist
        .as_ref()
        .map(|l| check_allowlist(&mut c, l));
    // TLS: a field left out keeps the stored value; an empty PEM string removes it. Client
    // certificate and key go together.
    let tls_touched = req.protocol.is_some()
        || req.tls_ca.is_some()
        || req.tls_cert.is_some()
        || req.tls_key.is_some()
        || req.tls_skip_verify.is_some();
    let (cert, key) = match (&req.tls_cert, &req.tls_key) {
        (None, None) => (
            open_part(core, id, "tls_cert", &m.tls_cert_enc)?,
            open_part(core, id, "tls_key", &m.tls_key_enc)?,
        ),
        (c, k) => (nonempty(c.clone()), nonempty(k.clone())),
    };
    let tls = TlsInput {
        protocol: req.protocol.clone().or(m.protocol.clone()),
        material: TlsMaterial {
            ca: match &req.tls_ca {
                Some(v) => nonempty(Some(v.clone())),
                None => open_part(core, id, "tls_ca", &m.tls_ca_enc)?,
            },
            cert,
            key,
            skip_verify: req.tls_skip_verify.unwrap_or(m.tls_skip_verify),
        },
    };
    if tls_touched {
        check_tls(&mut c, kind, &tls);
    }
    c.finish()?;
    if req.socket_path.is_some() || req.host.is_some() || req.port.is_some() {
        check_target(core, ctx, kind, host.as_deref(), req.port.or(m.port)).await?;
    }
    if let Some(l) = &allowlist
        && *l != allowlist_of(&m.bind_allowlist)
    {
        check_allowlist_permission(core, ctx, &path_of(&m)).await?;
    }
    let updated = ctx
        .write(core, async |txn| {
            let mut am = m.clone().into_active_model();
            if tls_touched {
                am.protocol = Set(tls.protocol.clone());
                am.tls_ca_enc = Set(seal(core, id, "tls_ca", tls.material.ca.as_deref())?);
                am.tls_cert_enc = Set(seal(core, id, "tls_cert", tls.material.cert.as_deref())?);
                am.tls_key_enc = Set(seal(core, id, "tls_key", tls.material.key.as_deref())?);
                am.tls_skip_verify = Set(tls.material.skip_verify);
            }
            if let Some(n) = req.name {
                am.name = Set(n.trim().into());
            }
            if kind == ConnectionType::Socket {
                am.socket_path = Set(socket);
            } else {
                am.host = Set(host);
                am.port = Set(req.port.or(m.port));
            }
            if let Some(i) = req.icon {
                am.icon = Set(Some(i));
            }
            if let Some(l) = req.labels {
                am.labels = Set(serde_json::to_value(l).unwrap_or_default());
            }
            if let Some(v) = req.collect_activity {
                am.collect_activity = Set(v);
            }
            if let Some(v) = req.collect_metrics {
                am.collect_metrics = Set(v);
            }
            if let Some(v) = req.highlight_changes {
                am.highlight_changes = Set(v);
            }
            if let Some(l) = allowlist {
                am.bind_allowlist = Set(serde_json::to_value(l).unwrap_or_default());
            }
            am.updated_at = Set(crate::now());
            let updated = am.update(txn).await?;
            let ev = AuditEvent::of::<endpoints::Entity>("endpoint.update", &updated);
            Ok((updated, ev))
        })
        .await?;
    core.engines.forget(id);
    Ok(to_api(updated))
}

/// Deletes an endpoint (`endpoints:delete`); its containers are untouched. Audited.
pub async fn delete(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let m =
        load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::EndpointsDelete)
            .await?;
    ctx.write(core, async |txn| {
        endpoints::Entity::delete_by_id(id).exec(txn).await?;
        let ev = AuditEvent::of::<endpoints::Entity>("endpoint.delete", &m);
        Ok(((), ev))
    })
    .await?;
    core.engines.forget(id);
    Ok(())
}

/// Checks an endpoint now (`endpoints:read`): engine version, API version, OS, CPUs, memory,
/// container counts; records status `up` (with the facts) or `down` (with the error).
pub async fn test(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Endpoint> {
    let m =
        load_for::<windflow_entity::endpoints::Entity>(core, ctx, id, Permission::EndpointsRead)
            .await?;
    let result: ServiceResult<EngineInfo> =
        async { Ok(engine(core, &m).await?.info().await?) }.await;
    let mut am = m.clone().into_active_model();
    match &result {
        Ok(info) => {
            am.status = Set(EndpointStatus::Up);
            am.last_error = Set(None);
            am.last_seen_at = Set(Some(crate::now()));
            am.engine_info = Set(serde_json::to_value(info).ok());
        }
        Err(e) => {
            core.engines.forget(id);
            am.status = Set(EndpointStatus::Down);
            am.last_error = Set(Some(match e {
                ServiceError::EngineUnavailable(msg) => msg.clone(),
                other => other.to_string(),
            }));
        }
    }
    endpoints::Entity::update(am).exec(&core.db).await?;
    let fresh = endpoints::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(to_api(fresh))
}
