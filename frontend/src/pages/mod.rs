//! One module per area.
pub mod audit;
pub mod docker;
pub mod git;
pub mod login;
pub mod members;
pub mod orgs;
pub mod projects;
pub mod roles;
pub mod stack;
pub mod stacks;
pub mod users;
