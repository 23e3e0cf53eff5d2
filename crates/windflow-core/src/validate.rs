//! Field rules shared by services. Each returns the field errors it finds so a service can report
//! every invalid field of a request at once (422 `validation_failed`).
use windflow_api::FieldError;

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
    /// A trimmed name of `min..=max` characters without control characters.
    pub fn name(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let n = value.trim().chars().count();
        if n < min {
            self.push(
                field,
                "too_short",
                format!("must be at least {min} characters"),
            );
        } else if n > max {
            self.push(
                field,
                "too_long",
                format!("must be at most {max} characters"),
            );
        } else if value.chars().any(char::is_control) {
            self.push(
                field,
                "invalid_format",
                "must not contain control characters",
            );
        }
    }
    /// A username: 3 to 64 characters of `[A-Za-z0-9._-]` (DOMAIN.md: username ≥ 3 chars).
    pub fn username(&mut self, field: &str, value: &str) {
        let n = value.chars().count();
        if n < 3 {
            self.push(field, "too_short", "must be at least 3 characters");
        } else if n > 64 {
            self.push(field, "too_long", "must be at most 64 characters");
        } else if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            self.push(
                field,
                "invalid_format",
                "may contain only letters, digits, '.', '_' and '-'",
            );
        }
    }
    /// An email address: one `@`, non-empty local part, a dotted domain, no spaces, ≤ 254 chars.
    pub fn email(&mut self, field: &str, value: &str) {
        let ok = value.len() <= 254
            && !value.chars().any(char::is_whitespace)
            && value.split_once('@').is_some_and(|(l, d)| {
                !l.is_empty()
                    && !d.contains('@')
                    && d.contains('.')
                    && !d.starts_with('.')
                    && !d.ends_with('.')
            });
        if !ok {
            self.push(field, "invalid_format", "must be an email address");
        }
    }
    /// A password within the policy bounds (characters, not bytes).
    pub fn password(&mut self, field: &str, value: &str, min: i64, max: i64) {
        let n = value.chars().count() as i64;
        if n < min {
            self.push(
                field,
                "too_short",
                format!("must be at least {min} characters"),
            );
        } else if n > max {
            self.push(
                field,
                "too_long",
                format!("must be at most {max} characters"),
            );
        }
    }
    /// A `#rrggbb` colour.
    pub fn color(&mut self, field: &str, value: &str) {
        let ok = value.len() == 7
            && value.starts_with('#')
            && value[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !ok {
            self.push(field, "invalid_format", "must be a colour like #3b82f6");
        }
    }
    /// A JSON object.
    pub fn object(&mut self, field: &str, value: &serde_json::Value) {
        if !value.is_object() {
            self.push(field, "invalid_type", "must be a JSON object");
        }
    }
    /// An integer within bounds.
    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) {
        if value < min || value > max {
            self.push(
                field,
                "out_of_range",
                format!("must be between {min} and {max}"),
            );
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

    #[test]
    fn rules() {
        let mut c = Checks::new();
        c.username("u", "ab");
        c.email("e", "nope");
        c.password("p", "short", 12, 128);
        c.color("c", "blue");
        c.name("n", " x ", 2, 100);
        let Err(ServiceError::Validation(errs)) = c.finish() else {
            panic!("expected errors")
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["u", "e", "p", "c", "n"]);
        let mut ok = Checks::new();
        ok.username("u", "alice.b-1");
        ok.email("e", "a@b.io");
        ok.password("p", "twelve chars", 12, 128);
        ok.color("c", "#A0b1C2");
        ok.name("n", "ok", 2, 100);
        assert!(ok.finish().is_ok());
    }
}
