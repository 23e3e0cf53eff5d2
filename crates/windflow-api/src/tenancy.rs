//! Organizations, memberships, groups, projects and environments (module tenancy).
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    /// Organization id.
    pub id: Uuid,
    /// Unique name, 2 to 100 characters.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Free-form settings object.
    pub settings: serde_json::Value,
    /// Inactive organizations are read-only.
    pub is_active: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/organizations` body. The creator becomes its owner.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganization {
    /// Unique name, 2 to 100 characters.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Settings object (default `{}`).
    pub settings: Option<serde_json::Value>,
}

/// `PATCH /api/v1/organizations/{id}` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New settings object.
    pub settings: Option<serde_json::Value>,
    /// Activate or deactivate.
    pub is_active: Option<bool>,
}

vocabulary! {
    /// Role of a user in an organization. Each implies a system role bound at organization scope:
    /// `owner` and `admin` → `admin` (`*`), `member` → `user`, `viewer` → `viewer` (`*:read`).
    /// Only owners (or superadmins) may delete the organization or grant/revoke `owner`.
    pub enum MembershipRole {
        /// Full control including deletion.
        Owner => "owner",
        /// Full control except deletion and ownership.
        Admin => "admin",
        /// Standard user.
        Member => "member",
        /// Read-only.
        Viewer => "viewer",
    }
}

/// A user's membership of an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Membership {
    /// Membership id.
    pub id: Uuid,
    /// Organization id.
    pub organization_id: Uuid,
    /// User id.
    pub user_id: Uuid,
    /// Username of the member.
    pub username: String,
    /// Email of the member.
    pub email: String,
    /// Role.
    pub role: MembershipRole,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/organizations/{id}/members` body: add an existing user by id or username.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// User id (or give `username`).
    pub user_id: Option<Uuid>,
    /// Username (or give `user_id`).
    pub username: Option<String>,
    /// Role.
    pub role: MembershipRole,
}

/// `PATCH /api/v1/organizations/{id}/members/{user_id}` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    /// New role.
    pub role: MembershipRole,
}

/// A group of users inside an organization; role bindings may target it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Group {
    /// Group id.
    pub id: Uuid,
    /// Organization id.
    pub organization_id: Uuid,
    /// Name, unique per organization.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Number of members.
    pub member_count: u64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/organizations/{id}/groups` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    /// Name, 2 to 100 characters, unique per organization.
    pub name: String,
    /// Description.
    pub description: Option<String>,
}

/// `PATCH /api/v1/groups/{id}` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroup {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
}

/// A member of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GroupMember {
    /// User id.
    pub user_id: Uuid,
    /// Username.
    pub username: String,
    /// When the user was added.
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/groups/{id}/members` body. The user must be a member of the organization.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddGroupMember {
    /// User id.
    pub user_id: Uuid,
}

vocabulary! {
    /// Lifecycle status of a project.
    #[derive(Default)]
    pub enum ProjectStatus {
        /// In use.
        #[default]
        Active => "active",
        /// Temporarily stopped.
        Paused => "paused",
        /// Kept for history.
        Archived => "archived",
    }
}

/// A project inside an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    /// Project id.
    pub id: Uuid,
    /// Organization id.
    pub organization_id: Uuid,
    /// Name, unique per organization.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Display colour, `#rrggbb`.
    pub color: String,
    /// Status.
    pub status: ProjectStatus,
    /// Owning user.
    pub owner_id: Option<Uuid>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/organizations/{id}/projects` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProject {
    /// Name, 2 to 100 characters, unique per organization.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Colour `#rrggbb` (default `#3b82f6`).
    pub color: Option<String>,
    /// Status (default `active`).
    pub status: Option<ProjectStatus>,
    /// Owner (default: the creator); must be a member of the organization.
    pub owner_id: Option<Uuid>,
}

/// `PATCH /api/v1/projects/{id}` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProject {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New colour.
    pub color: Option<String>,
    /// New status.
    pub status: Option<ProjectStatus>,
    /// New owner (a member of the organization).
    pub owner_id: Option<Uuid>,
}

vocabulary! {
    /// Deployment stage of an environment (DOMAIN.md).
    pub enum EnvironmentType {
        /// Development.
        Development => "development",
        /// Testing.
        Testing => "testing",
        /// Staging.
        Staging => "staging",
        /// Production.
        Production => "production",
        /// Disaster recovery.
        DisasterRecovery => "disaster_recovery",
        /// Anything else.
        Other => "other",
    }
}

/// An environment (deployment stage) of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Environment {
    /// Environment id.
    pub id: Uuid,
    /// Organization id.
    pub organization_id: Uuid,
    /// Project id.
    pub project_id: Uuid,
    /// Name, unique per project.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub env_type: EnvironmentType,
    /// Description.
    pub description: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/projects/{id}/environments` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEnvironment {
    /// Name, 2 to 100 characters, unique per project.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub env_type: EnvironmentType,
    /// Description.
    pub description: Option<String>,
}

/// `PATCH /api/v1/environments/{id}` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEnvironment {
    /// New name.
    pub name: Option<String>,
    /// New type.
    #[serde(rename = "type")]
    pub env_type: Option<EnvironmentType>,
    /// New description.
    pub description: Option<String>,
}
