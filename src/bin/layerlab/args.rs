//! A small argument reader: flags with values (`--format json` or `--format=json`), boolean
//! flags and positionals, with clear usage errors.

use std::fmt;

#[derive(Debug)]
pub struct UsageError(pub String);

#[derive(Debug)]
pub enum CliError {
    Usage(String),
    Io(String),
}

impl From<UsageError> for CliError {
    fn from(e: UsageError) -> Self {
        CliError::Usage(e.0)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Io(m) => f.write_str(m),
        }
    }
}

/// Parsed command-line arguments of one subcommand.
#[derive(Debug, Default)]
pub struct Args {
    pub positionals: Vec<String>,
    /// (name without dashes, value) in order; a repeated flag appears several times.
    pub values: Vec<(String, String)>,
    pub switches: Vec<String>,
}

impl Args {
    /// Reads `argv`. `with_value` names the flags that take a value; `switches` the boolean ones.
    pub fn parse(
        argv: &[String],
        with_value: &[&str],
        switches: &[&str],
    ) -> Result<Args, UsageError> {
        let mut out = Args::default();
        let mut it = argv.iter();
        let mut only_positionals = false;
        while let Some(arg) = it.next() {
            if only_positionals || arg == "-" || !arg.starts_with('-') {
                out.positionals.push(arg.clone());
                continue;
            }
            if arg == "--" {
                only_positionals = true;
                continue;
            }
            let body = arg.trim_start_matches('-');
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            if with_value.contains(&name) {
                let value = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| UsageError(format!("`{arg}` needs a value")))?,
                };
                out.values.push((name.to_string(), value));
            } else if switches.contains(&name) && inline.is_none() {
                out.switches.push(name.to_string());
            } else {
                return Err(UsageError(format!("unknown option `{arg}`")));
            }
        }
        Ok(out)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn switch(&self, name: &str) -> bool {
        self.switches.iter().any(|s| s == name)
    }

    /// Exactly one positional, named `what` in the error.
    pub fn one_positional(&self, what: &str) -> Result<&str, UsageError> {
        match self.positionals.as_slice() {
            [one] => Ok(one),
            [] => Err(UsageError(format!("missing {what}"))),
            more => Err(UsageError(format!(
                "expected one {what}, got {}",
                more.len()
            ))),
        }
    }
}

/// An output format accepted by `--format`.
pub fn format_arg<'a>(args: &'a Args, allowed: &[&str]) -> Result<&'a str, UsageError> {
    let f = args.value("format").unwrap_or("text");
    if allowed.contains(&f) {
        Ok(f)
    } else {
        Err(UsageError(format!(
            "unknown format `{f}` (expected {})",
            allowed.join("|")
        )))
    }
}
