//! `echo` and `printf` output, byte for byte as dash's builtins print it (dash's `echo`
//! interprets backslash escapes; bash's does not unless `-e`).

/// `echo ARGS` as dash's builtin (`dash`: escapes always interpreted, only `-n`) or as
/// bash's and busybox's (`-n`, `-e`, `-E`; escapes only with `-e`).
pub(crate) fn echo(args: &[String], dash: bool) -> Vec<u8> {
    let bash = !dash;
    let mut args = args;
    let mut newline = true;
    let mut escapes = dash;
    // dash accepts only `-n`; bash accepts -n, -e, -E and clusters of them.
    while let Some(first) = args.first() {
        let flags = first.strip_prefix('-').unwrap_or("");
        let valid = !flags.is_empty()
            && if bash {
                flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
            } else {
                flags == "n"
            };
        if !valid {
            break;
        }
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                'E' => escapes = false,
                _ => {}
            }
        }
        args = &args[1..];
    }
    let mut out = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        if escapes {
            let (bytes, stop) = unescape(arg, true);
            out.extend(bytes);
            if stop {
                return out;
            }
        } else {
            out.extend_from_slice(arg.as_bytes());
        }
    }
    if newline {
        out.push(b'\n');
    }
    out
}

/// Backslash escapes of `echo`/`%b` (`\c` stops all output: returned as `true`).
/// `echo_octal`: `\0NNN` (echo) rather than `\NNN` (printf format).
fn unescape(text: &str, echo_octal: bool) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('r') => out.push(b'\r'),
            Some('a') => out.push(7),
            Some('b') => out.push(8),
            Some('f') => out.push(12),
            Some('v') => out.push(11),
            Some('e') => out.push(27),
            Some('\\') => out.push(b'\\'),
            Some('c') => return (out, true),
            Some(d) if d.is_digit(8) && (d == '0' || !echo_octal) => {
                let mut value: u32 = if echo_octal {
                    0
                } else {
                    d.to_digit(8).unwrap_or(0)
                };
                let max = 3;
                let mut digits = if echo_octal { 0 } else { 1 };
                while digits < max {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(v) => {
                            value = value * 8 + v;
                            chars.next();
                            digits += 1;
                        }
                        None => break,
                    }
                }
                out.push((value & 0xff) as u8);
            }
            Some(other) => {
                out.push(b'\\');
                let mut buf = [0u8; 4];
                out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
            }
            None => out.push(b'\\'),
        }
    }
    (out, false)
}

/// `printf FORMAT ARGS…`: the format is reused while arguments remain. `None` for a
/// conversion this does not implement (floats, `%*d`).
pub(crate) fn printf(format: &str, args: &[String]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut args = args.iter();
    loop {
        let mut consumed = false;
        let chars: Vec<char> = format.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' {
                let mut j = i + 1;
                // One escape: a letter, or up to three octal digits.
                if chars.get(j).is_some_and(|d| d.is_digit(8)) {
                    while j < chars.len() && j < i + 4 && chars[j].is_digit(8) {
                        j += 1;
                    }
                } else {
                    j += 1;
                }
                let escape: String = chars[i..j.min(chars.len())].iter().collect();
                let (bytes, stop) = unescape(&escape, false);
                out.extend(bytes);
                if stop {
                    return Some(out);
                }
                i = j;
                continue;
            }
            if c != '%' {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                i += 1;
                continue;
            }
            // %[flags][width][.precision]conv
            let mut j = i + 1;
            let spec_start = j;
            while j < chars.len() && "-+ #0".contains(chars[j]) {
                j += 1;
            }
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            let spec: String = chars[spec_start..j.min(chars.len())].iter().collect();
            let Some(&conv) = chars.get(j) else {
                out.push(b'%');
                break;
            };
            i = j + 1;
            let text = match conv {
                '%' => "%".to_string(),
                's' => {
                    consumed = true;
                    args.next().cloned().unwrap_or_default()
                }
                'b' => {
                    consumed = true;
                    let (bytes, stop) = unescape(args.next().map_or("", String::as_str), true);
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    if stop {
                        out.extend(pad(&spec, &text)?.into_bytes());
                        return Some(out);
                    }
                    text
                }
                'd' | 'i' | 'u' => {
                    consumed = true;
                    let arg = args.next().map_or("0", String::as_str);
                    let value: i64 = if arg.is_empty() {
                        0
                    } else {
                        arg.trim().parse().ok()?
                    };
                    value.to_string()
                }
                'x' | 'X' | 'o' => {
                    consumed = true;
                    let arg = args.next().map_or("0", String::as_str);
                    let value: u64 = if arg.is_empty() {
                        0
                    } else {
                        arg.trim().parse().ok()?
                    };
                    match conv {
                        'x' => format!("{value:x}"),
                        'X' => format!("{value:X}"),
                        _ => format!("{value:o}"),
                    }
                }
                'c' => {
                    consumed = true;
                    args.next()
                        .and_then(|a| a.chars().next())
                        .map(String::from)
                        .unwrap_or_default()
                }
                _ => return None,
            };
            out.extend(pad(&spec, &text)?.into_bytes());
        }
        if !consumed || args.len() == 0 {
            break;
        }
    }
    Some(out)
}

/// Widest field printed; a wider one (`%999999999s`) is not simulated.
const MAX_WIDTH: usize = 1 << 16;

/// Width, `-` (left) and `.precision` (truncation for strings).
fn pad(spec: &str, text: &str) -> Option<String> {
    let flags: String = spec.chars().take_while(|c| "-+ #0".contains(*c)).collect();
    let left = flags.contains('-');
    let zero = flags.contains('0') && !left;
    let digits = spec.get(flags.len()..).unwrap_or("");
    let (width, precision) = match digits.split_once('.') {
        Some((w, p)) => (w.parse::<usize>().unwrap_or(0), p.parse::<usize>().ok()),
        None => (digits.parse::<usize>().unwrap_or(0), None),
    };
    let mut text: String = match precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_string(),
    };
    if width > MAX_WIDTH {
        return None;
    }
    let len = text.chars().count();
    if len < width {
        let fill = width - len;
        if left {
            text.push_str(&" ".repeat(fill));
        } else if zero {
            text = "0".repeat(fill) + &text;
        } else {
            text = " ".repeat(fill) + &text;
        }
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn echo_like_dash_and_bash() {
        assert_eq!(echo(&s(&["a", "b"]), true), b"a b\n");
        assert_eq!(echo(&s(&["-n", "a"]), true), b"a");
        assert_eq!(echo(&s(&["a\\nb"]), true), b"a\nb\n");
        assert_eq!(echo(&s(&["a\\nb"]), false), b"a\\nb\n");
        assert_eq!(echo(&s(&["-e", "a\\tb"]), true), b"-e a\tb\n");
        assert_eq!(echo(&s(&["-e", "a\\tb"]), false), b"a\tb\n");
    }

    #[test]
    fn printf_formats() {
        assert_eq!(
            printf("%s=%s\\n", &s(&["a", "1", "b", "2"])).unwrap(),
            b"a=1\nb=2\n"
        );
        assert_eq!(
            printf("%5s|%-3d|%03d", &s(&["x", "7", "5"])).unwrap(),
            b"    x|7  |005"
        );
        assert_eq!(printf("100%%\\n", &[]).unwrap(), b"100%\n");
        assert!(printf("%f", &s(&["1.5"])).is_none());
    }
}
