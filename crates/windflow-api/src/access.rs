//! Permissions, roles and role bindings (module access).
//!
//! A permission is a `resource:action` string. Grants may use wildcards: `*` (everything),
//! `resource:*` (every action on one resource) and `*:action` (one action on every resource,
//! e.g. `*:read`). A user's effective permissions at a scope are the union of the roles bound to
//! the user, or to a group the user belongs to, at that scope or any ancestor scope
//! (organization → project → environment), each role expanded with its parent roles.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The permission catalog: every `resource:action` the server checks, with a description.
/// Global permissions (`users:*`, `settings:*`, `organizations:create`) are only ever held by
/// superadmins; the rest are granted through role bindings.
pub const PERMISSIONS: &[(&str, &str)] = &[
    (
        "organizations:create",
        "Create organizations (global; superadmins)",
    ),
    ("organizations:read", "See the organization"),
    (
        "organizations:update",
        "Rename or change settings of the organization",
    ),
    (
        "organizations:delete",
        "Delete the organization (owners only)",
    ),
    ("members:read", "List organization members"),
    ("members:create", "Add members"),
    ("members:update", "Change a member's role"),
    ("members:delete", "Remove members"),
    ("groups:read", "List groups and their members"),
    ("groups:create", "Create groups"),
    ("groups:update", "Rename groups and change their members"),
    ("groups:delete", "Delete groups"),
    ("projects:read", "See projects"),
    ("projects:create", "Create projects"),
    ("projects:update", "Change projects"),
    ("projects:delete", "Delete projects"),
    ("environments:read", "See environments"),
    ("environments:create", "Create environments"),
    ("environments:update", "Change environments"),
    ("environments:delete", "Delete environments"),
    ("roles:read", "See roles"),
    ("roles:create", "Create custom roles"),
    ("roles:update", "Change custom roles"),
    ("roles:delete", "Delete custom roles"),
    ("role_bindings:read", "See role bindings"),
    ("role_bindings:create", "Bind roles to users and groups"),
    ("role_bindings:delete", "Remove role bindings"),
    ("audit:read", "Read the audit log of the organization"),
    ("audit:export", "Export the audit log of the organization"),
    ("users:read", "List all users (global; superadmins)"),
    ("users:create", "Create users (global; superadmins)"),
    ("users:update", "Change any user (global; superadmins)"),
    ("users:delete", "Delete users (global; superadmins)"),
    (
        "settings:read",
        "Read authentication settings (global; superadmins)",
    ),
    (
        "settings:update",
        "Change authentication settings (global; superadmins)",
    ),
    (
        "endpoints:read",
        "See Docker endpoints and check their engines",
    ),
    ("endpoints:create", "Add Docker endpoints to an environment"),
    ("endpoints:update", "Change Docker endpoints"),
    ("endpoints:delete", "Remove Docker endpoints"),
    ("containers:read", "See containers"),
    ("containers:create", "Create containers"),
    (
        "containers:create_privileged",
        "Create containers with privileged options (privileged, host namespaces, devices, capabilities, sysctls, security options, binds outside the allow-list)",
    ),
    ("containers:start", "Start and unpause containers"),
    ("containers:stop", "Stop and pause containers"),
    ("containers:restart", "Restart containers"),
    ("containers:kill", "Kill containers"),
    ("containers:update", "Rename containers"),
    (
        "containers:exec",
        "Open an interactive console (exec) in containers",
    ),
    ("containers:delete", "Remove containers"),
    (
        "registries:read",
        "See the organization's registry credentials (never their passwords)",
    ),
    ("registries:create", "Add registry credentials"),
    ("registries:update", "Change registry credentials"),
    ("registries:delete", "Remove registry credentials"),
    ("images:read", "See images"),
    ("images:pull", "Pull images"),
    ("images:update", "Tag images"),
    ("images:delete", "Remove and prune images"),
    ("volumes:read", "See volumes"),
    ("volumes:create", "Create volumes"),
    ("volumes:delete", "Remove and prune volumes"),
    ("networks:read", "See networks"),
    ("networks:create", "Create networks"),
    ("networks:update", "Connect and disconnect containers"),
    ("networks:delete", "Remove and prune networks"),
    ("system:read", "See engine info, version and disk usage"),
    (
        "stacks:read",
        "See compose stacks, their variables (secrets masked) and deployments",
    ),
    ("stacks:create", "Create and adopt compose stacks"),
    (
        "stacks:update",
        "Edit compose stacks and their variables, lock and unlock them",
    ),
    ("stacks:delete", "Remove compose stacks"),
    (
        "stacks:deploy",
        "Deploy, start, stop, restart, take down and roll back compose stacks",
    ),
    (
        "git:read",
        "See Git credentials (never their secrets), repositories and sync history",
    ),
    ("git:create", "Add Git credentials and repositories"),
    (
        "git:update",
        "Change Git credentials and repositories, rotate webhook secrets",
    ),
    ("git:delete", "Remove Git credentials and repositories"),
    ("git:sync", "Sync Git repositories by hand"),
];

