//! The permission catalog as the shipped migrations knew it. Migrations are append-only: an old
//! migration must insert the same rows on a fresh database whatever the code's catalog
//! (`windflow_api::access::Permission`) has become since. Later catalog changes reach every
//! database through the start-up sync (`windflow_core::catalog::sync`).

/// Every permission (name, description) as of 2026-12-02, inserted by 000002 and topped up by
/// 000003, 000005, 000006 and 000007.
pub const PERMISSIONS_2026_12_02: &[(&str, &str)] = &[
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

/// Grants of the system role `user` as seeded by 000002 (seed 000).
pub const USER_ROLE_PERMISSIONS_2026_11_22: &[&str] = &[
    "containers:read",
    "images:read",
    "organizations:read",
    "members:read",
    "groups:read",
    "projects:read",
    "environments:read",
    "roles:read",
];
