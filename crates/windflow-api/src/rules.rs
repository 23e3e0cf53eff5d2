//! Field rules: one definition of each validation rule the server enforces, used twice: by the
//! services' checks (`windflow_core::validate::Checks::rule`) and by the OpenAPI document, which
//! writes each rule into its schema as JSON Schema keywords ([`Rule::schema`], applied to the
//! properties listed in [`FIELD_RULES`]). A rule changed here changes both (issue 12: "every
//! validation rule the server enforces is declared in the schema, from the same source").
//!
//! Over 600 lines on purpose: the rule table, its JSON Schema form and the property test that
//! holds the two together are read side by side.
//!
//! Patterns are written for both ECMA-262 (what OpenAPI 3.1 / JSON Schema 2020-12 name) and
//! Python's `re` (what the standard validators run): no `\s`, `\d` or `\p{…}` classes (their
//! meaning differs between engines), explicit `\uXXXX` ranges instead, and `(?![\s\S])` rather
//! than `$` for the end (Python's `$` also matches before a final newline).
use serde_json::{Value, json};

/// A validation rule on one field. Lengths count Unicode scalar values (Rust `chars()`, JSON
/// Schema `minLength`/`maxLength`), never bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A name: `min..=max` characters once surrounding whitespace is trimmed, and no control
    /// character (Unicode category Cc) anywhere. Errors: `too_short`, `too_long`,
    /// `invalid_format`.
    Text {
        /// Fewest characters after trimming.
        min: u32,
        /// Most characters after trimming.
        max: u32,
    },
    /// `1..=max` characters, at least one of them not whitespace (a login name). Error:
    /// `invalid_length`.
    Required {
        /// Most characters.
        max: u32,
    },
    /// `min..=max` characters, any content (a password being checked, a secret). Error:
    /// `invalid_length`.
    Length {
        /// Fewest characters.
        min: u32,
        /// Most characters.
        max: u32,
    },
    /// A username: 3 to 64 characters of `[A-Za-z0-9._-]` (DOMAIN.md: username ≥ 3 chars).
    /// Errors: `too_short`, `too_long`, `invalid_format`.
    Username,
    /// An email address: a local part without `@` or whitespace, `@`, a domain with a dot that
    /// neither starts nor ends it, at most 254 characters (RFC 5321 §4.5.3.1.3 path limit).
    /// Error: `invalid_format`.
    Email,
    /// A new password under the default policy: 12 to 128 characters (DOMAIN.md; an admin may
    /// narrow the bounds at runtime with `PUT /settings/auth`, within 12..=128, so the schema
    /// gives the widest bounds the server can accept). Errors: `too_short`, `too_long`.
    Password,
    /// A `#rrggbb` colour. Error: `invalid_format`.
    Color,
    /// An integer in `min..=max`. Error: `out_of_range`.
    Range {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// A Docker object id or name (container, volume, network, exec): `min..=512` characters
    /// of `[A-Za-z0-9_.-]`, the first alphanumeric, never `..` (the engine's grammar
    /// `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; issue 11 H1). Error: `invalid_format`.
    ObjectRef {
        /// Fewest characters (a new container name needs 2).
        min: u32,
    },
    /// An engine reference given to a Docker write (image to pull, repository and tag, new
    /// volume or network name): 1 to 255 characters of `[A-Za-z0-9/:._@-]`. Error:
    /// `invalid_format`.
    EngineName,
    /// A registry server, `host[:port]` without scheme: 1 to 253 characters of
    /// `[A-Za-z0-9.:[]-]`. Error: `invalid_format`.
    RegistryHost,
    /// How many log lines: `all`, or a decimal number from 0 to 100 000 without leading zeros.
    /// Error: `invalid_value`.
    LogTail,
    /// A scope reference, `organization:<uuid>`, `project:<uuid>` or `environment:<uuid>`
    /// (hyphenated UUID). Error: `invalid_format`.
    ScopeRef,
    /// A JSON object (free-form settings or profile); `null` where the field is optional.
    /// Error: `invalid_type`.
    Object,
    /// An image reference or id (`repo/name:tag`, `name@sha256:…`, `sha256:…`): segments of
    /// `[A-Za-z0-9][A-Za-z0-9_.:@-]*` separated by single `/`, never `..`, at most 512
    /// characters. Error: `invalid_format`.
    ImageRef,
}

/// Whitespace that is not a control character (Rust `char::is_whitespace` minus Cc).
const WS: &str = r"[ \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
/// Neither whitespace nor a control character.
const SOLID: &str =
    r"[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
