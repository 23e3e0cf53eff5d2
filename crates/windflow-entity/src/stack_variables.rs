//! A variable passed to compose at deploy time. A secret's value is only in `value_enc`
//! (crypto module, AAD `stack_variable:<stack id>:<key>`); a plain one only in `value`.
use sea_orm::entity::prelude::*;

/// Row of `stack_variables`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stack_variables")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub stack_id: Uuid,
    pub key: String,
    pub value: Option<String>,
    pub value_enc: Option<String>,
    pub is_secret: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
