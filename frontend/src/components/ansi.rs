//! ANSI SGR colour codes in log lines (review D8): [`spans`] cuts a line into runs of text with
//! the CSS classes of their style (`ansi-fg-N` / `ansi-bg-N` for the 16 basic colours, `ansi-b`
//! bold, `ansi-i` italic, `ansi-u` underline; the colours are in `style.css`). Other escape
//! sequences (cursor moves, erase line) are dropped, so no escape is ever shown raw.
//! 256-colour codes below 16 map to the basic colours; the rest, and 24-bit colours, keep the
//! default colour.

/// The style in force at a point of the line.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
struct Style {
    fg: Option<u8>,
    bg: Option<u8>,
    bold: bool,
    italic: bool,
    underline: bool,
}

impl Style {
    fn class(self) -> String {
        let mut c = Vec::new();
        if let Some(n) = self.fg {
            c.push(format!("ansi-fg-{n}"));
        }
        if let Some(n) = self.bg {
            c.push(format!("ansi-bg-{n}"));
        }
        for (on, name) in [
            (self.bold, "ansi-b"),
            (self.italic, "ansi-i"),
            (self.underline, "ansi-u"),
        ] {
            if on {
                c.push(name.to_owned());
            }
        }
        c.join(" ")
    }

    /// Applies one SGR sequence's parameters (`31`, `1;32`, `38;5;9`, empty = reset).
    fn apply(&mut self, params: &str) {
        let mut codes = params.split(';').map(|p| p.parse::<u16>().unwrap_or(0));
        while let Some(code) = codes.next() {
            match code {
                0 => *self = Self::default(),
                1 => self.bold = true,
                3 => self.italic = true,
                4 => self.underline = true,
                22 => self.bold = false,
                23 => self.italic = false,
                24 => self.underline = false,
                30..=37 => self.fg = Some((code - 30) as u8),
                39 => self.fg = None,
                40..=47 => self.bg = Some((code - 40) as u8),
                49 => self.bg = None,
                90..=97 => self.fg = Some((code - 90 + 8) as u8),
                100..=107 => self.bg = Some((code - 100 + 8) as u8),
                38 | 48 => {
                    // 5;n (256 colours) or 2;r;g;b (24-bit): consume the arguments.
                    let colour = match codes.next() {
                        Some(5) => codes.next().filter(|n| *n < 16).map(|n| n as u8),
                        Some(2) => {
                            codes.by_ref().take(3).for_each(drop);
                            None
                        }
                        _ => None,
                    };
                    if code == 38 {
                        self.fg = colour;
                    } else {
                        self.bg = colour;
                    }
                }
                _ => {}
            }
        }
    }
}

/// The runs of `line` as `(classes, text)`, escape sequences removed; `classes` is empty for
/// unstyled text. Adjacent runs never share a style.
pub fn spans(line: &str) -> Vec<(String, String)> {
    let mut out: Vec<(Style, String)> = Vec::new();
    let mut style = Style::default();
    let mut rest = line;
    while let Some(esc) = rest.find('\u{1b}') {
        push(&mut out, style, &rest[..esc]);
        let after = &rest[esc + 1..];
        if let Some(csi) = after.strip_prefix('[') {
            // CSI: parameter and intermediate bytes, then one final byte in @..~.
            match csi.find(|ch: char| ('@'..='~').contains(&ch)) {
                Some(end) => {
                    if csi[end..].starts_with('m') {
                        style.apply(&csi[..end]);
                    }
                    rest = &csi[end + 1..];
                }
                None => rest = "",
            }
        } else {
            // Another escape (ESC, intermediate bytes, one final byte): dropped.
            let body = after.trim_start_matches(|ch: char| (' '..='/').contains(&ch));
            let mut chars = body.chars();
            chars.next();
            rest = chars.as_str();
        }
    }
    push(&mut out, style, rest);
    out.into_iter().map(|(s, t)| (s.class(), t)).collect()
}

fn push(out: &mut Vec<(Style, String)>, style: Style, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some((s, t)) if *s == style => t.push_str(text),
        _ => out.push((style, text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::spans;

    fn run(class: &str, text: &str) -> (String, String) {
        (class.to_owned(), text.to_owned())
    }

    #[test]
    fn plain_text_is_one_unstyled_run() {
        assert_eq!(spans("hello"), vec![run("", "hello")]);
        assert!(spans("").is_empty());
    }

    #[test]
    fn colour_then_reset() {
        assert_eq!(
            spans("\u{1b}[31mERROR\u{1b}[0m done"),
            vec![run("ansi-fg-1", "ERROR"), run("", " done")]
        );
    }

    #[test]
    fn bold_bright_background_and_combined_codes() {
        assert_eq!(
            spans("\u{1b}[1;92mok\u{1b}[22m!\u{1b}[44m \u{1b}[m."),
            vec![
                run("ansi-fg-10 ansi-b", "ok"),
                run("ansi-fg-10", "!"),
                run("ansi-fg-10 ansi-bg-4", " "),
                run("", "."),
            ]
        );
    }

    #[test]
    fn extended_colours_consume_their_arguments() {
        assert_eq!(
            spans("\u{1b}[38;5;9ma\u{1b}[38;2;1;2;3;4mb"),
            vec![run("ansi-fg-9", "a"), run("ansi-u", "b")]
        );
    }

    #[test]
    fn other_sequences_are_dropped_never_shown() {
        assert_eq!(spans("a\u{1b}[2Kb\u{1b}(Bc\u{1b}[31"), vec![run("", "abc")]);
    }
}
