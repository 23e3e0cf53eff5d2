//! Field rules shared by services. Each returns the field errors it finds so a service can report
//! every invalid field of a request at once (422 `validation_failed`).
use windflow_api::FieldError;
use windflow_api::rules::Rule;

use crate::error::ServiceError;

/// Collects field errors.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    /// New empty collector.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds an error.
    pub fn push(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }
    /// Checks a string field against a contract rule (`windflow_api::rules`, the same rule the
    /// OpenAPI document declares for it).
    pub fn rule(&mut self, field: &str, value: &str, rule: Rule) {
        if let Some(b) = rule.check(value) {
            self.push(field, b.code, b.message);
        }
    }
    /// Checks an integer field against a [`Rule::Range`].
    pub fn int(&mut self, field: &str, value: i64, rule: Rule) {
        if let Some(b) = rule.check_int(value) {
            self.push(field, b.code, b.message);
        }
    }
    /// A new password within the runtime policy bounds `min..=max` (characters; the schema
    /// declares the widest policy, [`Rule::Password`]).
    pub fn password(&mut self, field: &str, value: &str, min: i64, max: i64) {
        if let Some(b) = Rule::password(value, min, max) {
            self.push(field, b.code, b.message);
        }
    }
    /// Checks a JSON value field against a contract rule ([`Rule::Object`]).
    pub fn value(&mut self, field: &str, value: &serde_json::Value, rule: Rule) {
        if let Some(b) = rule.check_value(value) {
            self.push(field, b.code, b.message);
        }
    }
    /// `Ok(())` when no error was collected.
    pub fn finish(self) -> Result<(), ServiceError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Validation(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use windflow_api::rules;

    #[test]
    fn rules() {
        let mut c = Checks::new();
        c.rule("u", "ab", Rule::Username);
        c.rule("e", "nope", Rule::Email);
        c.password("p", "short", 12, 128);
        c.rule("c", "blue", Rule::Color);
        c.rule("n", " x ", rules::NAME);
        let Err(ServiceError::Validation(errs)) = c.finish() else {
            panic!("expected errors")
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["u", "e", "p", "c", "n"]);
        let mut ok = Checks::new();
        ok.rule("u", "alice.b-1", Rule::Username);
        ok.rule("e", "a@b.io", Rule::Email);
        ok.password("p", "twelve chars", 12, 128);
        ok.rule("c", "#A0b1C2", Rule::Color);
        ok.rule("n", "ok", rules::NAME);
        assert!(ok.finish().is_ok());
    }
}
