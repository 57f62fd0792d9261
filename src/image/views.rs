//! What the Docker CLI would print about an image: `docker history`, `docker images`,
//! `docker inspect`, in its own formats (text/tabwriter with min width 10 and padding 3;
//! sizes through go-units `HumanSizeWithPrecision(x, 3)`; inspect JSON indented 4 spaces).

use super::config::{HistoryEntry, ImageConfig, RunConfig, Timestamp};
use super::digest::Digest;
use super::gojson::{GoJson, ObjectBuilder};

/// go-units `HumanSizeWithPrecision(size, 3)`: decimal units, `%.3g` (`0B`, `1.23kB`, `77.8MB`).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = bytes as f64;
    let mut i = 0;
    while size >= 1000.0 && i < UNITS.len() - 1 {
        size /= 1000.0;
        i += 1;
    }
    format!("{}{}", format_g3(size), UNITS[i])
}

/// Go's `%.3g` for a non-negative float.
fn format_g3(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    // Round to 3 significant digits first; the exponent decides the form (as strconv does).
    let e = format!("{x:.2e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..3).contains(&exp) {
        let mant = trim_zeros(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    let decimals = (2 - exp).max(0) as usize;
    trim_zeros(&format!("{x:.decimals$}"))
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// go-units `HumanDuration`: "Less than a second", "About a minute", "3 hours", "2 weeks", …
pub fn human_duration(secs: i64) -> String {
    let s = secs.max(0);
    let (min, hour, day) = (60, 3600, 86_400);
    if s < 1 {
        "Less than a second".into()
    } else if s == 1 {
        "1 second".into()
    } else if s < min {
        format!("{s} seconds")
    } else if s / min == 1 {
        "About a minute".into()
    } else if s < hour {
        format!("{} minutes", s / min)
    } else if (s as f64 / hour as f64).round() as i64 == 1 {
        "About an hour".into()
    } else if s < 48 * hour {
        format!("{} hours", (s as f64 / hour as f64).round() as i64)
    } else if s < 7 * 2 * day {
        format!("{} days", s / day)
    } else if s < 30 * 3 * day {
        format!("{} weeks", s / (7 * day))
    } else if s < 365 * 2 * day {
        format!("{} months", s / (30 * day))
    } else {
        format!("{} years", s / (365 * day))
    }
}

fn created_text(created: Option<Timestamp>, now: Option<Timestamp>) -> String {
    match (created, now) {
        (Some(c), Some(n)) => format!("{} ago", human_duration(n.secs.saturating_sub(c.secs))),
        (Some(c), None) => c.rfc3339_nano(),
        (None, _) => "N/A".into(),
    }
}

/// Go's `text/tabwriter` with minwidth 10, tabwidth 1, padding 3, as the Docker CLI's tables.
/// The last cell of each row is not padded.
fn tabwrite(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
            widths[i] = widths[i].max((cell.chars().count() + 3).max(10));
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                out.push_str(&" ".repeat(widths[i] - cell.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

/// Docker's `stringutils.Ellipsis`: at most `max` characters, the last one `…` when cut.
fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// One history row's layer size: `None` for an empty layer (shown `0B`) or an unknown size
/// (shown `?`), `Some(bytes)` otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowSize {
    Empty,
    Bytes(u64),
    Unknown,
}

/// `docker history IMAGE` (newest first). `sizes[i]` is the size of history entry `i`
/// (oldest first). The top row shows the short image ID, the others `<missing>` (a BuildKit
/// build keeps no intermediate images). `now` gives "… ago"; without it the time is printed
/// in RFC 3339 (like `--human=false`).
pub fn docker_history(
    image_id: &Digest,
    history: &[HistoryEntry],
    sizes: &[RowSize],
    now: Option<Timestamp>,
    no_trunc: bool,
) -> String {
    let mut rows = vec![vec![
        "IMAGE".into(),
        "CREATED".into(),
        "CREATED BY".into(),
        "SIZE".into(),
        "COMMENT".into(),
    ]];
    for (i, h) in history.iter().enumerate().rev() {
        let id = if i + 1 == history.len() {
            if no_trunc {
                image_id.to_string()
            } else {
                image_id.short().to_string()
            }
        } else {
            "<missing>".to_string()
        };
        let by = h.created_by.replace('\t', " ");
        let by = if no_trunc { by } else { ellipsis(&by, 45) };
        let size = match sizes.get(i).copied().unwrap_or(RowSize::Empty) {
            RowSize::Empty => "0B".to_string(),
            RowSize::Bytes(b) => human_size(b),
            RowSize::Unknown => "?".to_string(),
        };
        rows.push(vec![
            id,
            created_text(h.created, now),
            by,
            size,
            h.comment.clone(),
        ]);
    }
    tabwrite(&rows)
}

/// `docker images` with one image: header and row.
pub fn docker_images(
    repository: &str,
    tag: &str,
    image_id: &Digest,
    created: Option<Timestamp>,
    size: u64,
    now: Option<Timestamp>,
) -> String {
    tabwrite(&[
        vec![
            "REPOSITORY".into(),
            "TAG".into(),
            "IMAGE ID".into(),
            "CREATED".into(),
            "SIZE".into(),
        ],
        vec![
            repository.into(),
            tag.into(),
            image_id.short().into(),
            created_text(created, now),
            human_size(size),
        ],
    ])
}

fn container_config(c: &RunConfig) -> GoJson {
    let strs = |v: &[String]| GoJson::strings(Some(v));
    let opt_strs = |v: &Option<Vec<String>>| GoJson::strings(v.as_deref());
    let nil_if_empty = |v: &[String]| if v.is_empty() { GoJson::Null } else { strs(v) };
    let volumes = if c.volumes.is_empty() {
        GoJson::Null
    } else {
        GoJson::set(&c.volumes)
    };
    let labels = if c.labels.is_empty() {
        GoJson::Null
    } else {
        GoJson::string_map(&c.labels)
    };
    ObjectBuilder::new()
        .field("Hostname", GoJson::str(""))
        .field("Domainname", GoJson::str(""))
        .field("User", GoJson::str(&c.user))
        .field("AttachStdin", GoJson::Bool(false))
        .field("AttachStdout", GoJson::Bool(false))
        .field("AttachStderr", GoJson::Bool(false))
        .omitempty("ExposedPorts", GoJson::set(&c.exposed_ports))
        .field("Tty", GoJson::Bool(false))
        .field("OpenStdin", GoJson::Bool(false))
        .field("StdinOnce", GoJson::Bool(false))
        .field("Env", nil_if_empty(&c.env))
        .field("Cmd", opt_strs(&c.cmd))
        .omitempty(
            "Healthcheck",
            c.healthcheck.as_ref().map_or(GoJson::Null, |h| h.to_json()),
        )
        .omitempty("ArgsEscaped", GoJson::Bool(c.args_escaped))
        .field("Image", GoJson::str(""))
        .field("Volumes", volumes)
        .field("WorkingDir", GoJson::str(&c.working_dir))
        .field("Entrypoint", opt_strs(&c.entrypoint))
        .field("OnBuild", nil_if_empty(&c.on_build))
        .field("Labels", labels)
        .omitempty("StopSignal", GoJson::str(&c.stop_signal))
        .omitempty("Shell", strs(&c.shell))
        .build()
}

/// `docker inspect IMAGE` (Docker 25+ fields that the image determines: no GraphDriver or
/// Metadata, which depend on the daemon's store). `size` is the image's content size.
pub fn docker_inspect(
    image_id: &Digest,
    repo_tags: &[String],
    config: &ImageConfig,
    diff_ids: &[Digest],
    size: u64,
) -> String {
    let comment = config
        .history
        .last()
        .map(|h| h.comment.clone())
        .unwrap_or_default();
    let created = config
        .created
        .or_else(|| config.history.iter().rev().find_map(|h| h.created));
    let obj = ObjectBuilder::new()
        .field("Id", GoJson::str(image_id.as_str()))
        .field("RepoTags", GoJson::strings(Some(repo_tags)))
        .field("RepoDigests", GoJson::Array(vec![]))
        .field("Parent", GoJson::str(""))
        .field("Comment", GoJson::Str(comment))
        .omitempty(
            "Created",
            created.map_or(GoJson::Null, |t| GoJson::Str(t.rfc3339_nano())),
        )
        .field("DockerVersion", GoJson::str(""))
        .field("Author", GoJson::str(&config.author))
        .field("Config", container_config(&config.config))
        .field("Architecture", GoJson::str(&config.architecture))
        .omitempty("Variant", GoJson::str(&config.variant))
        .field("Os", GoJson::str(&config.os))
        .omitempty("OsVersion", GoJson::str(&config.os_version))
        .field("Size", GoJson::Int(size as i64))
        .field(
            "RootFS",
            ObjectBuilder::new()
                .field("Type", GoJson::str("layers"))
                .omitempty(
                    "Layers",
                    GoJson::Array(diff_ids.iter().map(|d| GoJson::str(d.as_str())).collect()),
                )
                .build(),
        )
        .build();
    let mut out = GoJson::Array(vec![obj]).to_indented("    ");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_like_go_units() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(999), "999B");
        assert_eq!(human_size(1234), "1.23kB");
        assert_eq!(human_size(77_812_345), "77.8MB");
        assert_eq!(human_size(5_000_000), "5MB");
        assert_eq!(human_size(999_999), "1e+03kB");
    }

    #[test]
    fn durations_like_go_units() {
        assert_eq!(human_duration(0), "Less than a second");
        assert_eq!(human_duration(90), "About a minute");
        assert_eq!(human_duration(3 * 3600), "3 hours");
        assert_eq!(human_duration(20 * 86_400), "2 weeks");
    }

    #[test]
    fn history_table() {
        let id = Digest::sha256(b"config");
        let h = vec![
            HistoryEntry {
                created: Some(Timestamp::from_secs(0)),
                created_by: "COPY . /app # buildkit".into(),
                comment: "buildkit.dockerfile.v0".into(),
                ..Default::default()
            },
            HistoryEntry {
                created: Some(Timestamp::from_secs(0)),
                created_by: "CMD [\"/app/run\"]".into(),
                comment: "buildkit.dockerfile.v0".into(),
                empty_layer: true,
                ..Default::default()
            },
        ];
        let t = docker_history(
            &id,
            &h,
            &[RowSize::Bytes(1234), RowSize::Empty],
            Some(Timestamp::from_secs(7200)),
            false,
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(
            lines[0],
            "IMAGE          CREATED       CREATED BY               SIZE      COMMENT"
        );
        assert_eq!(
            lines[1],
            format!(
                "{}   2 hours ago   CMD [\"/app/run\"]         0B        buildkit.dockerfile.v0",
                id.short()
            )
        );
        assert_eq!(lines[2], "<missing>      2 hours ago   COPY . /app # buildkit   1.23kB    buildkit.dockerfile.v0");
    }
}
