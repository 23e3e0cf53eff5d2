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

/// Declares [`Permission`] and [`PERMISSIONS`] from one list: variant, wire name, description.
macro_rules! permissions {
    ($($variant:ident = $name:literal, $description:literal;)*) => {
        /// Every `resource:action` the server checks (the permission catalog). Code names a
        /// permission with a variant, so a typo does not compile; grants stay strings because
        /// wildcards (`*`, `res:*`, `*:action`) are data. Global permissions (`users:*`,
        /// `settings:*`, `organizations:create`) are only ever held by superadmins; the rest are
        /// granted through role bindings. The `permissions` table is brought in line with this
        /// list at start-up (`windflow_core::catalog::sync`), never by editing a migration.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission {
            $(
                #[doc = $description]
                $variant,
            )*
        }

        impl Permission {
            /// Every permission, in catalog order.
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),*];

            /// The wire name, `resource:action`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Permission::$variant => $name,)*
                }
            }

            /// What the permission allows, for people.
            pub const fn description(self) -> &'static str {
                match self {
                    $(Permission::$variant => $description,)*
                }
            }
        }

        /// The catalog as (name, description) pairs, in the order of [`Permission::ALL`].
        pub const PERMISSIONS: &[(&str, &str)] = &[$(($name, $description)),*];
    };
}

permissions! {
    OrganizationsCreate = "organizations:create", "Create organizations (global; superadmins)";
    OrganizationsRead = "organizations:read", "See the organization";
    OrganizationsUpdate = "organizations:update", "Rename or change settings of the organization";
    OrganizationsDelete = "organizations:delete", "Delete the organization (owners only)";
    MembersRead = "members:read", "List organization members";
    MembersCreate = "members:create", "Add members";
    MembersUpdate = "members:update", "Change a member's role";
    MembersDelete = "members:delete", "Remove members";
    GroupsRead = "groups:read", "List groups and their members";
    GroupsCreate = "groups:create", "Create groups";
    GroupsUpdate = "groups:update", "Rename groups and change their members";
    GroupsDelete = "groups:delete", "Delete groups";
    ProjectsRead = "projects:read", "See projects";
    ProjectsCreate = "projects:create", "Create projects";
    ProjectsUpdate = "projects:update", "Change projects";
    ProjectsDelete = "projects:delete", "Delete projects";
    EnvironmentsRead = "environments:read", "See environments";
    EnvironmentsCreate = "environments:create", "Create environments";
    EnvironmentsUpdate = "environments:update", "Change environments";
    EnvironmentsDelete = "environments:delete", "Delete environments";
    RolesRead = "roles:read", "See roles";
    RolesCreate = "roles:create", "Create custom roles";
    RolesUpdate = "roles:update", "Change custom roles";
    RolesDelete = "roles:delete", "Delete custom roles";
    RoleBindingsRead = "role_bindings:read", "See role bindings";
    RoleBindingsCreate = "role_bindings:create", "Bind roles to users and groups";
    RoleBindingsDelete = "role_bindings:delete", "Remove role bindings";
    AuditRead = "audit:read", "Read the audit log of the organization";
    AuditExport = "audit:export", "Export the audit log of the organization";
    UsersRead = "users:read", "List all users (global; superadmins)";
    UsersCreate = "users:create", "Create users (global; superadmins)";
    UsersUpdate = "users:update", "Change any user (global; superadmins)";
    UsersDelete = "users:delete", "Delete users (global; superadmins)";
    SettingsRead = "settings:read", "Read authentication settings (global; superadmins)";
    SettingsUpdate = "settings:update", "Change authentication settings (global; superadmins)";
    EndpointsRead = "endpoints:read", "See Docker endpoints and check their engines";
    EndpointsCreate = "endpoints:create", "Add Docker endpoints to an environment";
    EndpointsUpdate = "endpoints:update", "Change Docker endpoints";
    EndpointsDelete = "endpoints:delete", "Remove Docker endpoints";
    ContainersRead = "containers:read", "See containers";
    ContainersCreate = "containers:create", "Create containers";
    ContainersCreatePrivileged = "containers:create_privileged", "Create containers with privileged options (privileged, host namespaces, devices, capabilities, sysctls, security options, binds outside the allow-list)";
    ContainersStart = "containers:start", "Start and unpause containers";
    ContainersStop = "containers:stop", "Stop and pause containers";
    ContainersRestart = "containers:restart", "Restart containers";
    ContainersKill = "containers:kill", "Kill containers";
    ContainersUpdate = "containers:update", "Rename containers";
    ContainersExec = "containers:exec", "Open an interactive console (exec) in containers";
    ContainersDelete = "containers:delete", "Remove containers";
    RegistriesRead = "registries:read", "See the organization's registry credentials (never their passwords)";
    RegistriesCreate = "registries:create", "Add registry credentials";
    RegistriesUpdate = "registries:update", "Change registry credentials";
    RegistriesDelete = "registries:delete", "Remove registry credentials";
    ImagesRead = "images:read", "See images";
    ImagesPull = "images:pull", "Pull images";
    ImagesUpdate = "images:update", "Tag images";
    ImagesDelete = "images:delete", "Remove and prune images";
    VolumesRead = "volumes:read", "See volumes";
    VolumesCreate = "volumes:create", "Create volumes";
    VolumesDelete = "volumes:delete", "Remove and prune volumes";
    NetworksRead = "networks:read", "See networks";
    NetworksCreate = "networks:create", "Create networks";
    NetworksUpdate = "networks:update", "Connect and disconnect containers";
    NetworksDelete = "networks:delete", "Remove and prune networks";
    SystemRead = "system:read", "See engine info, version and disk usage";
    StacksRead = "stacks:read", "See compose stacks, their variables (secrets masked) and deployments";
    StacksCreate = "stacks:create", "Create and adopt compose stacks";
    StacksUpdate = "stacks:update", "Edit compose stacks and their variables, lock and unlock them";
    StacksDelete = "stacks:delete", "Remove compose stacks";
    StacksDeploy = "stacks:deploy", "Deploy, start, stop, restart, take down and roll back compose stacks";
    GitRead = "git:read", "See Git credentials (never their secrets), repositories and sync history";
    GitCreate = "git:create", "Add Git credentials and repositories";
    GitUpdate = "git:update", "Change Git credentials and repositories, rotate webhook secrets";
    GitDelete = "git:delete", "Remove Git credentials and repositories";
    GitSync = "git:sync", "Sync Git repositories by hand";
}

