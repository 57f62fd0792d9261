//! `--chmod`: octal (`755`, at most `07777`) or symbolic (`u=rwX,go=rX`, `+x`), as BuildKit
//! parses it (`strconv.ParseUint(v, 8, 32)` then `dchapes-mode`).

/// A parsed `--chmod` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chmod {
    Octal(u32),
    Symbolic(Vec<SymbolicClause>),
}

/// One `who op perms` clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolicClause {
    /// Bit mask of the classes (`u`=0o4700-ish handled in apply); 0 = "a" without umask.
    who: u32,
    op: char,
    perms: String,
}

impl Chmod {
    /// Parses a value; the error text is BuildKit's.
    pub fn parse(value: &str) -> Result<Chmod, String> {
        let non_octal = format!(
            "invalid chmod parameter: '{value}'. it should be octal string and between 0 and 07777"
        );
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return match u32::from_str_radix(value, 8) {
                Ok(v) if v <= 0o7777 => Ok(Chmod::Octal(v)),
                _ => Err(non_octal),
            };
        }
        let mut clauses = Vec::new();
        for part in value.split(',') {
            let op_at = part
                .find(['+', '-', '='])
                .ok_or_else(|| format!("invalid mode: {value}"))?;
            let (who_text, rest) = part.split_at(op_at);
            let mut who = 0;
            for c in who_text.chars() {
                who |= match c {
                    'u' => 0o4700,
                    'g' => 0o2070,
                    'o' => 0o1007,
                    'a' => 0o7777,
                    _ => return Err(format!("invalid mode: {value}")),
                };
            }
            let mut chars = rest.chars();
            let op = chars.next().unwrap_or('=');
            let perms: String = chars.collect();
            if perms.chars().any(|c| !"rwxXstugo".contains(c)) {
                return Err(format!("invalid mode: {value}"));
            }
            clauses.push(SymbolicClause { who, op, perms });
        }
        if clauses.is_empty() {
            return Err(format!("invalid mode: {value}"));
        }
        Ok(Chmod::Symbolic(clauses))
    }

    /// The mode of an entry that had `mode` (permission bits) and is a directory or not.
    pub fn apply(&self, mode: u32, is_dir: bool) -> u32 {
        match self {
            Chmod::Octal(m) => *m,
            Chmod::Symbolic(clauses) => {
                let mut mode = mode & 0o7777;
                for c in clauses {
                    let who = if c.who == 0 { 0o7777 } else { c.who };
                    let mut bits = 0;
                    for p in c.perms.chars() {
                        bits |= match p {
                            'r' => 0o444,
                            'w' => 0o222,
                            'x' => 0o111,
                            'X' if is_dir || mode & 0o111 != 0 => 0o111,
                            's' => 0o6000,
                            't' => 0o1000,
                            'u' => spread((mode >> 6) & 7),
                            'g' => spread((mode >> 3) & 7),
                            'o' => spread(mode & 7),
                            _ => 0,
                        };
                    }
                    // Without a class, `+w` etc. apply through the umask 022 in chmod(1); the
                    // Go library applies to all classes.
                    let bits = bits & who;
                    match c.op {
                        '+' => mode |= bits,
                        '-' => mode &= !bits,
                        _ => mode = (mode & !who) | bits,
                    }
                }
                mode & 0o7777
            }
        }
    }
}

fn spread(three: u32) -> u32 {
    three * 0o111
}

#[cfg(test)]
mod tests {
    use super::Chmod;

    #[test]
    fn octal_and_symbolic() {
        assert_eq!(
            Chmod::parse("755").map(|c| c.apply(0o644, false)),
            Ok(0o755)
        );
        assert!(Chmod::parse("8").is_err());
        assert!(Chmod::parse("17777").is_err());
        let x = Chmod::parse("+x").expect("valid");
        assert_eq!(x.apply(0o644, false), 0o755);
        let ux = Chmod::parse("u=rwX,go=rX").expect("valid");
        assert_eq!(ux.apply(0o600, false), 0o644);
        assert_eq!(ux.apply(0o700, true), 0o755);
        assert_eq!(
            Chmod::parse("go-w").expect("valid").apply(0o666, false),
            0o644
        );
        assert!(Chmod::parse("q+x").is_err());
    }
}
