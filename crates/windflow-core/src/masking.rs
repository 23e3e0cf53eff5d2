//! Masking of secret values in output: compose output, deployment logs, container logs and
//! inspect documents. Which values are secret, and from whom, is the caller's business (the
//! stacks' variables, `services::stacks::secrets_hidden_from`); this only replaces them.

/// Replaces every secret value (3 characters or more) in `line` by `****`.
pub fn mask(line: &str, secrets: &[String]) -> String {
    let mut s = line.to_owned();
    for v in secrets.iter().filter(|v| v.len() >= 3) {
        if s.contains(v.as_str()) {
            s = s.replace(v.as_str(), "****");
        }
    }
    s
}

/// Replaces the secret values in every string of a JSON document (see [`mask`]).
pub fn mask_json(v: &mut serde_json::Value, secrets: &[String]) {
    match v {
        serde_json::Value::String(s) => *s = mask(s, secrets),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| mask_json(x, secrets)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| mask_json(x, secrets)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets_of_three_chars_or_more() {
        let s = vec!["hunter2".to_owned(), "ab".to_owned()];
        assert_eq!(mask("pw=hunter2 ab", &s), "pw=**** ab");
    }

    #[test]
    fn masks_every_string_of_a_document() {
        let s = vec!["hunter2".to_owned()];
        let mut v = serde_json::json!({"Env": ["PW=hunter2"], "n": 1, "x": {"y": "hunter2"}});
        mask_json(&mut v, &s);
        assert_eq!(
            v,
            serde_json::json!({"Env": ["PW=****"], "n": 1, "x": {"y": "****"}})
        );
    }
}