impl Permission {
    /// The resource part (`stacks` of `stacks:deploy`).
    pub fn resource(self) -> &'static str {
        self.as_str().split_once(':').map_or("", |(r, _)| r)
    }
    /// The action part (`deploy` of `stacks:deploy`).
    pub fn action(self) -> &'static str {
        self.as_str().split_once(':').map_or("", |(_, a)| a)
    }
}

impl AsRef<str> for Permission {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Permission {
    type Err = UnknownPermission;
    /// Parses a catalog name (no wildcards).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == s)
            .ok_or(UnknownPermission)
    }
}

/// A name that is not in the permission catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownPermission;

impl std::fmt::Display for UnknownPermission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a permission of the catalog")
    }
}

impl std::error::Error for UnknownPermission {}

/// Every name a role may grant, in a stable order: `*`, `*:*`, the catalog, then `resource:*` for each
/// resource and `*:action` for each action of the catalog. Exactly the names [`is_grantable`]
/// accepts (the OpenAPI document lists them as the enum of a role's permissions).
pub fn grantable_names() -> Vec<String> {
    let mut out = vec!["*".to_owned(), "*:*".to_owned()];
    out.extend(Permission::ALL.iter().map(|p| p.as_str().to_owned()));
    let mut seen = std::collections::BTreeSet::new();
    for p in Permission::ALL {
        let r = format!("{}:*", p.resource());
        if seen.insert(r.clone()) {
            out.push(r);
        }
    }
    for p in Permission::ALL {
        let a = format!("*:{}", p.action());
        if seen.insert(a.clone()) {
            out.push(a);
        }
    }
    out
}

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

vocabulary! {
    /// Who a role binding grants to.
    pub enum SubjectType {
        /// A user.
        User => "user",
        /// A group of the organization.
        Group => "group",
    }
}

vocabulary! {
    /// Where a role binding applies (and everything below it).
    pub enum ScopeType {
        /// The whole organization.
        Organization => "organization",
        /// One project and its environments.
        Project => "project",
        /// One environment.
        Environment => "environment",
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The listed grant names are exactly the grantable ones, over every resource × action
    /// pair of the catalog and the wildcards.
    #[test]
    fn grantable_names_are_exactly_the_grantable_ones() {
        let names = grantable_names();
        assert!(names.iter().all(|n| is_grantable(n)));
        let mut parts: Vec<(&str, &str)> = vec![];
        let resources: Vec<&str> = Permission::ALL
            .iter()
            .map(|p| p.resource())
            .chain(["*", "nope"])
            .collect();
        let actions: Vec<&str> = Permission::ALL
            .iter()
            .map(|p| p.action())
            .chain(["*", "nope"])
            .collect();
        for r in &resources {
            for a in &actions {
                parts.push((r, a));
            }
        }
        for (r, a) in parts {
            let n = format!("{r}:{a}");
            assert_eq!(is_grantable(&n), names.contains(&n), "{n}");
        }
        assert_eq!(Permission::ALL.len(), PERMISSIONS.len());
        for p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>(), Ok(*p));
        }
    }
}
