//! Go's string quoting (`strconv.Quote`), which BuildKit's outputs are written with: the
//! parser's AST dump, the shell lexer's error messages and the history of CMD/ENTRYPOINT.

/// Go's `strconv.Quote`: double quotes, `\"` and `\\`, C escapes for the usual controls,
/// `\xNN` for other ASCII controls, `\uNNNN`/`\UNNNNNNNN` for other non-printable characters.
///
/// "Printable" follows Go's `unicode.IsPrint` as far as the standard library can tell it:
/// controls, non-ASCII spaces, format characters, surrogates, private-use characters and
/// noncharacters are escaped; unassigned code points (which need Unicode tables) are kept.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    let format_char = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
        | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private_use = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    let nonchar = (u & 0xFFFE) == 0xFFFE || (0xFDD0..=0xFDEF).contains(&u);
    !(format_char || private_use || nonchar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("he${PWD"), "\"he${PWD\"");
        assert_eq!(go_quote("a\"b\\c\td\u{0}é♥"), "\"a\\\"b\\\\c\\td\\x00é♥\"");
        assert_eq!(go_quote("\u{a0}\u{feff}"), "\"\\u00a0\\ufeff\"");
        assert_eq!(go_quote("\u{10ffff}"), "\"\\U0010ffff\"");
    }

    #[test]
    fn controls_and_invisible_characters_are_escaped() {
        assert_eq!(
            go_quote("a\"b\\c\n\u{0}\u{7f}♥\u{a0}\u{200b}"),
            "\"a\\\"b\\\\c\\n\\x00\\x7f♥\\u00a0\\u200b\""
        );
    }
}