/// Not a control character.
const ANY: &str = r"[^\u0000-\u001f\u007f-\u009f]";
/// End of input in both ECMA-262 and Python (`$` differs).
const END: &str = r"(?![\s\S])";
/// A hyphenated UUID, any case.
const UUID: &str = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
/// Most log lines one request may ask for.
pub const LOG_TAIL_MAX: u32 = 100_000;

/// `s` is a hyphenated UUID (`8-4-4-4-12` hex digits, any case).
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Longest engine reference, characters (all ASCII, so also bytes).
pub const MAX_REF: u32 = 512;
/// An engine object name: alphanumeric first, then `[A-Za-z0-9_.-]` with no `..`.
const OBJECT_SEGMENT: &str = r"[A-Za-z0-9](?:[A-Za-z0-9_-]|\.[A-Za-z0-9_-])*\.?";
/// One `/`-separated segment of an image reference, with no `..`.
const IMAGE_SEGMENT: &str = r"[A-Za-z0-9](?:[A-Za-z0-9_:@-]|\.[A-Za-z0-9_:@-])*\.?";

/// Checks `s` as one `/`-free engine segment whose other characters are in `extra`.
fn engine_segment(s: &str, extra: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '.' || extra.contains(c))
        && !s.contains("..")
}

/// A rule broken: the stable field-error `code` and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// Stable code (`too_short`, `too_long`, `invalid_format`, `invalid_length`,
    /// `out_of_range`).
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
}

fn broken(code: &'static str, message: impl Into<String>) -> Option<Broken> {
    Some(Broken {
        code,
        message: message.into(),
    })
}

