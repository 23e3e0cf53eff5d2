//! One module per area.
pub mod account;
pub mod audit;
pub mod docker;
pub mod git;
pub mod home;
pub mod login;
pub mod members;
pub mod orgs;
pub mod projects;
pub mod roles;
pub mod settings;
pub mod stack;
pub mod stacks;
pub mod users;