/// Returns true when `name` is a catalog permission or a wildcard over catalog resources or
/// actions (`*`, `res:*`, `*:action`).
pub fn is_grantable(name: &str) -> bool {
    if name == "*" {
        return true;
    }
    let Some((res, act)) = name.split_once(':') else {
        return false;
    };
    if act.contains(':') || res.is_empty() || act.is_empty() {
        return false;
    }
    PERMISSIONS.iter().any(|(p, _)| {
        let (r, a) = p.split_once(':').unwrap_or((p, ""));
        (res == "*" || res == r) && (act == "*" || act == a)
    })
}

/// True when `grant` covers `required` (both `resource:action`; `grant` may be `*`, `res:*` or
/// `*:action`). The one matching rule, shared by the server's evaluator and the web app.
pub fn grant_matches(grant: &str, required: &str) -> bool {
    if grant == "*" || grant == required {
        return true;
    }
    let (Some((gr, ga)), Some((rr, ra))) = (grant.split_once(':'), required.split_once(':')) else {
        return false;
    };
    (gr == "*" || gr == rr) && (ga == "*" || ga == ra)
}

/// One entry of `GET /api/v1/permissions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PermissionInfo {
    /// `resource:action`.
    pub name: String,
    /// Resource part.
    pub resource: String,
    /// Action part.
    pub action: String,
    /// What it allows.
    pub description: String,
}

/// A role: system (seeded, `organization_id` null, immutable) or defined by an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Role {
    /// Role id.
    pub id: Uuid,
    /// Owning organization; `null` for system roles.
    pub organization_id: Option<Uuid>,
    /// Name, unique per organization.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// System roles cannot be changed or deleted.
    pub is_system: bool,
    /// Permissions granted directly (wildcards allowed).
    pub permissions: Vec<String>,
    /// Parent roles whose permissions this role inherits.
    pub parent_ids: Vec<Uuid>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/organizations/{id}/roles` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRole {
    /// Name, 2 to 100 characters, unique per organization.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Permissions from the catalog, wildcards allowed.
    pub permissions: Vec<String>,
    /// Parent roles (system roles or roles of the same organization); cycles are refused.
    #[serde(default)]
    pub parent_ids: Vec<Uuid>,
}

/// `PATCH /api/v1/roles/{id}` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRole {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// Replaces the permission list.
    pub permissions: Option<Vec<String>>,
    /// Replaces the parent list.
    pub parent_ids: Option<Vec<Uuid>>,
}

/// Who a role binding grants to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectType {
    /// A user.
    User,
    /// A group of the organization.
    Group,
}

/// Where a role binding applies (and everything below it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeType {
    /// The whole organization.
    Organization,
    /// One project and its environments.
    Project,
    /// One environment.
    Environment,
}

/// A role granted to a subject at a scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RoleBinding {
    /// Binding id.
    pub id: Uuid,
    /// Organization id.
    pub organization_id: Uuid,
    /// Role id.
    pub role_id: Uuid,
    /// Role name.
    pub role_name: String,
    /// Subject type.
    pub subject_type: SubjectType,
    /// User or group id.
    pub subject_id: Uuid,
    /// Scope type.
    pub scope_type: ScopeType,
    /// Organization, project or environment id.
    pub scope_id: Uuid,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/organizations/{id}/role-bindings` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoleBinding {
    /// A system role or a role of this organization.
    pub role_id: Uuid,
    /// Subject type.
    pub subject_type: SubjectType,
    /// A member user or a group of this organization.
    pub subject_id: Uuid,
    /// Scope type.
    pub scope_type: ScopeType,
    /// The organization itself, or one of its projects or environments.
    pub scope_id: Uuid,
}

/// Query of `GET /api/v1/users/{id}/permissions`.
#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PermissionsQuery {
    /// `organization:<id>`, `project:<id>` or `environment:<id>`; omit for global permissions.
    pub scope: Option<String>,
}

/// Effective permissions of a user at a scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EffectivePermissions {
    /// User id.
    pub user_id: Uuid,
    /// The scope asked for (`global` when none).
    pub scope: String,
    /// Granted permissions, sorted; wildcards kept as granted.
    pub permissions: Vec<String>,
}

/// Id of the seeded system role `admin` (`*`).
pub const SYSTEM_ROLE_ADMIN: Uuid = Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0001);
/// Id of the seeded system role `user` (seed 000: `containers:read`, `images:read`, plus read
/// access to the tenancy objects a member needs to navigate).
pub const SYSTEM_ROLE_USER: Uuid = Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0002);
/// Id of the seeded system role `viewer` (`*:read`).
pub const SYSTEM_ROLE_VIEWER: Uuid = Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0003);

/// Permissions of the system role `user`.
pub const USER_ROLE_PERMISSIONS: &[&str] = &[
    "containers:read",
    "images:read",
    "organizations:read",
    "members:read",
    "groups:read",
    "projects:read",
    "environments:read",
    "roles:read",
];