impl Rule {
    /// Checks a string value; `None` when it passes. [`Rule::Range`] and [`Rule::Object`] never
    /// pass a string.
    pub fn check(&self, v: &str) -> Option<Broken> {
        let n = v.chars().count() as u32;
        match *self {
            Rule::Text { min, max } => {
                let t = v.trim().chars().count() as u32;
                if t < min {
                    broken("too_short", format!("must be at least {min} characters"))
                } else if t > max {
                    broken("too_long", format!("must be at most {max} characters"))
                } else if v.chars().any(char::is_control) {
                    broken("invalid_format", "must not contain control characters")
                } else {
                    None
                }
            }
            Rule::Required { max } => (v.trim().is_empty() || n > max)
                .then(|| broken("invalid_length", format!("must be 1 to {max} characters")))
                .flatten(),
            Rule::Length { min, max } => (n < min || n > max)
                .then(|| broken("invalid_length", format!("must be {min} to {max} characters")))
                .flatten(),
            Rule::Username => {
                if n < 3 {
                    broken("too_short", "must be at least 3 characters")
                } else if n > 64 {
                    broken("too_long", "must be at most 64 characters")
                } else if !v
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                {
                    broken(
                        "invalid_format",
                        "may contain only letters, digits, '.', '_' and '-'",
                    )
                } else {
                    None
                }
            }
            Rule::Email => {
                let ok = n <= 254
                    && !v.chars().any(char::is_whitespace)
                    && v.split_once('@').is_some_and(|(l, d)| {
                        !l.is_empty()
                            && !d.contains('@')
                            && d.contains('.')
                            && !d.starts_with('.')
                            && !d.ends_with('.')
                    });
                (!ok).then(|| broken("invalid_format", "must be an email address")).flatten()
            }
            Rule::Password => Rule::password(v, PASSWORD_MIN as i64, PASSWORD_MAX as i64),
            Rule::Color => {
                let ok = v.len() == 7
                    && v.starts_with('#')
                    && v[1..].chars().all(|c| c.is_ascii_hexdigit());
                (!ok).then(|| broken("invalid_format", "must be a colour like #3b82f6")).flatten()
            }
            Rule::Range { min, max } => {
                broken("out_of_range", format!("must be an integer between {min} and {max}"))
            }
            Rule::ObjectRef { min } => (n < min || n > MAX_REF || !engine_segment(v, "_-"))
                .then(|| {
                    broken(
                        "invalid_format",
                        format!("{min} to {MAX_REF} characters of [A-Za-z0-9_.-], starting with a letter or digit, without '..'"),
                    )
                })
                .flatten(),
            Rule::Object => broken("invalid_type", "must be a JSON object"),
            Rule::EngineName => (n == 0
                || n > 255
                || !v.chars().all(|c| c.is_ascii_alphanumeric() || "/:._-@".contains(c)))
            .then(|| broken("invalid_format", "letters, digits and / : . _ - @ only"))
            .flatten(),
            Rule::RegistryHost => (n == 0
                || n > 253
                || !v.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
            .then(|| broken("invalid_format", "a registry host[:port] without scheme"))
            .flatten(),
            Rule::LogTail => {
                let number = !v.is_empty()
                    && v.chars().all(|c| c.is_ascii_digit())
                    && (v == "0" || !v.starts_with('0'))
                    && v.parse::<u32>().is_ok_and(|n| n <= LOG_TAIL_MAX);
                (v != "all" && !number)
                    .then(|| broken("invalid_value", "a number up to 100000, or all"))
                    .flatten()
            }
            Rule::ScopeRef => {
                let ok = v.split_once(':').is_some_and(|(kind, id)| {
                    matches!(kind, "organization" | "project" | "environment") && is_uuid(id)
                });
                (!ok)
                    .then(|| {
                        broken(
                            "invalid_format",
                            "must be organization:<id>, project:<id> or environment:<id>",
                        )
                    })
                    .flatten()
            }
            Rule::ImageRef => (n > MAX_REF || !v.split('/').all(|s| engine_segment(s, "_:@-")))
                .then(|| broken("invalid_format", "not an image reference (repo/name:tag or name@sha256:…)"))
                .flatten(),
        }
    }

    /// Checks a JSON value against a [`Rule::Object`]; any other rule passes every value.
    pub fn check_value(&self, v: &Value) -> Option<Broken> {
        match *self {
            Rule::Object if !v.is_object() => broken("invalid_type", "must be a JSON object"),
            _ => None,
        }
    }

    /// Checks an integer against a [`Rule::Range`]; any other rule passes every integer.
    pub fn check_int(&self, v: i64) -> Option<Broken> {
        match *self {
            Rule::Range { min, max } if v < min || v > max => {
                broken("out_of_range", format!("must be between {min} and {max}"))
            }
            _ => None,
        }
    }

    /// A new password against the runtime policy bounds `min..=max` (characters).
    pub fn password(v: &str, min: i64, max: i64) -> Option<Broken> {
        let n = v.chars().count() as i64;
        if n < min {
            broken("too_short", format!("must be at least {min} characters"))
        } else if n > max {
            broken("too_long", format!("must be at most {max} characters"))
        } else {
            None
        }
    }

    /// The JSON Schema keywords that declare this rule (merged into a property's schema).
    pub fn schema(&self) -> Value {
        match *self {
            Rule::Text { min, max } => {
                let (w, s, a, e) = (WS, SOLID, ANY, END);
                let inner = max.saturating_sub(2);
                let core = match min {
                    0 => format!("(?:{s}(?:{a}{{0,{inner}}}{s})?)?"),
                    1 => format!("{s}(?:{a}{{0,{inner}}}{s})?"),
                    _ => format!("{s}{a}{{{},{inner}}}{s}", min - 2),
                };
                json!({ "pattern": format!("^{w}*{core}{w}*{e}") })
            }
            Rule::Required { max } => json!({
                "minLength": 1, "maxLength": max,
                "pattern": r"[^\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
            }),
            Rule::Length { min, max } => json!({ "minLength": min, "maxLength": max }),
            Rule::Username => json!({ "pattern": format!("^[A-Za-z0-9._-]{{3,64}}{END}") }),
            Rule::Email => json!({
                "maxLength": 254,
                "pattern": format!(
                    "^[^@\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+@{d1}{d}*\\.{d}*{d1}{END}",
                    d = r"[^@\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]",
                    d1 = r"[^.@\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]",
                )
            }),
            Rule::Password => json!({ "minLength": PASSWORD_MIN, "maxLength": PASSWORD_MAX }),
            Rule::Color => json!({ "pattern": format!("^#[0-9A-Fa-f]{{6}}{END}") }),
            Rule::Range { min, max } => json!({ "minimum": min, "maximum": max }),
            Rule::ObjectRef { min } => json!({
                "minLength": min, "maxLength": MAX_REF,
                "pattern": format!("^{OBJECT_SEGMENT}{END}")
            }),
            Rule::Object => json!({ "type": ["object", "null"] }),
            Rule::EngineName => {
                json!({ "pattern": format!("^[A-Za-z0-9/:._@-]{{1,255}}{END}") })
            }
            Rule::RegistryHost => {
                json!({ "pattern": format!(r"^[A-Za-z0-9.:\[\]-]{{1,253}}{END}") })
            }
            Rule::LogTail => {
                json!({ "pattern": format!("^(?:all|0|[1-9][0-9]{{0,4}}|100000){END}") })
            }
            Rule::ScopeRef => json!({
                "pattern": format!("^(?:organization|project|environment):{UUID}{END}")
            }),
            Rule::ImageRef => json!({
                "maxLength": MAX_REF,
                "pattern": format!("^{IMAGE_SEGMENT}(?:/{IMAGE_SEGMENT})*{END}")
            }),
        }
    }
}

/// The name given to a new container (Docker wants 2 or more characters).
pub const CONTAINER_NAME: Rule = Rule::ObjectRef { min: 2 };
/// Names of organizations, projects, environments, groups, roles, endpoints, registries.
pub const NAME: Rule = Rule::Text { min: 2, max: 100 };
/// Names of Git credentials and repositories.
pub const GIT_NAME: Rule = Rule::Text { min: 1, max: 100 };
/// A user's display name.
pub const DISPLAY_NAME: Rule = Rule::Text { min: 1, max: 200 };
/// A user's avatar (URL or data reference); empty clears it.
pub const AVATAR: Rule = Rule::Text { min: 0, max: 2048 };
/// A username stored with a credential (registry, Git over HTTPS).
pub const CREDENTIAL_USERNAME: Rule = Rule::Text { min: 1, max: 255 };
/// A secret stored with a credential (registry password, Git token).
pub const CREDENTIAL_SECRET: Rule = Rule::Text { min: 1, max: 4096 };
/// The login name of `POST /auth/login` (username or email).
pub const LOGIN: Rule = Rule::Required { max: 254 };
/// The password of `POST /auth/login` (long enough for any policy, bounded against abuse).
pub const LOGIN_PASSWORD: Rule = Rule::Length { min: 1, max: 1024 };
/// Smallest password length any policy allows (DOMAIN.md: ≥ 12).
pub const PASSWORD_MIN: u32 = 12;
/// Largest password length any policy allows.
pub const PASSWORD_MAX: u32 = 128;
/// `AuthSettings.session_timeout_minutes`: 5 minutes to a year.
pub const SESSION_TIMEOUT_MINUTES: Rule = Rule::Range {
    min: 5,
    max: 525_600,
};
/// `AuthSettings.lockout_max_attempts_per_user`.
pub const LOCKOUT_PER_USER: Rule = Rule::Range { min: 1, max: 100 };
/// `AuthSettings.lockout_max_attempts_per_ip`.
pub const LOCKOUT_PER_IP: Rule = Rule::Range {
    min: 1,
    max: 10_000,
};
/// `AuthSettings.lockout_window_seconds`: 10 s to a day.
pub const LOCKOUT_WINDOW_SECONDS: Rule = Rule::Range {
    min: 10,
    max: 86_400,
};
/// `AuthSettings.password_min_length` and `password_max_length` (the latter also ≥ the former).
pub const PASSWORD_LENGTH: Rule = Rule::Range {
    min: PASSWORD_MIN as i64,
    max: PASSWORD_MAX as i64,
};

/// Rules on query parameters: (path template below `/api/v1`, parameter, rule).
pub const QUERY_RULES: &[(&str, &str, Rule)] = &[
    (
        "/endpoints/{id}/containers/{cid}/logs",
        "tail",
        Rule::LogTail,
    ),
    (
        "/endpoints/{id}/containers/{cid}/logs/stream",
        "tail",
        Rule::LogTail,
    ),
    (
        "/endpoints/{id}/containers/{cid}/exec",
        "cmd",
        Rule::Required { max: 4096 },
    ),
    ("/stacks/{id}/logs", "tail", STACK_LOG_TAIL),
    ("/users/{id}/permissions", "scope", Rule::ScopeRef),
    ("/search", "q", SEARCH_TEXT),
    ("/search", "per_kind", SEARCH_PER_KIND),
];

/// The text of a global search (`GET /search?q=`): 1 to 100 characters once trimmed.
pub const SEARCH_TEXT: Rule = Rule::Text { min: 1, max: 100 };

/// Hits of each kind one search may ask for (`GET /search?per_kind=`).
pub const SEARCH_PER_KIND: Rule = Rule::Range { min: 1, max: 20 };

/// Lines of a stack's logs one request may ask for (`GET /stacks/{id}/logs?tail=`).
pub const STACK_LOG_TAIL: Rule = Rule::Range { min: 0, max: 5000 };

/// Where each rule applies in the contract: (schema name, property, rule). The OpenAPI builder
/// merges `rule.schema()` into `components.schemas[schema].properties[property]` (for an
/// optional property, into its non-null branch) and fails at start-up if one is missing; the
/// services check the same fields with the same constants.
pub const FIELD_RULES: &[(&str, &str, Rule)] = &[
    ("LoginRequest", "login", LOGIN),
    ("LoginRequest", "password", LOGIN_PASSWORD),
    ("SetupRequest", "username", Rule::Username),
    ("SetupRequest", "email", Rule::Email),
    ("SetupRequest", "password", Rule::Password),
    ("SetupRequest", "display_name", DISPLAY_NAME),
    ("ChangePasswordRequest", "current_password", LOGIN_PASSWORD),
    ("ChangePasswordRequest", "new_password", Rule::Password),
    ("CreateUser", "username", Rule::Username),
    ("CreateUser", "email", Rule::Email),
    ("CreateUser", "password", Rule::Password),
    ("CreateUser", "display_name", DISPLAY_NAME),
    ("UpdateUser", "email", Rule::Email),
    ("UpdateUser", "display_name", DISPLAY_NAME),
    ("UpdateUser", "avatar", AVATAR),
    ("UpdateUser", "profile", Rule::Object),
    ("CreateOrganization", "name", NAME),
    ("CreateOrganization", "settings", Rule::Object),
    ("UpdateOrganization", "name", NAME),
    ("UpdateOrganization", "settings", Rule::Object),
    ("CreateGroup", "name", NAME),
    ("UpdateGroup", "name", NAME),
    ("CreateProject", "name", NAME),
    ("CreateProject", "color", Rule::Color),
    ("UpdateProject", "name", NAME),
    ("UpdateProject", "color", Rule::Color),
    ("CreateEnvironment", "name", NAME),
    ("UpdateEnvironment", "name", NAME),
    ("CreateRole", "name", NAME),
    ("UpdateRole", "name", NAME),
    ("CreateEndpoint", "name", NAME),
    ("UpdateEndpoint", "name", NAME),
    ("CreateRegistryCredential", "name", NAME),
    ("CreateRegistryCredential", "username", CREDENTIAL_USERNAME),
    ("CreateRegistryCredential", "password", CREDENTIAL_SECRET),
    ("UpdateRegistryCredential", "name", NAME),
    ("UpdateRegistryCredential", "password", CREDENTIAL_SECRET),
    ("CreateGitCredential", "name", GIT_NAME),
    ("CreateGitCredential", "username", CREDENTIAL_USERNAME),
    ("CreateGitCredential", "token", CREDENTIAL_SECRET),
    ("UpdateGitCredential", "name", GIT_NAME),
    ("UpdateGitCredential", "token", CREDENTIAL_SECRET),
    ("GitRepositoryInput", "name", GIT_NAME),
    ("PullImage", "image", Rule::EngineName),
    ("PullImage", "tag", Rule::EngineName),
    ("TagImage", "repo", Rule::EngineName),
    ("TagImage", "tag", Rule::EngineName),
    ("CreateVolume", "name", Rule::EngineName),
    ("CreateNetwork", "name", Rule::EngineName),
    ("CreateRegistryCredential", "server", Rule::RegistryHost),
    ("UpdateRegistryCredential", "server", Rule::RegistryHost),
    ("ContainerSpec", "image", Rule::ImageRef),
    ("ContainerSpec", "name", CONTAINER_NAME),
    ("RenameContainer", "name", CONTAINER_NAME),
    (
        "AuthSettings",
        "session_timeout_minutes",
        SESSION_TIMEOUT_MINUTES,
    ),
    (
        "AuthSettings",
        "lockout_max_attempts_per_user",
        LOCKOUT_PER_USER,
    ),
    (
        "AuthSettings",
        "lockout_max_attempts_per_ip",
        LOCKOUT_PER_IP,
    ),
    (
        "AuthSettings",
        "lockout_window_seconds",
        LOCKOUT_WINDOW_SECONDS,
    ),
    ("AuthSettings", "password_min_length", PASSWORD_LENGTH),
    ("AuthSettings", "password_max_length", PASSWORD_LENGTH),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A rule's declared schema as a checker: lengths, and the pattern run by Rust's `regex`
    /// (no look-around: the end assertion becomes `$`, which in Rust means the end of the text).
    struct Declared {
        min: Option<u64>,
        max: Option<u64>,
        re: Option<regex::Regex>,
    }

    impl Declared {
        fn of(rule: &Rule) -> Self {
            let s = rule.schema();
            Declared {
                min: s.get("minLength").and_then(Value::as_u64),
                max: s.get("maxLength").and_then(Value::as_u64),
                re: s
                    .get("pattern")
                    .and_then(Value::as_str)
                    .map(|p| regex::Regex::new(&p.replace(END, "$")).unwrap()),
            }
        }
        fn accepts(&self, v: &str) -> bool {
            let n = v.chars().count() as u64;
            self.min.is_none_or(|m| n >= m)
                && self.max.is_none_or(|m| n <= m)
                && self.re.as_ref().is_none_or(|re| re.is_match(v))
        }
    }

    fn matches(rule: &Rule, v: &str) -> bool {
        Declared::of(rule).accepts(v)
    }

    const RULES: &[Rule] = &[
        Rule::EngineName,
        Rule::RegistryHost,
        Rule::LogTail,
        Rule::ScopeRef,
        Rule::Text { min: 0, max: 4 },
        Rule::Text { min: 1, max: 4 },
        Rule::Text { min: 2, max: 5 },
        Rule::Required { max: 5 },
        Rule::Length { min: 1, max: 5 },
        Rule::Username,
        Rule::Email,
        Rule::Color,
        Rule::ObjectRef { min: 2 },
        Rule::ImageRef,
        NAME,
    ];

    thread_local! {
        static DECLARED: Vec<(Rule, Declared)> =
            RULES.iter().map(|r| (*r, Declared::of(r))).collect();
    }

    fn alphabet() -> impl Strategy<Value = char> {
        prop::sample::select(vec![
            'a', 'Z', '0', '9', 'f', '.', '-', '_', '/', ':', '@', '#', '+', ' ', '\t', '\n', '\r',
            '\u{85}', '\u{a0}', '\u{2003}', '\u{3000}', '\u{7f}', '\u{1}', 'é', '\u{feff}',
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        /// The declared schema accepts exactly what the server's check accepts.
        #[test]
        fn schema_and_check_agree(chars in prop::collection::vec(alphabet(), 0..12)) {
            let v: String = chars.into_iter().collect();
            let declared = DECLARED.with(|d| {
                for (rule, schema) in d.iter() {
                    if rule.check(&v).is_none() != schema.accepts(&v) {
                        return Err(format!("{rule:?} on {v:?}"));
                    }
                }
                Ok(())
            });
            prop_assert!(declared.is_ok(), "{:?}", declared);
        }
    }

    #[test]
    fn known_values() {
        for (rule, ok, bad) in [
            (NAME, "ok", " x "),
            (NAME, "  Team A  ", "a\tb"),
            (Rule::Email, "a@b.io", "a@b."),
            (Rule::Email, "first.last@x.example", "a b@c.d"),
            (Rule::ImageRef, "127.0.0.1:5000/wf/busybox:1", "a//b"),
            (Rule::ImageRef, "busybox@sha256:abc", "../x"),
            (CONTAINER_NAME, "web-1", "w"),
            (Rule::Username, "alice.b-1", "al"),
            (LOGIN, " alice ", "   "),
            (Rule::LogTail, "100000", "100001"),
            (Rule::LogTail, "all", "007"),
            (
                Rule::ScopeRef,
                "project:0191a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b",
                "project:0191a2b3c4d57e6f8a9b0c1d2e3f4a5b",
            ),
        ] {
            assert!(
                rule.check(ok).is_none() && matches(&rule, ok),
                "{rule:?} {ok:?}"
            );
            assert!(
                rule.check(bad).is_some() && !matches(&rule, bad),
                "{rule:?} {bad:?}"
            );
        }
        assert!(LOCKOUT_PER_USER.check_int(0).is_some());
        assert!(LOCKOUT_PER_USER.check_int(100).is_none());
        assert_eq!(
            LOCKOUT_PER_USER.schema(),
            json!({"minimum": 1, "maximum": 100})
        );
    }

    #[test]
    fn every_rule_names_a_distinct_field() {
        let mut seen = std::collections::BTreeSet::new();
        for (schema, prop, _) in FIELD_RULES {
            assert!(seen.insert((schema, prop)), "{schema}.{prop} listed twice");
        }
    }
}
